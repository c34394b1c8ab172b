using IdentitySync.Categorizations;
using IdentitySync.ChangeSets;
using IdentitySync.Configuration;
using IdentitySync.JobRuns;
using IdentitySync.Model;
using IdentitySync.Orders;
using IdentitySync.Storage;
using IdentitySync.Synchronization;
using IdentitySync.Testing;
using Microsoft.Extensions.Time.Testing;

namespace IdentitySync.Tests.Synchronization;

public sealed class SyncEngineTests
{
    [Test]
    public async Task Synchronize_InitialIntoEmptyConnector_InsertsTypedValuesAndLinks()
    {
        var fixture = new SyncFixture(thresholdsOff: false);
        fixture.SetSnapshot(20, "CN=Staff;u1", "CN=Staff;u2", "CN=Admins;u2");

        var report = await fixture.RunAsync(SyncMode.Initial);

        var user = await fixture.FindAsync("AD_User", "CN=u2,OU=Users");
        Assert.Multiple(() =>
        {
            Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Succeeded));
            Assert.That(report.Thresholds.Select(static v => v.Change), Is.EqualTo(new[] { ThresholdChange.Quarantined }), "initial mode checks no change threshold, only the quarantine limit");
            Assert.That(report.EntityTypes.Select(static e => (e.EntityType, e.RowsRead, e.Inserted)), Is.EqualTo(new[] { ("AD_User", 20L, 20L), ("AD_Group", 2L, 2L) }));
            Assert.That(report.Associations.Single().Inserted, Is.EqualTo(3));
            Assert.That(fixture.ValueOf(user!, "Sam"), Is.EqualTo("u2"));
            Assert.That(fixture.ValueOf(user!, "Created"), Is.EqualTo(new DateTime(2024, 1, 3, 0, 0, 0, DateTimeKind.Utc)));
            Assert.That(fixture.ValueOf(user!, "Proxies"), Is.EqualTo(new object[] { "smtp:u2@corp.test", "sip:u2@corp.test" }));
        });
        Assert.That(await fixture.LinksAsync(), Is.EqualTo(new[] { "CN=Admins->CN=u2,OU=Users", "CN=Staff->CN=u1,OU=Users", "CN=Staff->CN=u2,OU=Users" }));
    }

    [Test]
    public async Task Synchronize_InitialWhenConnectorHoldsResources_FailsAndChangesNothing()
    {
        var fixture = new SyncFixture();
        fixture.SetSnapshot(3);
        await fixture.RunAsync(SyncMode.Initial);
        var before = await fixture.DumpAsync();

        var report = await fixture.RunAsync(SyncMode.Initial);

        Assert.Multiple(async () =>
        {
            Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Failed));
            Assert.That(report.Message, Is.EqualTo("Connector 'AD' already holds 5 resources; initial mode loads a connector that holds nothing. Use complete mode."));
            Assert.That(await fixture.DumpAsync(), Is.EqualTo(before));
        });
    }

    [Test]
    public async Task Synchronize_SameCompleteSnapshotTwice_SecondRunChangesNothing()
    {
        var fixture = new SyncFixture();
        fixture.SetSnapshot(10, "CN=Staff;u1");
        await fixture.RunAsync();
        var afterFirst = await fixture.DumpAsync();

        var report = await fixture.RunAsync();

        var users = report.EntityTypes.Single(static e => e.EntityType == "AD_User");
        Assert.Multiple(async () =>
        {
            Assert.That((users.Inserted, users.Updated, users.Deleted, users.Unchanged), Is.EqualTo((0L, 0L, 0L, 10L)));
            Assert.That(report.Associations.Single().Unchanged, Is.EqualTo(1));
            Assert.That((await fixture.DumpAsync()).Where(static l => !l.StartsWith("state|", StringComparison.Ordinal)), Is.EqualTo(afterFirst.Where(static l => !l.StartsWith("state|", StringComparison.Ordinal))));
        });
    }

    [Test]
    public async Task Synchronize_CompleteWithChanges_InsertsUpdatesAndDeletesWithOldAndNewValues()
    {
        var fixture = new SyncFixture();
        fixture.SetSnapshot(5, "CN=Staff;u1", "CN=Staff;u5");
        await fixture.RunAsync();
        fixture.SetUsers([SyncFixture.User(1), SyncFixture.User(2, created: "2025-06-30"), SyncFixture.User(3), SyncFixture.User(4), SyncFixture.User(6)]);
        fixture.SetMembers("CN=Staff;u1", "CN=Admins;u6");

        var report = await fixture.RunAsync(dryRun: true);
        var dryRunState = await fixture.DumpAsync();
        await fixture.RunAsync();

        var users = report.EntityTypes.Single(static e => e.EntityType == "AD_User");
        var updated = await fixture.FindAsync("AD_User", "CN=u2,OU=Users");
        Assert.Multiple(async () =>
        {
            Assert.That((users.Inserted, users.Updated, users.Deleted, users.Unchanged), Is.EqualTo((1L, 1L, 1L, 3L)));
            Assert.That(report.DryRun, Is.True);
            Assert.That(dryRunState, Has.Some.Contains("AD_User|CN=u5,OU=Users"), "a dry run writes nothing");
            Assert.That(fixture.ValueOf(updated!, "Created"), Is.EqualTo(new DateTime(2025, 6, 30, 0, 0, 0, DateTimeKind.Utc)));
            Assert.That(await fixture.FindAsync("AD_User", "CN=u5,OU=Users"), Is.Null);
            Assert.That(fixture.ValueOf((await fixture.FindAsync("AD_User", "CN=u6,OU=Users"))!, "Sam"), Is.EqualTo("u6"));
            Assert.That(await fixture.LinksAsync(), Is.EqualTo(new[] { "CN=Admins->CN=u6,OU=Users", "CN=Staff->CN=u1,OU=Users" }));
            Assert.That((report.Associations[0].Inserted, report.Associations[0].Deleted), Is.EqualTo((1L, 1L)));
        });
    }

    [Test]
    public async Task Synchronize_WithProgress_ReportsRowsPerBatchThenDiffAndApply()
    {
        var fixture = new SyncFixture();
        fixture.SetSnapshot(10, "CN=Staff;u1");
        var seen = new List<SyncProgress>();

        await fixture.Engine.SynchronizeAsync("AD", new SyncRunOptions { Mode = SyncMode.Initial, Progress = new Collect(seen) });

        Assert.That(seen.Select(static p => (p.Step, p.Table, p.Rows)), Is.EqualTo(new (SyncStep, string?, long)[]
        {
            (SyncStep.Read, "users", 0), (SyncStep.Read, "groups", 0), (SyncStep.Read, "members", 0),
            (SyncStep.Read, "users", 7), (SyncStep.Read, "users", 10),
            (SyncStep.Read, "groups", 2),
            (SyncStep.Read, "members", 1),
            (SyncStep.Diff, null, 0), (SyncStep.Apply, null, 0),
        }));
    }

    [Test]
    public async Task Synchronize_UpdatedRow_ChangeSetNamesOnlyTheChangedProperty()
    {
        var fixture = new SyncFixture(thresholdsOff: false, configure: static b => b.Options.Connectors[0].Mappings[0].Thresholds.MaxUpdated = 1);
        fixture.SetSnapshot(3);
        await fixture.RunAsync(SyncMode.Initial);
        fixture.SetUsers([SyncFixture.User(1, created: "2030-01-01"), SyncFixture.User(2, created: "2030-01-01"), SyncFixture.User(3)]);

        var report = await fixture.RunAsync();
        var blocked = await fixture.Engine.GetBlockedChangeSetAsync("AD");

        var change = blocked!.EntityTypes.Single(static e => e.EntityType == "AD_User").Updated.Single(static u => u.Key == "CN=u1,OU=Users");
        Assert.Multiple(() =>
        {
            Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Blocked));
            Assert.That(change.Changes, Is.EqualTo(new[]
            {
                new PropertyChange("Created", new DateTime(2024, 1, 2, 0, 0, 0, DateTimeKind.Utc), new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc)),
            }));
            Assert.That(change.LineNumber, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Synchronize_IdenticalDuplicateRows_CollapseIntoOne()
    {
        var fixture = new SyncFixture();
        fixture.SetUsers([SyncFixture.User(1), SyncFixture.User(2), SyncFixture.User(1), SyncFixture.User(1)]);
        fixture.SetGroups();
        fixture.SetMembers();

        var report = await fixture.RunAsync();

        var users = report.EntityTypes.Single(static e => e.EntityType == "AD_User");
        Assert.That((users.RowsRead, users.Inserted, users.DuplicatesCollapsed, users.Quarantined.Count), Is.EqualTo((4L, 2L, 2L, 0)));
    }

    [Test]
    public async Task Synchronize_RepeatedMembershipRows_AreOneLink()
    {
        var fixture = new SyncFixture();
        fixture.SetSnapshot(3, "CN=Staff;u1", "CN=Admins;u2", "CN=Staff;u1", "CN=Staff;u3", "CN=Staff;u1");

        var first = await fixture.RunAsync();
        var again = await fixture.RunAsync();

        Assert.Multiple(async () =>
        {
            Assert.That((first.Associations[0].RowsRead, first.Associations[0].Inserted), Is.EqualTo((5L, 3L)));
            Assert.That((again.Associations[0].Inserted, again.Associations[0].Deleted, again.Associations[0].Unchanged), Is.EqualTo((0L, 0L, 3L)));
            Assert.That(await fixture.LinksAsync(), Is.EqualTo(new[] { "CN=Admins->CN=u2,OU=Users", "CN=Staff->CN=u1,OU=Users", "CN=Staff->CN=u3,OU=Users" }));
        });
    }

    [Test]
    public async Task Synchronize_DuplicateKeyWithDifferentContent_QuarantinesAllRowsAndKeepsTheStoredResource()
    {
        var fixture = new SyncFixture();
        fixture.SetSnapshot(3, "CN=Staff;u2");
        await fixture.RunAsync();
        var before = await fixture.FindAsync("AD_User", "CN=u2,OU=Users");
        fixture.SetUsers([SyncFixture.User(1), SyncFixture.User(2, created: "2026-02-02"), SyncFixture.User(3), SyncFixture.User(2, created: "2026-03-03")]);
        fixture.SetMembers();

        var report = await fixture.RunAsync();

        var users = report.EntityTypes.Single(static e => e.EntityType == "AD_User");
        Assert.Multiple(async () =>
        {
            Assert.That(users.Quarantined, Is.EqualTo(new[]
            {
                new QuarantinedRow { Source = "memory:users", Line = 3, Key = "CN=u2,OU=Users", Reason = "rows share primary key 'CN=u2,OU=Users' with different content (also at line 5)" },
                new QuarantinedRow { Source = "memory:users", Line = 5, Key = "CN=u2,OU=Users", Reason = "rows share primary key 'CN=u2,OU=Users' with different content (first at line 3)" },
            }));
            Assert.That((users.Updated, users.Deleted, users.Unchanged), Is.EqualTo((0L, 0L, 2L)));
            Assert.That(await fixture.FindAsync("AD_User", "CN=u2,OU=Users"), Is.EqualTo(before));
            Assert.That(await fixture.LinksAsync(), Is.EqualTo(new[] { "CN=Staff->CN=u2,OU=Users" }), "links of a quarantined resource stay");
        });
    }

    [Test]
    public async Task Synchronize_EmptyPrimaryKey_QuarantinesTheRowWithItsLine()
    {
        var fixture = new SyncFixture();
        fixture.SetUsers([SyncFixture.User(1), ";nokey;E9;2024-01-01;"]);
        fixture.SetGroups();
        fixture.SetMembers();

        var report = await fixture.RunAsync();

        Assert.That(report.EntityTypes[0].Quarantined, Is.EqualTo(new[] { new QuarantinedRow { Source = "memory:users", Line = 3, Key = null, Reason = "empty primary key (column 'dn')" } }));
    }

    [Test]
    public async Task Synchronize_SwappedColumns_AreCaughtByParsingAndTheStoredResourceStays()
    {
        var fixture = new SyncFixture();
        fixture.SetSnapshot(2);
        await fixture.RunAsync();
        var before = await fixture.DumpAsync();
        fixture.Package.SetTable("users", "dn;sam;employeeId;proxies;created", SyncFixture.Users(2));

        var report = await fixture.RunAsync();

        var users = report.EntityTypes.Single(static e => e.EntityType == "AD_User");
        Assert.Multiple(async () =>
        {
            Assert.That(users.Quarantined.Select(static q => q.Reason), Is.EqualTo(new[]
            {
                "column 'created' (Created): 'smtp:u1@corp.test|sip:u1@corp.test' is not a valid DateTime",
                "column 'created' (Created): 'smtp:u2@corp.test|sip:u2@corp.test' is not a valid DateTime",
            }));
            Assert.That((users.Updated, users.Deleted), Is.EqualTo((0L, 0L)));
            Assert.That((await fixture.DumpAsync()).Where(static l => l.StartsWith("AD_User", StringComparison.Ordinal)), Is.EqualTo(before.Where(static l => l.StartsWith("AD_User", StringComparison.Ordinal))));
        });
    }

    [Test]
    public async Task Synchronize_TruncatedFile_IsBlockedByThePercentThresholdAndCommitsNothing()
    {
        var fixture = new SyncFixture(thresholdsOff: false);
        fixture.SetSnapshot(100);
        await fixture.RunAsync(SyncMode.Initial);
        var before = await fixture.DumpAsync();
        fixture.SetUsers(SyncFixture.Users(90));

        var report = await fixture.RunAsync();

        var exceeded = report.Thresholds.Where(static t => t.Exceeded).ToList();
        Assert.Multiple(async () =>
        {
            Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Blocked));
            Assert.That(exceeded, Is.EqualTo(new[] { new ThresholdVerdict { Scope = ThresholdScope.Connector, Name = "AD", Change = ThresholdChange.Deleted, Limit = 5, IsPercent = true, Actual = 9.8, StoredCount = 102, Exceeded = true } }));
            Assert.That(report.Message, Is.EqualTo("Blocked by connector AD: Deleted 9.8% exceeds 5% of 102. Nothing was applied; inspect the change set, then resume or abandon it."));
            Assert.That((await fixture.DumpAsync()).Where(static l => !l.StartsWith("state|", StringComparison.Ordinal)), Is.EqualTo(before.Where(static l => !l.StartsWith("state|", StringComparison.Ordinal))));
            Assert.That((await fixture.Engine.GetBlockedChangeSetAsync("AD"))!.EntityTypes[0].Deleted, Has.Count.EqualTo(10));
        });
    }

    [Test]
    public async Task Resume_BlockedRun_AppliesExactlyTheStagedChangeSet()
    {
        var fixture = new SyncFixture(thresholdsOff: false);
        fixture.SetSnapshot(100);
        await fixture.RunAsync(SyncMode.Initial);
        fixture.SetUsers(SyncFixture.Users(90));
        await fixture.RunAsync();
        var staged = await fixture.Engine.GetBlockedChangeSetAsync("AD");
        fixture.SetUsers(SyncFixture.Users(50));

        var report = await fixture.Engine.ResumeAsync("AD");

        Assert.Multiple(async () =>
        {
            Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Succeeded));
            Assert.That(report.BatchId, Is.EqualTo(staged!.BatchId));
            Assert.That(report.EntityTypes[0].Deleted, Is.EqualTo(10), "the staged set, not the newer file");
            Assert.That(await fixture.Store.CountResourcesAsync("AD_User", CancellationToken.None), Is.EqualTo(90));
            Assert.That(await fixture.Engine.GetBlockedChangeSetAsync("AD"), Is.Null);
        });
    }

    [Test]
    public async Task Run_WithNoChange_WritesNothing_AndKeepsTheVersion()
    {
        var fixture = new SyncFixture();
        fixture.SetSnapshot(10);
        await fixture.RunAsync(SyncMode.Initial);
        var before = await fixture.Store.GetConnectorStateAsync("AD", CancellationToken.None);
        var steps = new List<SyncProgress>();

        var again = await fixture.Engine.SynchronizeAsync("AD", new SyncRunOptions { Progress = new Collect(steps) });
        var after = await fixture.Store.GetConnectorStateAsync("AD", CancellationToken.None);
        fixture.SetUsers(SyncFixture.Users(9));
        await fixture.RunAsync();
        var changed = await fixture.Store.GetConnectorStateAsync("AD", CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(again.Outcome, Is.EqualTo(SyncOutcome.Succeeded));
            Assert.That(again.Message, Is.EqualTo($"Nothing changed: the store was not written, and connector 'AD' stays at version {before.Version}."));
            Assert.That((after.Version, after.LastBatchId), Is.EqualTo((before.Version, before.LastBatchId)));
            Assert.That(steps.Select(static s => s.Step), Has.None.EqualTo(SyncStep.Apply), "no 'applying' step is announced");
            Assert.That(changed.Version, Is.EqualTo(before.Version + 1), "a run with a change still applies");
        });
    }

    [Test]
    public async Task Resume_WithNothingBlocked_IsSkipped_NotFailed()
    {
        var fixture = new SyncFixture();
        fixture.SetSnapshot(3);
        await fixture.RunAsync(SyncMode.Initial);

        var report = await fixture.Engine.ResumeAsync("AD");

        Assert.Multiple(() =>
        {
            Assert.That((report.Outcome, report.Failure, report.Forced), Is.EqualTo((SyncOutcome.Skipped, FailureKind.None, false)));
            Assert.That(report.Message, Is.EqualTo("Connector 'AD' has no blocked synchronization; there is nothing to resume."));
        });
    }

    [Test]
    public async Task Resume_AfterTheConnectorChanged_IsRefused()
    {
        var fixture = new SyncFixture(thresholdsOff: false);
        fixture.SetSnapshot(100);
        await fixture.RunAsync(SyncMode.Initial);
        fixture.SetUsers(SyncFixture.Users(90));
        await fixture.RunAsync();
        var state = await fixture.Store.GetConnectorStateAsync("AD", CancellationToken.None);
        await using (var writer = await fixture.Store.BeginApplyAsync("AD", state.Version, CancellationToken.None))
        {
            await writer.DeleteAsync("AD_User", ["CN=u1,OU=Users"], CancellationToken.None);
            await writer.CommitAsync(new ConnectorState(state.Version + 1, "manual", [], state.Blocked), CancellationToken.None);
        }

        var report = await fixture.Engine.ResumeAsync("AD");

        Assert.Multiple(async () =>
        {
            Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Failed));
            Assert.That(report.Message, Is.EqualTo("Connector 'AD' changed since the blocked synchronization was computed; abandon it and synchronize again."));
            Assert.That(await fixture.Store.CountResourcesAsync("AD_User", CancellationToken.None), Is.EqualTo(99));
        });
    }

    [Test]
    public async Task Abandon_BlockedRun_DiscardsItAndIncrementalRunsNoLongerSkip()
    {
        var fixture = new SyncFixture(thresholdsOff: false);
        fixture.SetSnapshot(100);
        await fixture.RunAsync(SyncMode.Initial);
        fixture.SetUsers(SyncFixture.Users(90));
        await fixture.RunAsync();
        fixture.Package.SetDelta("users", "command;" + SyncFixture.UsersHeader, "update;" + SyncFixture.User(1, created: "2031-01-01"));
        fixture.Package.SetDelta("groups", "command;" + SyncFixture.GroupsHeader);
        fixture.Package.SetDelta("members", "command;" + SyncFixture.MembersHeader);

        var whileBlocked = await fixture.RunAsync(SyncMode.Incremental);
        var abandoned = await fixture.Engine.AbandonAsync("AD");
        var afterwards = await fixture.RunAsync(SyncMode.Incremental);

        Assert.Multiple(async () =>
        {
            Assert.That(whileBlocked.Outcome, Is.EqualTo(SyncOutcome.Skipped));
            Assert.That(whileBlocked.Message, Does.StartWith("Connector 'AD' is blocked by a threshold since "));
            Assert.That(abandoned, Is.True);
            Assert.That(await fixture.Engine.AbandonAsync("AD"), Is.False);
            Assert.That(afterwards.Outcome, Is.EqualTo(SyncOutcome.Succeeded));
            Assert.That(afterwards.EntityTypes[0].Updated, Is.EqualTo(1));
            Assert.That(await fixture.Store.CountResourcesAsync("AD_User", CancellationToken.None), Is.EqualTo(100));
        });
    }

    [Test]
    public async Task Synchronize_CompleteWhileBlocked_ReplacesTheBlockedChangeSet()
    {
        var fixture = new SyncFixture(thresholdsOff: false);
        fixture.SetSnapshot(100);
        await fixture.RunAsync(SyncMode.Initial);
        fixture.SetUsers(SyncFixture.Users(90));
        await fixture.RunAsync();
        fixture.SetUsers(SyncFixture.Users(99));

        var report = await fixture.RunAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Succeeded));
            Assert.That(await fixture.Engine.GetBlockedChangeSetAsync("AD"), Is.Null);
            Assert.That(await fixture.Store.CountResourcesAsync("AD_User", CancellationToken.None), Is.EqualTo(99));
        });
    }

    [Test]
    public async Task Synchronize_Forced_AppliesBeyondThresholdsAndReportsTheVerdicts()
    {
        var fixture = new SyncFixture(thresholdsOff: false);
        fixture.SetSnapshot(100);
        await fixture.RunAsync(SyncMode.Initial);
        fixture.SetUsers(SyncFixture.Users(90));

        var report = await fixture.RunAsync(force: true);

        Assert.Multiple(async () =>
        {
            Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Succeeded));
            Assert.That(report.Forced, Is.True);
            Assert.That(report.Thresholds.Count(static t => t.Exceeded), Is.EqualTo(1));
            Assert.That(await fixture.Store.CountResourcesAsync("AD_User", CancellationToken.None), Is.EqualTo(90));
        });
    }

    [Test]
    public async Task Synchronize_EmptyExportOfAFilledMapping_AlwaysBlocks()
    {
        var fixture = new SyncFixture(thresholdsOff: true);
        fixture.SetSnapshot(5);
        await fixture.RunAsync();
        fixture.SetUsers([]);

        var report = await fixture.RunAsync();

        Assert.Multiple(() =>
        {
            Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Blocked));
            Assert.That(report.Thresholds, Is.EqualTo(new[] { new ThresholdVerdict { Scope = ThresholdScope.EntityType, Name = "AD_User", Change = ThresholdChange.EmptyInput, Limit = 0, IsPercent = false, Actual = 0, StoredCount = 5, Exceeded = true } }));
            Assert.That(report.Message, Does.StartWith("Blocked by entity type AD_User: table 'users' of connection 'Export' gave no rows while the store holds 5 (an empty export is usually a failed extract; check it, then resume if it is right)."));
        });
    }

    [Test]
    public async Task Synchronize_MappingScopeThreshold_BlocksOnItsOwnCount()
    {
        var fixture = new SyncFixture(configure: static b => b.Options.Connectors[0].Mappings[1].Thresholds.MaxInserted = 1);
        fixture.SetSnapshot(3);

        var report = await fixture.RunAsync();

        Assert.That(report.Thresholds, Is.EqualTo(new[] { new ThresholdVerdict { Scope = ThresholdScope.EntityType, Name = "AD_Group", Change = ThresholdChange.Inserted, Limit = 1, IsPercent = false, Actual = 2, StoredCount = 0, Exceeded = true } }));
    }

    [Test]
    public async Task Synchronize_AssociationScopeThreshold_BlocksOnLinkDeletes()
    {
        var fixture = new SyncFixture(configure: static b => b.Options.Connectors[0].AssociationMappings[0].Thresholds.MaxDeletedPercent = 40);
        fixture.SetSnapshot(4, "CN=Staff;u1", "CN=Staff;u2", "CN=Staff;u3", "CN=Staff;u4");
        await fixture.RunAsync();
        fixture.SetMembers("CN=Staff;u1", "CN=Staff;u2");

        var report = await fixture.RunAsync();

        Assert.That(report.Thresholds, Is.EqualTo(new[] { new ThresholdVerdict { Scope = ThresholdScope.Association, Name = "AD_Membership", Change = ThresholdChange.LinksDeleted, Limit = 40, IsPercent = true, Actual = 50, StoredCount = 4, Exceeded = true } }));
    }

    [Test]
    public async Task Synchronize_TablesReadConcurrently_SameReportAndStoreAsReadInTurn()
    {
        // Many batches per table (7 rows each), duplicates, a conflict, a bad date and unresolved links.
        static async Task<(string Report, IReadOnlyList<string> Store)> RunAsync(bool concurrent)
        {
            var fixture = new SyncFixture(concurrentTables: concurrent);
            var users = SyncFixture.Users(300).ToList();
            users.Add(SyncFixture.User(5));
            users.Add(SyncFixture.User(7, sam: "other"));
            users.Add(SyncFixture.User(301, created: "not a date"));
            fixture.SetUsers(users);
            fixture.SetGroups("CN=Staff;Staff", "CN=Admins;Admins", "CN=Staff;Staff");
            fixture.SetMembers([.. Enumerable.Range(1, 300).Select(i => $"{(i % 3 == 0 ? "CN=Admins" : "CN=Staff")};u{i}"), "CN=Staff;ghost", "CN=Nobody;u1", "CN=Staff;u7"]);
            var first = await fixture.RunAsync(SyncMode.Initial);
            fixture.SetMembers([.. Enumerable.Range(1, 150).Select(i => $"CN=Staff;u{i}")]);
            var second = await fixture.RunAsync();
            var json = System.Text.Json.JsonSerializer.Serialize(new[] { first, second }.Select(static r => new { r.Outcome, r.EntityTypes, r.Associations }));
            return (json, await fixture.DumpAsync());
        }

        var inTurn = await RunAsync(concurrent: false);
        var concurrent = await RunAsync(concurrent: true);

        Assert.Multiple(() =>
        {
            Assert.That(concurrent.Report, Is.EqualTo(inTurn.Report));
            Assert.That(concurrent.Store, Is.EqualTo(inTurn.Store));
            Assert.That(inTurn.Report, Does.Contain("different content").And.Contain("ghost").And.Contain("not a date"));
        });
    }

    [Test]
    public async Task Synchronize_TableMissingAColumnWhileOthersReadSideBySide_FailsAndChangesNothing()
    {
        var fixture = new SyncFixture(concurrentTables: true);
        fixture.SetSnapshot(50, [.. Enumerable.Range(1, 50).Select(static i => $"CN=Staff;u{i}")]);
        await fixture.RunAsync(SyncMode.Initial);
        var before = await fixture.DumpAsync();
        fixture.Package.SetTable("users", "dn;sam;created;proxies", [.. Enumerable.Range(1, 50).Select(static i => $"CN=u{i},OU=Users;u{i};2024-01-01;")]);
        fixture.SetMembers([.. Enumerable.Range(1, 20).Select(static i => $"CN=Admins;u{i}")]);

        var report = await fixture.RunAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Failed));
            Assert.That(report.Message, Does.Contain("no column 'employeeId'"));
            Assert.That(await fixture.DumpAsync(), Is.EqualTo(before));
        });
    }

    [Test]
    public async Task Synchronize_QuarantineOutput_ReceivesEveryQuarantinedRowAsAJsonLine()
    {
        var fixture = new SyncFixture();
        fixture.SetSnapshot([SyncFixture.User(1), ";nokey;E9;2024-01-01;", SyncFixture.User(2)], "CN=Staff;u1", "CN=Staff;ghost", "CN=Nobody;u2");
        using var output = new MemoryStream();
        output.Write("earlier run\n"u8);

        var report = await fixture.Engine.SynchronizeAsync("AD", new SyncRunOptions { QuarantineOutput = output });

        output.Write("still open\n"u8);
        var lines = System.Text.Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Succeeded), report.Message);
            Assert.That(lines, Is.EqualTo(new[]
            {
                "earlier run",
                """{"connector":"AD","source":"memory:members","line":3,"key":"CN=Staff -> ghost","reason":"column 'member_sam': 'ghost' matches no AD_User by Sam"}""",
                """{"connector":"AD","source":"memory:members","line":4,"key":"CN=Nobody -> u2","reason":"column 'group_dn': 'CN=Nobody' matches no AD_Group by Dn"}""",
                """{"connector":"AD","source":"memory:users","line":3,"key":null,"reason":"empty primary key (column 'dn')"}""",
                "still open",
            }));
            Assert.That((report.EntityTypes[0].QuarantinedCount, report.Associations[0].QuarantinedCount), Is.EqualTo((1L, 2L)));
        });
    }

    /// <summary>Thousands of quarantined rows (several times the writer's buffer) all reach the stream, once each, in line order.</summary>
    [Test]
    public async Task Synchronize_QuarantineOutput_ManyRows_EveryOneWrittenOnceInLineOrder()
    {
        var fixture = new SyncFixture();
        fixture.SetSnapshot(2, [.. Enumerable.Range(1, 3_000).Select(static i => $"CN=Staff;ghost{i}")]);
        using var output = new MemoryStream();

        var report = await fixture.Engine.SynchronizeAsync("AD", new SyncRunOptions { QuarantineOutput = output });

        var lines = System.Text.Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var keys = lines.Select(static l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("key").GetString()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(output.Length, Is.GreaterThan(3 * 65_536), "more than one buffer's worth");
            Assert.That(keys, Is.EqualTo(Enumerable.Range(1, 3_000).Select(static i => $"CN=Staff -> ghost{i}")));
            Assert.That((report.Associations[0].QuarantinedCount, report.Associations[0].Quarantined.Count), Is.EqualTo((3_000L, 1_000)));
        });
    }

    [Test]
    public async Task Synchronize_QuarantineOutputThatCannotBeWritten_FailsTheRunWithNothingApplied()
    {
        var fixture = new SyncFixture();
        fixture.SetSnapshot([SyncFixture.User(1), ";nokey;E9;2024-01-01;"]);
        var before = await fixture.DumpAsync();

        var report = await fixture.Engine.SynchronizeAsync("AD", new SyncRunOptions { QuarantineOutput = new FullDisk() });

        Assert.Multiple(async () =>
        {
            Assert.That((report.Outcome, report.Failure), Is.EqualTo((SyncOutcome.Failed, FailureKind.Failed)));
            Assert.That(report.Message, Is.EqualTo("Connector 'AD': the quarantined rows could not be written to the quarantine output (No space left on device); nothing of this run was applied."));
            Assert.That(await fixture.DumpAsync(), Is.EqualTo(before));
            Assert.That(before.Any(static l => l.StartsWith("AD_User", StringComparison.Ordinal)), Is.False);
        });
    }

    [Test]
    public async Task Synchronize_UnresolvedLink_IsQuarantinedWithItsReason()
    {
        var fixture = new SyncFixture();
        fixture.SetSnapshot(2, "CN=Staff;u1", "CN=Staff;ghost", "CN=Nobody;u2", "CN=Staff;");

        var report = await fixture.RunAsync();

        var members = report.Associations.Single();
        Assert.Multiple(async () =>
        {
            Assert.That(members.Quarantined, Is.EqualTo(new[]
            {
                new QuarantinedRow { Source = "memory:members", Line = 3, Key = "CN=Staff -> ghost", Reason = "column 'member_sam': 'ghost' matches no AD_User by Sam" },
                new QuarantinedRow { Source = "memory:members", Line = 4, Key = "CN=Nobody -> u2", Reason = "column 'group_dn': 'CN=Nobody' matches no AD_Group by Dn" },
            }));
            Assert.That((members.RowsRead, members.Inserted), Is.EqualTo((4L, 1L)));
            Assert.That(await fixture.LinksAsync(), Is.EqualTo(new[] { "CN=Staff->CN=u1,OU=Users" }));
        });
    }

    [Test]
    public async Task Synchronize_IgnoreCaseKey_ResolvesLinksSpelledInAnotherCase()
    {
        var exact = new SyncFixture();
        var loose = new SyncFixture(configure: static b => b.Options.Connectors[0].Mappings[0].Properties[1].IgnoreCase = true);
        foreach (var fixture in new[] { exact, loose })
        {
            fixture.SetSnapshot(2, "CN=Staff;U1", "CN=Staff;u2");
        }

        var exactReport = await exact.RunAsync();
        var looseReport = await loose.RunAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(exactReport.Associations[0].Quarantined.Select(static q => q.Reason), Is.EqualTo(new[] { "column 'member_sam': 'U1' matches no AD_User by Sam" }));
            Assert.That(looseReport.Associations[0].Quarantined, Is.Empty);
            Assert.That(await loose.LinksAsync(), Is.EqualTo(new[] { "CN=Staff->CN=u1,OU=Users", "CN=Staff->CN=u2,OU=Users" }));
            Assert.That(loose.ValueOf((await loose.FindAsync("AD_User", "CN=u1,OU=Users"))!, "Sam"), Is.EqualTo("u1"), "the value keeps its spelling");
        });
    }

    [Test]
    public async Task Synchronize_ExceptionInTheMiddleOfApplying_LeavesTheStoreUnchanged()
    {
        var inner = new InMemoryResourceStore();
        var failing = new FailingStore(inner, failOnWrite: 3);
        var fixture = new SyncFixture(store: failing, writeChunkSize: 2);
        fixture.SetSnapshot(6, "CN=Staff;u1");
        failing.Enabled = false;
        await fixture.RunAsync();
        var before = await fixture.DumpAsync();
        fixture.SetSnapshot(9, "CN=Staff;u7");
        failing.Enabled = true;

        var exception = Assert.ThrowsAsync<InvalidOperationException>(() => fixture.RunAsync());

        Assert.Multiple(async () =>
        {
            Assert.That(exception!.Message, Is.EqualTo("Injected failure on write 3."));
            Assert.That(failing.Writes, Is.EqualTo(3));
            Assert.That(await fixture.DumpAsync(), Is.EqualTo(before));
        });
    }

    [Test]
    public async Task Synchronize_CancelledWhileApplying_LeavesTheStoreUnchanged()
    {
        using var cancellation = new CancellationTokenSource();
        var store = new FailingStore(new InMemoryResourceStore(), failOnWrite: 2, onFailure: cancellation.Cancel) { Enabled = false };
        var fixture = new SyncFixture(store: store, writeChunkSize: 2);
        fixture.SetSnapshot(6);
        await fixture.RunAsync();
        var before = await fixture.DumpAsync();
        fixture.SetSnapshot(30);
        store.Enabled = true;

        Assert.CatchAsync<OperationCanceledException>(() => fixture.RunAsync(cancellationToken: cancellation.Token));

        Assert.Multiple(async () =>
        {
            Assert.That(store.Writes, Is.GreaterThanOrEqualTo(2), "the cancellation came in the middle of the apply");
            Assert.That(await fixture.DumpAsync(), Is.EqualTo(before));
        });
    }

    [Test]
    public async Task Synchronize_IncrementalCommands_ApplyOnlyTheDelta()
    {
        var fixture = new SyncFixture();
        fixture.SetSnapshot(5, "CN=Staff;u1", "CN=Staff;u2");
        await fixture.RunAsync();
        fixture.Package.SetDelta(
            "users",
            "command;" + SyncFixture.UsersHeader,
            "insert;" + SyncFixture.User(6),
            "update;" + SyncFixture.User(2, created: "2027-07-07"),
            "delete;" + SyncFixture.User(3),
            "INSERT;" + SyncFixture.User(1),
            "rename;" + SyncFixture.User(4));
        fixture.Package.SetDelta("groups", "command;" + SyncFixture.GroupsHeader);
        fixture.Package.SetDelta("members", "command;" + SyncFixture.MembersHeader, "insert;CN=Admins;u6", "delete;CN=Staff;u1");

        var report = await fixture.RunAsync(SyncMode.Incremental);

        var users = report.EntityTypes.Single(static e => e.EntityType == "AD_User");
        Assert.Multiple(async () =>
        {
            Assert.That((users.Inserted, users.Updated, users.Deleted), Is.EqualTo((1L, 1L, 1L)));
            Assert.That(users.Quarantined.Select(static q => (q.Line, q.Reason)), Is.EqualTo(new[]
            {
                (5L, "insert of AD_User 'CN=u1,OU=Users', which already exists"),
                (6L, "unknown command 'rename'; allowed: insert, update, delete, merge"),
            }));
            Assert.That(await fixture.Store.CountResourcesAsync("AD_User", CancellationToken.None), Is.EqualTo(5));
            Assert.That(await fixture.FindAsync("AD_User", "CN=u4,OU=Users"), Is.Not.Null, "rows absent from the delta are untouched");
            Assert.That(await fixture.LinksAsync(), Is.EqualTo(new[] { "CN=Admins->CN=u6,OU=Users", "CN=Staff->CN=u2,OU=Users" }));
        });
    }

    [Test]
    public async Task Synchronize_IncrementalLinkOnMonoValuedSide_ReplacesTheOldLink()
    {
        var package = new InMemoryConnectionPackage();
        var model = new IdentityModelBuilder()
            .AddEntityType("Person", e => e
                .AddProperty("Id")
                .AddNavigationProperty("Manager", "Person")
                .AddNavigationProperty("Reports", "Person", isMultiValued: true))
            .AddAssociation("Management", "Person.Manager", "Person.Reports")
            .AddConnector("HR", c => c
                .AddConnection("Export", "Memory")
                .MapEntityType("Person", "Export", "people", m => m.Map("Id", "id", PropertyKey.Primary))
                .MapAssociation("Management", "Export", "managers", "person", "manager")
                .ConfigureThresholds(static t =>
                {
                    t.Resources.MaxInserted = t.Resources.MaxUpdated = t.Resources.MaxDeleted = 0;
                    t.Resources.MaxInsertedPercent = t.Resources.MaxUpdatedPercent = t.Resources.MaxDeletedPercent = 0;
                    t.Links.MaxInserted = t.Links.MaxDeleted = 0;
                    t.Links.MaxInsertedPercent = t.Links.MaxDeletedPercent = 0;
                }))
            .Build();
        var store = new InMemoryResourceStore();
        var engine = new SyncEngine(model, store, [package], new SyncEngineOptions(), new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        package.SetTable("people", "id", "a", "b", "m1", "m2", "m3");
        package.SetTable("managers", "person;manager", "a;m1", "b;m1");
        await engine.SynchronizeAsync("HR", new SyncRunOptions { Mode = SyncMode.Initial });
        package.SetDelta("people", "command;id", "delete;m3");
        package.SetDelta("managers", "command;person;manager", "insert;a;m2", "insert;b;m1", "insert;a;m3");

        var report = await engine.SynchronizeAsync("HR", new SyncRunOptions { Mode = SyncMode.Incremental });

        var links = new List<string>();
        var keys = new Dictionary<long, string>();
        await foreach (var person in store.GetResourcesAsync("Person", CancellationToken.None))
        {
            keys[person.Id] = person.Key;
        }

        await foreach (var link in store.GetLinksAsync("Management", CancellationToken.None))
        {
            links.Add($"{keys[link.FirstId]}->{keys[link.SecondId]}");
        }

        var management = report.Associations.Single();
        Assert.Multiple(() =>
        {
            Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Succeeded), report.Message);
            Assert.That(links.Order(), Is.EqualTo(new[] { "a->m2", "b->m1" }), "a's manager is m2: m3 is deleted in the same delta");
            Assert.That((management.Inserted, management.Deleted, management.Unchanged), Is.EqualTo((1L, 1L, 1L)));
            Assert.That(management.Quarantined.Select(static q => q.Reason), Is.EqualTo(new[] { "column 'manager': 'm3' matches no Person by Id" }));
        });
    }

    [Test]
    public async Task Synchronize_IncrementalMerge_LeavesAbsentColumnsAsTheyWere()
    {
        var fixture = new SyncFixture();
        fixture.SetSnapshot(2);
        await fixture.RunAsync();
        fixture.Package.SetDelta("users", "command;dn;employeeId", "merge;CN=u1,OU=Users;E999", "merge;CN=u9,OU=Users;E009");
        fixture.Package.SetDelta("groups", "command;" + SyncFixture.GroupsHeader);
        fixture.Package.SetDelta("members", "command;" + SyncFixture.MembersHeader);

        var report = await fixture.RunAsync(SyncMode.Incremental);

        var merged = await fixture.FindAsync("AD_User", "CN=u1,OU=Users");
        var inserted = await fixture.FindAsync("AD_User", "CN=u9,OU=Users");
        Assert.Multiple(() =>
        {
            Assert.That(report.EntityTypes[0].Updated, Is.EqualTo(1));
            Assert.That(fixture.ValueOf(merged!, "EmployeeId"), Is.EqualTo("E999"));
            Assert.That(fixture.ValueOf(merged!, "Sam"), Is.EqualTo("u1"));
            Assert.That(fixture.ValueOf(merged!, "Created"), Is.EqualTo(new DateTime(2024, 1, 2, 0, 0, 0, DateTimeKind.Utc)));
            Assert.That(fixture.ValueOf(inserted!, "EmployeeId"), Is.EqualTo("E009"));
            Assert.That(fixture.ValueOf(inserted!, "Sam"), Is.Null);
        });
    }

    [Test]
    public async Task Synchronize_SameDeltaTwice_SecondIsANoOp()
    {
        var fixture = new SyncFixture();
        fixture.SetSnapshot(2);
        await fixture.RunAsync();
        fixture.Package.SetDelta("users", "command;" + SyncFixture.UsersHeader, "insert;" + SyncFixture.User(3));
        fixture.Package.SetDelta("groups", "command;" + SyncFixture.GroupsHeader);
        fixture.Package.SetDelta("members", "command;" + SyncFixture.MembersHeader);
        var first = await fixture.RunAsync(SyncMode.Incremental);
        var afterFirst = await fixture.DumpAsync();

        var second = await fixture.RunAsync(SyncMode.Incremental);

        Assert.Multiple(async () =>
        {
            Assert.That(first.Outcome, Is.EqualTo(SyncOutcome.Succeeded));
            Assert.That(second.Outcome, Is.EqualTo(SyncOutcome.Skipped));
            Assert.That(second.Message, Is.EqualTo($"Batch {first.BatchId} was already applied to connector 'AD'; applying it again changes nothing."));
            Assert.That(await fixture.DumpAsync(), Is.EqualTo(afterFirst));
        });
    }

    [Test]
    public async Task Synchronize_IncrementalWithoutNativeDelta_DerivesItFromTheCompleteExport()
    {
        var fixture = new SyncFixture(nativeDelta: false);
        fixture.SetSnapshot(4);
        await fixture.RunAsync();
        fixture.SetUsers([SyncFixture.User(1), SyncFixture.User(2, created: "2028-08-08"), SyncFixture.User(3)]);

        var report = await fixture.RunAsync(SyncMode.Incremental);

        var users = report.EntityTypes.Single(static e => e.EntityType == "AD_User");
        Assert.Multiple(() =>
        {
            Assert.That((users.Updated, users.Deleted, users.Unchanged), Is.EqualTo((1L, 1L, 2L)));
            Assert.That(report.Message, Is.EqualTo("The connection has no native delta: the changes were derived from its complete export."));
        });
    }

    [Test]
    public async Task Synchronize_DeactivatedConnector_IsRefused()
    {
        var fixture = new SyncFixture(configure: static b => b.Options.Connectors[0].IsDeactivated = true);

        var report = await fixture.RunAsync();

        Assert.Multiple(() =>
        {
            Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Skipped));
            Assert.That(report.Message, Is.EqualTo("Connector 'AD' is deactivated (IsDeactivated: true); activate it to synchronize."));
            Assert.That(fixture.Package.OpenCount, Is.Zero);
        });
    }

    [Test]
    public async Task Synchronize_UnregisteredPackage_FailsNamingTheSetting()
    {
        var fixture = new SyncFixture();
        var engine = new SyncEngine(fixture.Model, fixture.Store, []);

        var report = await engine.SynchronizeAsync("AD");

        Assert.Multiple(() =>
        {
            Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Failed));
            Assert.That(report.Message, Is.EqualTo("Connectors[AD].Connections[Export].Package: no connection package 'Memory' is registered; registered: none"));
        });
    }

    [Test]
    public async Task Synchronize_ConnectorAlreadyRunning_FailsWithoutWaiting()
    {
        var fixture = new SyncFixture();
        fixture.SetSnapshot(1);
        await using var running = await fixture.Store.LockConnectorAsync("AD", CancellationToken.None);

        var report = await fixture.RunAsync();

        Assert.Multiple(() =>
        {
            Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Failed));
            Assert.That(report.Message, Is.EqualTo("Connector 'AD' is already being synchronized; wait for that run to end."));
        });
    }

    [Test]
    public async Task Synchronize_CompleteRun_DeletesOnlyItsOwnConnectorsResources()
    {
        var fixture = new SyncFixture(configure: static b => b
            .AddEntityType("App_Account", e => e.AddProperty("Login"))
            .AddConnector("App", c => c
                .AddConnection("Export", "Memory")
                .MapEntityType("App_Account", "Export", "accounts", m => m.Map("Login", "login", IdentitySync.Model.PropertyKey.Primary))));
        fixture.Package.SetTable("accounts", "login", "alice", "bob");
        await fixture.Engine.SynchronizeAsync("App");
        fixture.SetSnapshot(3);
        await fixture.RunAsync();
        fixture.SetSnapshot(1);

        await fixture.RunAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(await fixture.Store.CountResourcesAsync("AD_User", CancellationToken.None), Is.EqualTo(1));
            Assert.That(await fixture.Store.CountResourcesAsync("App_Account", CancellationToken.None), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Synchronize_PackageEchoingASecret_ReportShowsItMasked()
    {
        var fixture = new SyncFixture(configure: static b => b.Options.Connectors[0].Connections[0].Settings["Password"] = "s3cr3t-P@ss");
        var engine = new SyncEngine(fixture.Model, fixture.Store, [new LeakyPackage()]);

        var report = await engine.SynchronizeAsync("AD");

        Assert.Multiple(() =>
        {
            Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Failed));
            Assert.That(report.Message, Is.EqualTo("Connectors[AD].Connections[Export].Settings.Password: login refused for password '***'"));
            Assert.That(report.ToJson(), Does.Not.Contain("s3cr3t"));
        });
    }

    private sealed class Collect(List<SyncProgress> seen) : IProgress<SyncProgress>
    {
        public void Report(SyncProgress value) => seen.Add(value);
    }

    /// <summary>A package that, wrongly, repeats its secret setting in a message.</summary>
    private sealed class LeakyPackage : IdentitySync.Connections.IConnectionPackage
    {
        public string Id => "Memory";

        public IdentitySync.Connections.ConnectionCapabilities Capabilities => IdentitySync.Connections.ConnectionCapabilities.ExportComplete;

        public IReadOnlyList<IdentitySync.Connections.ConnectionSetting> Settings { get; } = [new("Password", "The account's password.", isSecret: true)];

        public IReadOnlyList<string> ValidateSettings(IdentitySync.Model.Connection connection) =>
            [$"Password: login refused for password '{connection.Settings["Password"]}'"];

        public IdentitySync.Connections.IExportConnection CreateExportConnection(IdentitySync.Model.Connection connection, IdentitySync.Connections.ConnectionContext context) =>
            throw new NotSupportedException("Its settings never validate.");
    }

    /// <summary>Wraps a store and throws on the n-th write inside an apply.</summary>
    private sealed class FailingStore(IResourceStore inner, int failOnWrite, Action? onFailure = null) : IResourceStore
    {
        public bool Enabled { get; set; } = true;

        public int Writes { get; private set; }

        public ValueTask<IAsyncDisposable> LockConnectorAsync(string connector, CancellationToken cancellationToken) => inner.LockConnectorAsync(connector, cancellationToken);

        public ValueTask<IAsyncDisposable> LockJobAsync(string job, CancellationToken cancellationToken) => inner.LockJobAsync(job, cancellationToken);

        public ValueTask<ConnectorState> GetConnectorStateAsync(string connector, CancellationToken cancellationToken) => inner.GetConnectorStateAsync(connector, cancellationToken);

        public ValueTask SetBlockedChangeSetAsync(string connector, ChangeSet? blocked, CancellationToken cancellationToken) => inner.SetBlockedChangeSetAsync(connector, blocked, cancellationToken);

        public ValueTask<long> CountResourcesAsync(string entityType, CancellationToken cancellationToken) => inner.CountResourcesAsync(entityType, cancellationToken);

        public ValueTask<long> CountLinksAsync(string association, CancellationToken cancellationToken) => inner.CountLinksAsync(association, cancellationToken);

        public IAsyncEnumerable<StoredResource> GetResourcesAsync(string entityType, CancellationToken cancellationToken) => inner.GetResourcesAsync(entityType, cancellationToken);

        public ValueTask<StoredResource?> FindResourceAsync(string entityType, string key, CancellationToken cancellationToken) => inner.FindResourceAsync(entityType, key, cancellationToken);

        public IAsyncEnumerable<StoredLink> GetLinksAsync(string association, CancellationToken cancellationToken) => inner.GetLinksAsync(association, cancellationToken);

        public ValueTask<StoredResource?> FindResourceByIdAsync(long id, CancellationToken cancellationToken) => inner.FindResourceByIdAsync(id, cancellationToken);

        public ValueTask<IReadOnlyDictionary<long, string>> GetLayoutsAsync(CancellationToken cancellationToken) => inner.GetLayoutsAsync(cancellationToken);

        public ValueTask<IReadOnlyList<ProvisioningOrder>> SaveOrdersAsync(IReadOnlyList<ProvisioningOrder> orders, IReadOnlyList<OwnerProvisioningState> states, CancellationToken cancellationToken) =>
            inner.SaveOrdersAsync(orders, states, cancellationToken);

        public ValueTask<IReadOnlyList<ProvisioningOrder>> GetOrdersAsync(string? resourceType, IReadOnlyCollection<OrderState>? states, CancellationToken cancellationToken) =>
            inner.GetOrdersAsync(resourceType, states, cancellationToken);

        public ValueTask<ProvisioningOrder?> GetOrderAsync(long id, CancellationToken cancellationToken) => inner.GetOrderAsync(id, cancellationToken);

        public ValueTask<IReadOnlyList<PropertySource>> GetSourcesAsync(long resourceId, CancellationToken cancellationToken) => inner.GetSourcesAsync(resourceId, cancellationToken);

        public ValueTask<IReadOnlyList<OwnerProvisioningState>> GetProvisioningStatesAsync(string resourceType, CancellationToken cancellationToken) =>
            inner.GetProvisioningStatesAsync(resourceType, cancellationToken);

        public ValueTask SaveCategorizationsAsync(IReadOnlyList<AccountCategorization> categorizations, CancellationToken cancellationToken) =>
            inner.SaveCategorizationsAsync(categorizations, cancellationToken);

        public ValueTask<IReadOnlyList<AccountCategorization>> GetCategorizationsAsync(string entityType, CancellationToken cancellationToken) =>
            inner.GetCategorizationsAsync(entityType, cancellationToken);

        public ValueTask SaveJobRunAsync(JobRun run, CancellationToken cancellationToken) => inner.SaveJobRunAsync(run, cancellationToken);

        public ValueTask<JobRun?> GetJobRunAsync(string id, CancellationToken cancellationToken) => inner.GetJobRunAsync(id, cancellationToken);

        public ValueTask<IReadOnlyList<JobRun>> GetJobRunsAsync(int limit, CancellationToken cancellationToken) => inner.GetJobRunsAsync(limit, cancellationToken);

        public ValueTask<JobRun?> GetLastJobRunAsync(string job, CancellationToken cancellationToken) => inner.GetLastJobRunAsync(job, cancellationToken);

        public ValueTask<IReadOnlyList<StoredResource>> GetResourcePageAsync(string entityType, string? afterKey, int limit, CancellationToken cancellationToken) =>
            inner.GetResourcePageAsync(entityType, afterKey, limit, cancellationToken);

        public ValueTask<IReadOnlyList<StoredResource>> GetLinkedResourcesAsync(string association, long resourceId, LinkDirection direction, CancellationToken cancellationToken) =>
            inner.GetLinkedResourcesAsync(association, resourceId, direction, cancellationToken);

        public async ValueTask<IChangeSetWriter> BeginApplyAsync(string connector, long expectedVersion, CancellationToken cancellationToken) =>
            Enabled ? new Writer(this, await inner.BeginApplyAsync(connector, expectedVersion, cancellationToken)) : await inner.BeginApplyAsync(connector, expectedVersion, cancellationToken);

        private void Count()
        {
            if (++Writes == failOnWrite)
            {
                if (onFailure is null)
                {
                    throw new InvalidOperationException($"Injected failure on write {failOnWrite}.");
                }

                onFailure();
            }
        }

        private sealed class Writer(FailingStore owner, IChangeSetWriter inner) : IChangeSetWriter
        {
            public ValueTask InsertAsync(string entityType, IReadOnlyList<ResourceChange> resources, CancellationToken cancellationToken)
            {
                owner.Count();
                return inner.InsertAsync(entityType, resources, cancellationToken);
            }

            public ValueTask UpdateAsync(string entityType, IReadOnlyList<ResourceChange> resources, CancellationToken cancellationToken)
            {
                owner.Count();
                return inner.UpdateAsync(entityType, resources, cancellationToken);
            }

            public ValueTask DeleteAsync(string entityType, IReadOnlyList<string> keys, CancellationToken cancellationToken)
            {
                owner.Count();
                return inner.DeleteAsync(entityType, keys, cancellationToken);
            }

            public ValueTask AddLinksAsync(EntityAssociationKeys association, IReadOnlyList<LinkChange> links, CancellationToken cancellationToken)
            {
                owner.Count();
                return inner.AddLinksAsync(association, links, cancellationToken);
            }

            public ValueTask RemoveLinksAsync(EntityAssociationKeys association, IReadOnlyList<LinkChange> links, CancellationToken cancellationToken)
            {
                owner.Count();
                return inner.RemoveLinksAsync(association, links, cancellationToken);
            }

            public ValueTask SaveLayoutAsync(long id, string layout, CancellationToken cancellationToken) => inner.SaveLayoutAsync(id, layout, cancellationToken);

            public ValueTask SetSourcesAsync(string entityType, string key, IReadOnlyList<PropertySource> sources, CancellationToken cancellationToken) =>
                inner.SetSourcesAsync(entityType, key, sources, cancellationToken);

            public ValueTask CommitAsync(ConnectorState state, CancellationToken cancellationToken) => inner.CommitAsync(state, cancellationToken);

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }

    /// <summary>A stream whose every write fails as a full disk's would.</summary>
    private sealed class FullDisk : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("No space left on device");

        public override void Write(ReadOnlySpan<byte> buffer) => throw new IOException("No space left on device");

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => throw new IOException("No space left on device");

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => throw new IOException("No space left on device");

        public override void WriteByte(byte value) => throw new IOException("No space left on device");
    }
}
