using IdentitySync.ChangeSets;
using IdentitySync.JobRuns;
using IdentitySync.Jobs;
using IdentitySync.Synchronization;
using IdentitySync.Tests.Synchronization;

namespace IdentitySync.Tests.Jobs;

public sealed class JobRunnerTests
{
    private static SyncFixture Fixture(bool thresholdsOff = true, bool appDeactivated = false) => new(thresholdsOff, b =>
    {
        b.AddEntityType("App_Account", e => e.AddProperty("Login"))
            .AddConnector("App", c =>
            {
                c.AddConnection("Export", "Memory")
                    .MapEntityType("App_Account", "Export", "accounts", m => m.Map("Login", "login", IdentitySync.Model.PropertyKey.Primary));
                if (appDeactivated)
                {
                    c.Deactivate();
                }
            });
    });

    [Test]
    public async Task Run_JobAlreadyRunningElsewhere_IsRefusedAndRecordsNothing()
    {
        var fixture = Fixture();
        fixture.SetSnapshot(3);
        fixture.Package.SetTable("accounts", "login", "alice");
        var runner = new JobRunner(fixture.Store, fixture.Clock);
        var elsewhere = await fixture.Store.LockJobAsync("nightly", CancellationToken.None);

        var refused = Assert.ThrowsAsync<IdentitySync.Storage.JobBusyException>(() => runner.RunAsync("nightly", Tasks(fixture, SyncMode.Initial)));
        var other = await runner.RunAsync("hourly", Tasks(fixture, SyncMode.Initial));
        await elsewhere.DisposeAsync();
        var afterwards = await runner.RunAsync("nightly", Tasks(fixture, SyncMode.Complete));

        Assert.Multiple(async () =>
        {
            Assert.That(refused!.Message, Is.EqualTo("Job 'nightly' is already running; wait for that run to end."));
            Assert.That((other.Status, afterwards.Status), Is.EqualTo((JobStatus.Succeeded, JobStatus.Succeeded)));
            Assert.That((await fixture.Store.GetJobRunsAsync(10, CancellationToken.None)).Select(static r => r.Job), Is.EquivalentTo(new[] { "nightly", "hourly" }), "the refused run left no record");
        });
    }

