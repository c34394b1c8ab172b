using IdentitySync.Categorizations;
using IdentitySync.Provisioning;
using IdentitySync.Storage;

namespace IdentitySync.Tests.Provisioning.Stages;

/// <summary>An owner's accounts of a type: none, one kept without a list, or several, each once and in the order added.</summary>
public sealed class OwnedAccountsTests
{
    [Test]
    public void Add_OneOrSeveral_AreCountedAndWalkedInOrder()
    {
        var byOwner = new Dictionary<long, OwnedAccounts>();
        OwnedAccounts.Add(byOwner, 1, Account(10), Categorization(10, 1));
        foreach (var id in (long[])[20, 21, 22])
        {
            OwnedAccounts.Add(byOwner, 2, Account(id), Categorization(id, 2));
        }

        Assert.Multiple(() =>
        {
            Assert.That(byOwner[1].Count, Is.EqualTo(1));
            Assert.That(Ids(byOwner[1]), Is.EqualTo(new long[] { 10 }));
            Assert.That(byOwner[2].Count, Is.EqualTo(3));
            Assert.That(Ids(byOwner[2]), Is.EqualTo(new long[] { 20, 21, 22 }), "the first, then the others");
            Assert.That(byOwner.GetValueOrDefault(3).Count, Is.Zero, "an owner without accounts");
            Assert.That(Ids(byOwner.GetValueOrDefault(3)), Is.Empty);
        });
    }

    private static List<long> Ids(OwnedAccounts accounts)
    {
        var ids = new List<long>();
        foreach (var (account, categorization) in accounts)
        {
            Assert.That(categorization.ResourceId, Is.EqualTo(account.Id), "each account with its own categorization");
            ids.Add(account.Id);
        }

        return ids;
    }

    private static StoredResource Account(long id) => new(id, "AD_User", $"u{id}", 0, []);

    private static AccountCategorization Categorization(long id, long owner) =>
        new(id, "AD_User", CategorizationStatus.Correlated, "AD_Nominative", owner, 100, [], "rule 1", 0, 0, DateTimeOffset.UnixEpoch);
}
