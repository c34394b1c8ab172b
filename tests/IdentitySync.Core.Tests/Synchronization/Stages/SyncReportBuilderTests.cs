using IdentitySync.ChangeSets;
using IdentitySync.Synchronization;
using static IdentitySync.Tests.Synchronization.Stages.StageModel;

namespace IdentitySync.Tests.Synchronization.Stages;

public sealed class SyncReportBuilderTests
{
    [Test]
    public void BlockedMessage_AnEmptyExport_NamesItsTableAndConnection()
    {
        var plan = Plan();
        plan.Entities["AD_User"].Stored("CN=u1", 1, "CN=u1");
        var verdicts = new[]
        {
            new ThresholdVerdict { Scope = ThresholdScope.EntityType, Name = "AD_User", Change = ThresholdChange.EmptyInput, Limit = 0, Actual = 0, StoredCount = 1, Exceeded = true },
            new ThresholdVerdict { Scope = ThresholdScope.Connector, Name = "AD", Change = ThresholdChange.Deleted, Limit = 5, Actual = 1, StoredCount = 1, Exceeded = false },
        };

        var message = SyncReportBuilder.BlockedMessage("AD", SyncMode.Complete, plan, verdicts);

        Assert.That(message, Is.EqualTo(
            "Blocked by entity type AD_User: table 'users' of connection 'Export' gave no rows while the store holds 1 (an empty export is usually a failed extract; check it, then resume if it is right). "
            + "Nothing was applied; inspect the change set, then resume or abandon it."));
    }

    [Test]
    public void BlockedMessage_ACompleteRunIntoAnEmptyConnector_PointsToTheInitialMode()
    {
        var verdicts = new[] { new ThresholdVerdict { Scope = ThresholdScope.Connector, Name = "AD", Change = ThresholdChange.Inserted, Limit = 10, Actual = 11, StoredCount = 0, Exceeded = true } };

        Assert.Multiple(() =>
        {
            Assert.That(SyncReportBuilder.BlockedMessage("AD", SyncMode.Complete, Plan(), verdicts), Does.EndWith("load it with the initial mode (identitysync sync --mode initial, or SyncMode.Initial), which checks no change threshold."));
            Assert.That(SyncReportBuilder.BlockedMessage("AD", SyncMode.Incremental, Plan(), verdicts), Does.Not.Contain("initial mode"));
        });
    }

    [Test]
    public void EntityTypes_QuarantinedRows_AreListedInLineOrderWithTheCounts()
    {
        var plan = Plan();
        plan.Feed(
            "users",
            Row("dn", "CN=u1", "mail", "a@corp.test"),
            Row("dn", string.Empty),
            Row("dn", "CN=u1", "mail", "b@corp.test"),
            Row("dn", "CN=u2"),
            Row("dn", "CN=u2"));
        var changeSet = ThresholdCheckTests.ChangeSetOf(plan, SyncMode.Complete);

        var report = SyncReportBuilder.EntityTypes(plan, changeSet, listed: 1_000).Single(static r => r.EntityType == "AD_User");

        Assert.Multiple(() =>
        {
            Assert.That(report.Quarantined.Select(static q => q.Line), Is.EqualTo(new long[] { 2, 3, 4 }));
            Assert.That(report.RowsRead, Is.EqualTo(5));
            Assert.That(report.DuplicatesCollapsed, Is.EqualTo(1));
            Assert.That(report.Inserted, Is.EqualTo(1));
        });
    }

    [Test]
    public void EntityTypes_MoreQuarantinedRowsThanListed_ListsTheFirstLinesAndCountsThemAll()
    {
        var plan = Plan();
        plan.Feed("users", Row("dn", string.Empty), Row("dn", "CN=u1"), Row("dn", string.Empty), Row("dn", string.Empty), Row("dn", string.Empty));
        var changeSet = ThresholdCheckTests.ChangeSetOf(plan, SyncMode.Complete);

        var report = SyncReportBuilder.EntityTypes(plan, changeSet, listed: 2).Single(static r => r.EntityType == "AD_User");
        var none = SyncReportBuilder.EntityTypes(plan, changeSet, listed: -1).Single(static r => r.EntityType == "AD_User");

        Assert.Multiple(() =>
        {
            Assert.That(report.Quarantined.Select(static q => q.Line), Is.EqualTo(new long[] { 2, 4 }));
            Assert.That(report.QuarantinedCount, Is.EqualTo(4));
            Assert.That((none.Quarantined.Count, none.QuarantinedCount), Is.EqualTo((0, 4L)));
        });
    }
}
