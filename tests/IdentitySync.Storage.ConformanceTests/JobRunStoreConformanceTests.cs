using IdentitySync.JobRuns;

namespace IdentitySync.Storage.ConformanceTests;

/// <summary>What every store does with job runs (<see cref="IJobRunStore"/>); each store's test project derives a fixture.</summary>
/// <typeparam name="TStore">Creates and reopens the store under test.</typeparam>
public abstract class JobRunStoreConformanceTests<TStore> : StoreConformanceTests<TStore>
    where TStore : IStoreUnderTest, new()
{
    /// <summary>Job runs are kept, replaced by id, and listed newest first.</summary>
    [Test]
    public async Task JobRuns_SavedAndUpdated_AreReadBackNewestFirst()
    {
        var day = new DateTimeOffset(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);
        var first = new JobRun("r1", "nightly", day, JobStatus.Blocked, [new("synchronize AD", JobTaskStatus.Blocked, "Blocked by ...", TimeSpan.FromSeconds(3))], ["08:00 started"]);
        var second = new JobRun("r2", "nightly", day.AddDays(1), JobStatus.Succeeded, [new("synchronize AD", JobTaskStatus.Succeeded, null, TimeSpan.FromSeconds(2))], []);

        await Store.SaveJobRunAsync(first, None);
        await Store.SaveJobRunAsync(second, None);
        await Store.SaveJobRunAsync(first with { Status = JobStatus.Succeeded }, None);

        var reopened = Reopen();
        var latest = await reopened.GetJobRunsAsync(10, None);
        var one = await reopened.GetJobRunAsync("r1", None);
        Assert.Multiple(async () =>
        {
            Assert.That(latest.Select(static r => (r.Id, r.Status)), Is.EqualTo(new[] { ("r2", JobStatus.Succeeded), ("r1", JobStatus.Succeeded) }));
            Assert.That(one!.Tasks, Is.EqualTo(first.Tasks));
            Assert.That(one.Log, Is.EqualTo(first.Log));
            Assert.That(one.StartedAt, Is.EqualTo(day));
            Assert.That(await reopened.GetJobRunAsync("nope", None), Is.Null);
            Assert.That(await reopened.GetJobRunsAsync(1, None), Has.Count.EqualTo(1));
        });
    }

    /// <summary>A job's latest run is found however many runs of other jobs came after it, by name without case.</summary>
    [Test]
    public async Task LastJobRun_OfOneJob_IsFoundBehindManyRunsOfOthers()
    {
        var day = new DateTimeOffset(2026, 11, 1, 2, 0, 0, TimeSpan.Zero);
        await Store.SaveJobRunAsync(new JobRun("w1", "weekly", day, JobStatus.Succeeded, [], []), None);
        await Store.SaveJobRunAsync(new JobRun("w2", "weekly", day.AddDays(7), JobStatus.Failed, [], []), None);
        for (var i = 0; i < 250; i++)
        {
            await Store.SaveJobRunAsync(new JobRun($"h{i:D3}", "hourly", day.AddDays(7).AddHours(i + 1), JobStatus.Succeeded, [], []), None);
        }

        var reopened = Reopen();
        var weekly = await reopened.GetLastJobRunAsync("WEEKLY", None);
        Assert.Multiple(async () =>
        {
            Assert.That(await reopened.GetJobRunsAsync(200, None), Has.None.Matches<JobRun>(static r => r.Job == "weekly"), "the latest 200 runs are all hourly");
            Assert.That((weekly?.Id, weekly?.Status), Is.EqualTo(("w2", (JobStatus?)JobStatus.Failed)), "the latest of the job's own runs");
            Assert.That((await reopened.GetLastJobRunAsync("hourly", None))?.Id, Is.EqualTo("h249"));
            Assert.That(await reopened.GetLastJobRunAsync("monthly", None), Is.Null);
        });
    }

    /// <summary>A job's lock refuses a second run of it, from this store or another opened on the same data, and not another job's.</summary>
    [Test]
    public async Task LockJob_WhileHeld_IsRefusedFromAnotherStoreThenFreed()
    {
        var other = Reopen();
        var held = await Store.LockJobAsync("nightly", None);

        var refused = Assert.ThrowsAsync<JobBusyException>(async () => await other.LockJobAsync("Nightly", None));
        await using (await other.LockJobAsync("hourly", None))
        {
        }

        await held.DisposeAsync();
        await using var again = await other.LockJobAsync("nightly", None);
        Assert.Multiple(() =>
        {
            Assert.That(refused!.Kind, Is.EqualTo(FailureKind.StoreLocked));
            Assert.That(refused.Message, Does.StartWith("Job 'Nightly' is already running"));
        });
    }
}
