using IdentitySync.Synchronization;
using static IdentitySync.Tests.Synchronization.Stages.StageModel;

namespace IdentitySync.Tests.Synchronization.Stages;

public sealed class DeltaDiffTests
{
    [Test]
    public void Diff_CommandsThatContradictTheStore_AreQuarantinedAndTheOthersApplied()
    {
        var plan = Plan(incremental: true);
        var users = plan.Entities["AD_User"];
        users.Stored("CN=kept", 1, "CN=kept", "kept", "kept@corp.test");
        users.Stored("CN=left", 2, "CN=left", "left", "left@corp.test");
        users.Stored("CN=mail", 3, "CN=mail", "mail", "old@corp.test");
        plan.Feed(
            "users",
            Row("dn", "CN=kept", "sam", "kept", "command", "insert"),
            Row("dn", "CN=nobody", "sam", "nobody", "command", "update"),
            Row("dn", "CN=ghost", "command", "delete"),
            Row("dn", "CN=left", "command", "delete"),
            Row("dn", "CN=new", "sam", "new", "command", "merge"),
            Row("dn", "CN=mail", "sam", "mail", "mail", "new@corp.test", "command", "update"));

        var changes = DeltaDiff.Diff(users);

        Assert.Multiple(() =>
        {
            Assert.That(users.Quarantined.Select(static q => (q.Line, q.Reason)), Is.EqualTo(new[]
            {
                (2L, "insert of AD_User 'CN=kept', which already exists"),
                (3L, "update of AD_User 'CN=nobody', which does not exist"),
                (4L, "delete of AD_User 'CN=ghost', which does not exist"),
            }));
            Assert.That(changes.Deleted.Select(static r => (r.Key, r.LineNumber)), Is.EqualTo(new[] { ("CN=left", 5L) }));
            Assert.That(changes.Inserted.Select(static r => r.Key), Is.EqualTo(new[] { "CN=new" }));
            Assert.That(changes.Updated.Select(static r => r.Key), Is.EqualTo(new[] { "CN=mail" }));
            Assert.That(changes.Unchanged, Is.Zero);
        });
    }
}
