using IdentitySync.Synchronization;
using static IdentitySync.Tests.Synchronization.Stages.StageModel;

namespace IdentitySync.Tests.Synchronization.Stages;

public sealed class SnapshotDiffTests
{
    [Test]
    public void Diff_RowsAgainstStoredResources_InsertsUpdatesDeletesAndCountsTheUnchanged()
    {
        var same = Row("dn", "CN=same", "sam", "same", "mail", "same@corp.test");
        var plan = Plan();
        var users = plan.Entities["AD_User"];
        users.Stored("CN=same", DigestOf("users", "AD_User", same), "CN=same", "same", "same@corp.test");
        users.Stored("CN=moved", 1, "CN=moved", "moved", "old@corp.test");
        users.Stored("CN=gone", 2, "CN=gone", "gone", "gone@corp.test");
        plan.Feed("users", same, Row("dn", "CN=moved", "sam", "moved", "mail", "new@corp.test"), Row("dn", "CN=new", "sam", "new"));

        var changes = SnapshotDiff.Diff(users);

        Assert.Multiple(() =>
        {
            Assert.That(changes.Inserted.Select(static r => r.Key), Is.EqualTo(new[] { "CN=new" }));
            Assert.That(changes.Updated.Select(static r => r.Key), Is.EqualTo(new[] { "CN=moved" }));
            Assert.That(changes.Updated.Single().Changes.Select(static c => (c.Property, c.OldValue, c.NewValue)), Is.EqualTo(new[] { ("Mail", (object?)"old@corp.test", (object?)"new@corp.test") }));
            Assert.That(changes.Deleted.Select(static r => r.Key), Is.EqualTo(new[] { "CN=gone" }));
            Assert.That(changes.Unchanged, Is.EqualTo(1));
        });
    }

    /// <summary>
    /// Rows in the order the stored keys were loaded find their stored resource by the next stored key's text, and every
    /// row that breaks the order (a new key, a deleted one skipped, a repeated row, a key differing only in case, a
    /// non-ASCII key) by its key's lookup: each row meets its own stored resource either way.
    /// </summary>
    [Test]
    public void Diff_RowsInTheStoredKeysOrder_EachRowMeetsItsOwnStoredResource()
    {
        var plan = Plan();
        var users = plan.Entities["AD_User"];
        Dictionary<string, string> User(string dn, string mail) => Row("dn", dn, "sam", dn[3..], "mail", mail);
        foreach (var dn in new[] { "CN=a", "CN=b", "CN=c", "CN=d", "CN=É", "CN=f" })
        {
            users.Stored(dn, DigestOf("users", "AD_User", User(dn, "old")), dn, dn[3..], "old");
        }

        plan.Feed(
            "users",
            User("CN=a", "old"),
            User("CN=b", "new"),
            User("CN=bb", "old"),
            User("CN=d", "old"),
            User("CN=d", "old"),
            User("CN=É", "old"),
            User("cn=f", "old"),
            User("CN=f", "old"));

        var changes = SnapshotDiff.Diff(users);

        Assert.Multiple(() =>
        {
            Assert.That(changes.Inserted.Select(static r => r.Key), Is.EqualTo(new[] { "CN=bb", "cn=f" }));
            Assert.That(changes.Updated.Select(static r => (r.Key, r.Changes.Single().NewValue)), Is.EqualTo(new[] { ("CN=b", (object?)"new") }));
            Assert.That(changes.Deleted.Select(static r => r.Key), Is.EqualTo(new[] { "CN=c" }));
            Assert.That(changes.Unchanged, Is.EqualTo(4), "a, d, É and f");
            Assert.That(users.DuplicatesCollapsed, Is.EqualTo(1));
            Assert.That(users.Quarantined, Is.Empty);
            Assert.That(users.Rows.Values.Select(r => (r.Key, users.KeyOrdinals[r.Ordinal])), Has.All.Matches<(string Key, string Text)>(static r => r.Key == r.Text));
        });
    }

    [Test]
    public void Diff_ARowWhoseTextChangedButNotItsValues_RefreshesTheDigestAndCountsUnchanged()
    {
        var plan = Plan();
        var users = plan.Entities["AD_User"];
        users.Stored("CN=u1", 12345, "CN=u1", "u1", "u1@corp.test");
        plan.Feed("users", Row("dn", "CN=u1", "sam", "u1", "mail", "u1@corp.test"));

        var changes = SnapshotDiff.Diff(users);

        Assert.Multiple(() =>
        {
            Assert.That(changes.Updated.Single().Changes, Is.Empty);
            Assert.That(changes.Updated.Single().Digest, Is.Not.EqualTo(12345UL));
            Assert.That(changes.Unchanged, Is.EqualTo(1));
        });
    }

    [Test]
    public void Diff_AQuarantinedRowOfAStoredKey_LeavesTheStoredResourceAlone()
    {
        var plan = Plan();
        var users = plan.Entities["AD_User"];
        users.Stored("CN=u1", 1, "CN=u1", "u1", "u1@corp.test");
        users.Stored("CN=u2", 2, "CN=u2", "u2", "u2@corp.test");
        users.Stored("CN=u3", 3, "CN=u3", "u3", "u3@corp.test");

        // Two rows of one key with different content: both quarantined, and the key held. A row with a field
        // longer than allowed: quarantined before it is kept as a row, and its key held.
        plan.Feed(
            "users",
            Row("dn", "CN=u1", "sam", "u1", "mail", "a@corp.test"),
            Row("dn", "CN=u1", "sam", "u1", "mail", "b@corp.test"),
            Row("dn", "CN=u3", "sam", "u3", "mail", new string('x', IdentitySync.Model.ConnectorDefaults.MaxValueLength + 1)));

        var changes = SnapshotDiff.Diff(users);

        Assert.Multiple(() =>
        {
            Assert.That(users.Quarantined.Select(static q => q.Line), Is.EquivalentTo(new long[] { 2, 3, 4 }));
            Assert.That(changes.Updated, Is.Empty);
            Assert.That(changes.Deleted.Select(static r => r.Key), Is.EqualTo(new[] { "CN=u2" }), "only the key the export no longer has");
        });
    }
}