    [Test]
    public async Task Run_EveryTaskSucceeds_KeepsTheRunWithResultsAndProgress()
    {
        var fixture = Fixture();
        fixture.SetSnapshot(3, "CN=Staff;u1");
        fixture.Package.SetTable("accounts", "login", "alice", "bob");
        var progress = new List<JobProgress>();
        var runner = new JobRunner(fixture.Store, fixture.Clock);

        var run = await runner.RunAsync("nightly", Tasks(fixture, SyncMode.Initial), new SynchronousProgress(progress));

        Assert.Multiple(async () =>
        {
            Assert.That(run.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(run.Tasks.Select(static t => (t.Task, t.Status, t.Message)), Is.EqualTo(new[]
            {
                ("synchronize AD (initial)", JobTaskStatus.Succeeded, "5 inserted, 0 updated, 0 deleted, 1 links changed"),
                ("synchronize App (initial)", JobTaskStatus.Succeeded, "2 inserted, 0 updated, 0 deleted, 0 links changed"),
            }));
            Assert.That(progress.Select(static p => (p.TaskIndex, p.Status)), Is.EqualTo(new[]
            {
                (0, JobTaskStatus.Pending), (0, JobTaskStatus.Succeeded), (1, JobTaskStatus.Pending), (1, JobTaskStatus.Succeeded),
            }));
            Assert.That(run.Log[0], Is.EqualTo("2026-01-01 00:00:00Z Job nightly started (2 tasks)."));
            Assert.That(run.Log[^1], Is.EqualTo("2026-01-01 00:00:00Z Job nightly ended Succeeded."));
            Assert.That(await fixture.Store.GetJobRunAsync(run.Id, CancellationToken.None), Is.EqualTo(run).Using<JobRun>(static (a, b) => a.Id == b.Id && a.Status == b.Status && a.Tasks.SequenceEqual(b.Tasks)));
        });
    }

    [Test]
    public async Task Run_BlockedTask_StopsTheJobAndResumeContinuesFromIt()
    {
        var fixture = Fixture(thresholdsOff: false);
        fixture.SetSnapshot(100);
        fixture.Package.SetTable("accounts", "login", "alice");
        await fixture.RunAsync(SyncMode.Initial);
        fixture.SetUsers(SyncFixture.Users(90));
        var runner = new JobRunner(fixture.Store, fixture.Clock);
        var tasks = Tasks(fixture, SyncMode.Complete);

        var blocked = await runner.RunAsync("nightly", tasks);
        var resumed = await runner.ResumeAsync(blocked, tasks);

        Assert.Multiple(async () =>
        {
            Assert.That(blocked.Status, Is.EqualTo(JobStatus.Blocked));
            Assert.That(blocked.Tasks.Select(static t => t.Status), Is.EqualTo(new[] { JobTaskStatus.Blocked, JobTaskStatus.Pending }));
            Assert.That(resumed.Id, Is.EqualTo(blocked.Id));
            Assert.That(resumed.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(resumed.Tasks.Select(static t => t.Status), Is.EqualTo(new[] { JobTaskStatus.Succeeded, JobTaskStatus.Succeeded }));
            Assert.That(resumed.Log, Has.Some.Contains("Job nightly resumed from task 1, synchronize AD."));
            Assert.That(await fixture.Store.CountResourcesAsync("AD_User", CancellationToken.None), Is.EqualTo(90), "the staged deletes were applied");
            Assert.That((await fixture.Store.GetJobRunsAsync(10, CancellationToken.None)).Single().Status, Is.EqualTo(JobStatus.Succeeded));
        });
    }

    [Test]
    public async Task Run_DeactivatedConnector_IsSkippedAndTheJobGoesOn()
    {
        var fixture = Fixture(appDeactivated: true);
        fixture.SetSnapshot(2);

        var run = await new JobRunner(fixture.Store, fixture.Clock).RunAsync("nightly", [.. Tasks(fixture, SyncMode.Initial).AsEnumerable().Reverse()]);

        Assert.Multiple(() =>
        {
            Assert.That(run.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(run.Tasks.Select(static t => t.Status), Is.EqualTo(new[] { JobTaskStatus.Skipped, JobTaskStatus.Succeeded }));
            Assert.That(run.Tasks[0].Message, Is.EqualTo("Connector 'App' is deactivated (IsDeactivated: true); activate it to synchronize."));
        });
    }

    [Test]
    public async Task Run_QuarantinedRows_EndTheTaskWithAWarning()
    {
        var fixture = Fixture();
        fixture.SetUsers([SyncFixture.User(1), ";noKey;E;2024-01-01;"]);
        fixture.SetGroups();
        fixture.SetMembers();
        fixture.Package.SetTable("accounts", "login");

        var run = await new JobRunner(fixture.Store, fixture.Clock).RunAsync("nightly", Tasks(fixture, SyncMode.Initial));

        Assert.Multiple(() =>
        {
            Assert.That(run.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(run.Tasks[0].Status, Is.EqualTo(JobTaskStatus.Warning));
            Assert.That(run.Tasks[0].Message, Is.EqualTo("1 inserted, 0 updated, 0 deleted, 0 links changed; 1 rows quarantined"));
        });
    }

    [Test]
    public async Task Run_Cancelled_StopsAndLeavesTheRestPending()
    {
        var fixture = Fixture();
        fixture.SetSnapshot(2);
        fixture.Package.SetTable("accounts", "login", "alice");
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        var run = await new JobRunner(fixture.Store, fixture.Clock).RunAsync("nightly", Tasks(fixture, SyncMode.Initial), cancellationToken: cancellation.Token);

        Assert.Multiple(async () =>
        {
            Assert.That(run.Status, Is.EqualTo(JobStatus.Cancelled));
            Assert.That(run.Tasks.Select(static t => t.Status), Is.EqualTo(new[] { JobTaskStatus.Failed, JobTaskStatus.Pending }));
            Assert.That(await fixture.Store.CountResourcesAsync("AD_User", CancellationToken.None), Is.Zero);
        });
    }

    [Test]
    public async Task Run_CategorizeAfterSynchronize_WarnsWhenThereIsSomethingToReview()
    {
        var fixture = new SyncFixture(configure: static b => b
            .AddEntityType("Person", e => e.AddProperty("Sam"))
            .AddResourceType("AD_Nominative", "AD", "Person", "AD_User", r =>
                r.CorrelationRules.Add(new IdentitySync.Configuration.CorrelationRuleOptions { Owner = "Owner.Sam", Account = "Account.Sam", Confidence = 90 })));
        fixture.SetSnapshot(2);
        await using (var writer = await fixture.Store.BeginApplyAsync("(people)", 0, CancellationToken.None))
        {
            await writer.InsertAsync("Person", [new ResourceChange("p1", 1, ["u1"], [], 0)], CancellationToken.None);
            await writer.CommitAsync(new IdentitySync.Storage.ConnectorState(1, null, [], null), CancellationToken.None);
        }

        var categorize = new CategorizeTask(new IdentitySync.Categorization.CategorizationEngine(fixture.Model, fixture.Store, fixture.Clock));
        var run = await new JobRunner(fixture.Store, fixture.Clock).RunAsync("nightly", [new SynchronizeTask(fixture.Engine, "AD", new SyncRunOptions { Mode = SyncMode.Initial }), categorize]);

        Assert.Multiple(() =>
        {
            Assert.That(run.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(run.Tasks[1], Is.EqualTo(new JobTaskResult("categorize", JobTaskStatus.Warning, "2 accounts categorized: 0 correlated, 0 classified, 1 to review, 1 uncategorized", TimeSpan.Zero)));
            Assert.That(categorize.LastReport!.Considered, Is.EqualTo(2));
        });
    }

    [TestCase("synchronize AD", "AD", SyncMode.Complete)]
    [TestCase("synchronize HR (incremental)", "HR", SyncMode.Incremental)]
    [TestCase("synchronize App (initial)", "App", SyncMode.Initial)]
    public void SynchronizeTaskName_RoundTrips(string name, string connector, SyncMode mode)
    {
        var fixture = Fixture();

        Assert.Multiple(() =>
        {
            Assert.That(SynchronizeTask.ParseName(name), Is.EqualTo((connector, mode)));
            Assert.That(new SynchronizeTask(fixture.Engine, connector, new SyncRunOptions { Mode = mode }).Name, Is.EqualTo(name));
            Assert.That(SynchronizeTask.ParseName("categorize"), Is.Null);
        });
    }

    [Test]
    public async Task Run_TaskThrowingAnythingElse_IsRecordedAsFailed_AndTheJobResumesFromIt()
    {
        var fixture = Fixture();
        fixture.SetSnapshot(2);
        fixture.Package.SetTable("accounts", "login", "alice");
        var flaky = new FlakyTask(new IOException("the share went away"));
        var runner = new JobRunner(fixture.Store, fixture.Clock);
        List<IJobTask> tasks = [new SynchronizeTask(fixture.Engine, "AD", new SyncRunOptions { Mode = SyncMode.Initial }), flaky];

        var failed = await runner.RunAsync("nightly", tasks);
        var recorded = await fixture.Store.GetJobRunAsync(failed.Id, CancellationToken.None);
        var resumed = await runner.ResumeAsync(failed, tasks);

        Assert.Multiple(() =>
        {
            Assert.That(failed.Status, Is.EqualTo(JobStatus.Failed));
            Assert.That(failed.Tasks[1], Is.EqualTo(new JobTaskResult("flaky", JobTaskStatus.Failed, "the share went away (IOException); nothing of it was applied.", TimeSpan.Zero) { Failure = FailureKind.Failed }));
            Assert.That(recorded!.Tasks[1].Status, Is.EqualTo(JobTaskStatus.Failed), "the failure is recorded");
            Assert.That(resumed.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(flaky.Runs, Is.EqualTo(2), "resumed from the failed task");
        });
    }

    [Test]
    public async Task Run_FailedTask_KeepsTheKindOfItsFailure()
    {
        var fixture = Fixture();
        fixture.SetSnapshot(2);
        fixture.Package.SetTable("accounts", "login", "alice");
        var runner = new JobRunner(fixture.Store, fixture.Clock);

        var unavailable = await runner.RunAsync("a", [new FlakyTask(new IdentitySync.Storage.StoreUnavailableException("the disk is full"))]);
        var refused = await runner.RunAsync("b", [new FlakyTask(new IdentitySync.Connections.ConnectionException("bad file") { Kind = FailureKind.InputUnreadable })]);
        var reloaded = await fixture.Store.GetJobRunAsync(unavailable.Id, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(unavailable.Tasks[0].Failure, Is.EqualTo(FailureKind.StoreUnavailable));
            Assert.That(refused.Tasks[0].Failure, Is.EqualTo(FailureKind.InputUnreadable));
            Assert.That(reloaded!.Tasks[0].Failure, Is.EqualTo(FailureKind.StoreUnavailable), "kept with the run");
        });
    }

    [Test]
    public async Task Resume_SucceededRun_IsRefused()
    {
        var fixture = Fixture();
        fixture.SetSnapshot(1);
        fixture.Package.SetTable("accounts", "login");
        var runner = new JobRunner(fixture.Store, fixture.Clock);
        var tasks = Tasks(fixture, SyncMode.Initial);
        var run = await runner.RunAsync("nightly", tasks);

        var exception = Assert.ThrowsAsync<IdentitySyncException>(() => runner.ResumeAsync(run, tasks));

        Assert.That(exception!.Message, Is.EqualTo($"Job run {run.Id} ended Succeeded; only a blocked, failed or cancelled run can be resumed."));
    }

    private static List<IJobTask> Tasks(SyncFixture fixture, SyncMode mode) =>
    [
        new SynchronizeTask(fixture.Engine, "AD", new SyncRunOptions { Mode = mode }),
        new SynchronizeTask(fixture.Engine, "App", new SyncRunOptions { Mode = mode }),
    ];

    /// <summary>A task that fails the first time with the given exception, then succeeds.</summary>
    private sealed class FlakyTask(Exception failure) : IJobTask
    {
        public string Name => "flaky";

        public int Runs { get; private set; }

        public Task<JobTaskOutcome> RunAsync(CancellationToken cancellationToken) =>
            ++Runs == 1 ? Task.FromException<JobTaskOutcome>(failure) : Task.FromResult(new JobTaskOutcome(JobTaskStatus.Succeeded, "done"));

        public Task<JobTaskOutcome> ResumeAsync(CancellationToken cancellationToken) => RunAsync(cancellationToken);
    }

    private sealed class SynchronousProgress(List<JobProgress> seen) : IProgress<JobProgress>
    {
        public void Report(JobProgress value) => seen.Add(value);
    }
}
