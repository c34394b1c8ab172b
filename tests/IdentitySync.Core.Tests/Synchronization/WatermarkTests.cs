using IdentitySync.ChangeSets;
using IdentitySync.Synchronization;

namespace IdentitySync.Tests.Synchronization;

/// <summary>The incremental watermark contract: handed over, recorded only with the applied change set.</summary>
public sealed class WatermarkTests
{
    [Test]
    public async Task Synchronize_WatermarksReturned_AreRecordedWithTheApplyAndHandedToTheNextExport()
    {
        var fixture = new SyncFixture();
        fixture.SetSnapshot(3, "CN=Staff;u1");
        fixture.Package.SetWatermark("users", "usn:100");
        fixture.Package.SetWatermark("groups", "usn:90");
        await fixture.RunAsync(SyncMode.Initial);
        var afterFirst = await WatermarksAsync(fixture);
        fixture.Package.SetDelta("users", SyncFixture.UsersHeader + ";command", SyncFixture.User(4) + ";Add");
        fixture.Package.SetDelta("groups", SyncFixture.GroupsHeader + ";command");
        fixture.Package.SetDelta("members", SyncFixture.MembersHeader + ";command");
        fixture.Package.SetWatermark("users", "usn:120");
        fixture.Package.SetWatermark("groups", null);

        var report = await fixture.RunAsync(SyncMode.Incremental);

        var handed = fixture.Package.Requests.Where(static r => r.Mode == Connections.ExportMode.Incremental).ToDictionary(static r => r.Table, static r => r.Watermark);
        Assert.Multiple(async () =>
        {
            Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Succeeded));
            Assert.That(afterFirst, Is.EqualTo(new[] { "Export|groups|usn:90", "Export|users|usn:100" }));
            Assert.That(handed, Is.EqualTo(new Dictionary<string, string?> { ["users"] = "usn:100", ["groups"] = "usn:90", ["members"] = null }));
            Assert.That(await WatermarksAsync(fixture), Is.EqualTo(new[] { "Export|groups|usn:90", "Export|users|usn:120" }), "a reader that returns none keeps the table's watermark");
        });
    }

    [Test]
    public async Task Synchronize_FailedOrDry_DoesNotMoveTheWatermark()
    {
        var fixture = new SyncFixture();
        fixture.SetSnapshot(3);
        fixture.Package.SetWatermark("users", "usn:100");
        await fixture.RunAsync(SyncMode.Initial);
        fixture.Package.SetWatermark("users", "usn:200");
        fixture.SetUsers(SyncFixture.Users(4));

        var dry = await fixture.RunAsync(dryRun: true);
        var afterDry = await WatermarksAsync(fixture);
        fixture.Package.SetDelta("users", SyncFixture.UsersHeader + ";command", SyncFixture.User(5) + ";Add");
        var failed = await fixture.RunAsync(SyncMode.Incremental);

        Assert.Multiple(async () =>
        {
            Assert.That(dry.Outcome, Is.EqualTo(SyncOutcome.Succeeded));
            Assert.That(afterDry, Is.EqualTo(new[] { "Export|users|usn:100" }));
            Assert.That(failed.Outcome, Is.EqualTo(SyncOutcome.Failed), "the groups table has no delta");
            Assert.That(await WatermarksAsync(fixture), Is.EqualTo(new[] { "Export|users|usn:100" }));
        });
    }

    [Test]
    public async Task Synchronize_Blocked_StagesTheWatermarkThatResumeRecords()
    {
        var (fixture, blocked) = await BlockedAfterAWatermarkAsync();
        var whileBlocked = await WatermarksAsync(fixture);
        var staged = await fixture.Engine.GetBlockedChangeSetAsync("AD");
        var resumed = await fixture.Engine.ResumeAsync("AD");

        Assert.Multiple(async () =>
        {
            Assert.That(blocked.Outcome, Is.EqualTo(SyncOutcome.Blocked));
            Assert.That(whileBlocked, Is.EqualTo(new[] { "Export|users|usn:100" }));
            Assert.That(staged!.Watermarks, Is.EqualTo(new[] { new TableWatermark("Export", "users", "usn:300") }));
            Assert.That(resumed.Outcome, Is.EqualTo(SyncOutcome.Succeeded));
            Assert.That(await WatermarksAsync(fixture), Is.EqualTo(new[] { "Export|users|usn:300" }));
        });
    }

    [Test]
    public async Task Abandon_BlockedRun_KeepsTheAppliedWatermark()
    {
        var (fixture, _) = await BlockedAfterAWatermarkAsync();

        var abandoned = await fixture.Engine.AbandonAsync("AD");

        Assert.Multiple(async () =>
        {
            Assert.That(abandoned, Is.True);
            Assert.That(await WatermarksAsync(fixture), Is.EqualTo(new[] { "Export|users|usn:100" }));
        });
    }

    /// <summary>Loads 100 users at watermark usn:100, then a run that deletes 10 at usn:300, blocked by the 5 % threshold.</summary>
    private static async Task<(SyncFixture Fixture, SyncReport Blocked)> BlockedAfterAWatermarkAsync()
    {
        var fixture = new SyncFixture(thresholdsOff: false);
        fixture.SetSnapshot(100);
        fixture.Package.SetWatermark("users", "usn:100");
        await fixture.RunAsync(SyncMode.Initial);
        fixture.SetUsers(SyncFixture.Users(90));
        fixture.Package.SetWatermark("users", "usn:300");
        return (fixture, await fixture.RunAsync());
    }

    private static async Task<string[]> WatermarksAsync(SyncFixture fixture) =>
        [.. (await fixture.Store.GetConnectorStateAsync("AD", CancellationToken.None)).Watermarks
            .Select(static w => $"{w.Connection}|{w.Table}|{w.Value}")
            .Order(StringComparer.Ordinal)];
}
