using IdentitySync.ChangeSets;
using IdentitySync.Synchronization;
using static IdentitySync.Tests.Synchronization.Stages.StageModel;

namespace IdentitySync.Tests.Synchronization.Stages;

public sealed class ThresholdCheckTests
{
    [Test]
    public void Verdicts_AnEmptyExportOfAStoredEntityType_BlocksACompleteRunButNotAnIncrementalOne()
    {
        Assert.Multiple(() =>
        {
            Assert.That(EmptyInputs(SyncMode.Complete), Is.EqualTo(new[] { (ThresholdScope.EntityType, "AD_User", 2L) }));
            Assert.That(EmptyInputs(SyncMode.Incremental), Is.Empty, "a delta of no rows is no change");
            Assert.That(EmptyInputs(SyncMode.Initial), Is.Empty, "an initial load checks only the quarantine limit");
        });

        static IEnumerable<(ThresholdScope, string, long)> EmptyInputs(SyncMode mode)
        {
            var model = Build();
            var plan = Plan(incremental: mode == SyncMode.Incremental, model: model);
            plan.Entities["AD_User"].Stored("CN=u1", 1, "CN=u1");
            plan.Entities["AD_User"].Stored("CN=u2", 2, "CN=u2");
            var changeSet = ChangeSetOf(plan, mode);
            return ThresholdCheck.Verdicts(model.GetConnector("AD"), mode, plan, changeSet, ExpectedChanges.None)
                .Where(static v => v.Change == ThresholdChange.EmptyInput && v.Exceeded)
                .Select(static v => (v.Scope, v.Name, v.StoredCount));
        }
    }

    [Test]
    public void Verdicts_TooManyRowsQuarantined_ExceedTheConnectorsLimitEvenInAnInitialLoad()
    {
        var model = Build(static c => c.ConfigureThresholds(static t => t.MaxQuarantinedPercent = 40));
        var plan = Plan(model: model);
        plan.Feed("users", Row("dn", "CN=u1"), Row("dn", string.Empty), Row("dn", string.Empty));

        var verdicts = ThresholdCheck.Verdicts(model.GetConnector("AD"), SyncMode.Initial, plan, ChangeSetOf(plan, SyncMode.Initial), ExpectedChanges.None);

        var quarantine = verdicts.Single(static v => v.Change == ThresholdChange.Quarantined && v.IsPercent);
        Assert.Multiple(() =>
        {
            Assert.That(quarantine.Exceeded, Is.True);
            Assert.That(quarantine.Actual, Is.EqualTo(66.67));
            Assert.That(quarantine.StoredCount, Is.EqualTo(3), "the rows read");
        });
    }

    [Test]
    public void Verdicts_DeletionsBeyondTheConnectorsLimit_AreExceeded()
    {
        var model = Build(static c => c.ConfigureThresholds(static t => t.Resources.MaxDeleted = 1));
        var plan = Plan(model: model);
        var users = plan.Entities["AD_User"];
        users.Stored("CN=u1", 1, "CN=u1");
        users.Stored("CN=u2", 2, "CN=u2");
        users.Stored("CN=u3", 3, "CN=u3");
        plan.Feed("users", Row("dn", "CN=u1", "sam", "u1"));
        var changeSet = ChangeSetOf(plan, SyncMode.Complete);

        var verdicts = ThresholdCheck.Verdicts(model.GetConnector("AD"), SyncMode.Complete, plan, changeSet, ExpectedChanges.None);

        var deleted = verdicts.Single(static v => v.Scope == ThresholdScope.Connector && v.Change == ThresholdChange.Deleted && !v.IsPercent);
        Assert.Multiple(() =>
        {
            Assert.That(deleted.Actual, Is.EqualTo(2));
            Assert.That(deleted.Limit, Is.EqualTo(1));
            Assert.That(deleted.Exceeded, Is.True);
        });
    }

    internal static ChangeSet ChangeSetOf(TablePlan plan, SyncMode mode) =>
        new("AD", mode, "batch", 0, DateTimeOffset.UnixEpoch, [.. plan.Entities.Values.Select(SnapshotDiff.Diff)], [.. plan.Associations.Select(LinkDiff.Snapshot)]);
}
