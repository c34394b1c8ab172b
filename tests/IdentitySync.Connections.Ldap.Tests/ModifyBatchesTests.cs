namespace IdentitySync.Connections.Ldap.Tests;

/// <summary>How membership changes are cut into modify requests.</summary>
public sealed class ModifyBatchesTests
{
    [Test]
    public void ChangesThatFit_AreOneAtomicRequest()
    {
        var batches = LdapValueChanges.Batches(Values("a", 3), Values("r", 2), perRequest: 5).ToList();

        Assert.That(batches.Select(static b => (b.Added.Count, b.Removed.Count)), Is.EqualTo(new[] { (3, 2) }));
    }

    [Test]
    public void LargeChanges_AreCutWithAdditionsFirst_AndEveryValueSentOnce()
    {
        var added = Values("a", 2500);
        var removed = Values("r", 1001);

        var batches = LdapValueChanges.Batches(added, removed, LdapValueChanges.ValuesPerModify).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(batches.Select(static b => (b.Added.Count, b.Removed.Count)), Is.EqualTo(new[] { (1000, 0), (1000, 0), (500, 0), (0, 1000), (0, 1) }));
            Assert.That(batches.SelectMany(static b => b.Added), Is.EqualTo(added));
            Assert.That(batches.SelectMany(static b => b.Removed), Is.EqualTo(removed));
        });
    }

    [Test]
    public void ChangesOfExactlyTheLimit_AreOneRequest()
    {
        Assert.That(LdapValueChanges.Batches(Values("a", 600), Values("r", 400), LdapValueChanges.ValuesPerModify).Count(), Is.EqualTo(1));
    }

    private static List<string> Values(string prefix, int count) => [.. Enumerable.Range(0, count).Select(i => $"cn={prefix}{i},dc=test")];
}
