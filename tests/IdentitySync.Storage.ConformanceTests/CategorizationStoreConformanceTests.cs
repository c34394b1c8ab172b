using IdentitySync.Categorizations;

namespace IdentitySync.Storage.ConformanceTests;

/// <summary>What every store does with categorizations (<see cref="ICategorizationStore"/>); each store's test project derives a fixture.</summary>
/// <typeparam name="TStore">Creates and reopens the store under test.</typeparam>
public abstract class CategorizationStoreConformanceTests<TStore> : StoreConformanceTests<TStore>
    where TStore : IStoreUnderTest, new()
{
    /// <summary>Categorizations are kept per account, replaced, and deleted with their account.</summary>
    [Test]
    public async Task Categorizations_SavedReplacedAndDeletedWithTheAccount_RoundTrip()
    {
        await ApplyAsync("AD", 0, w => w.InsertAsync("User", [Change("u1", ["one"]), Change("u2", ["two"])], None).AsTask());
        var u1 = (await Store.FindResourceAsync("User", "u1", None))!.Id;
        var u2 = (await Store.FindResourceAsync("User", "u2", None))!.Id;
        var at = new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);
        var first = new AccountCategorization(u1, "User", CategorizationStatus.Ambiguous, "AD_Nominative", null, 90, [7, 8], "rule 2 matched 'zoe'", ulong.MaxValue, 42, at);
        var second = new AccountCategorization(u2, "User", CategorizationStatus.Correlated, "AD_Nominative", 7, 120, [], "rule 1", 3, 42, at);

        await Store.SaveCategorizationsAsync([first, second], None);
        await Store.SaveCategorizationsAsync([first with { Status = CategorizationStatus.Reviewed, OwnerId = 8, Candidates = [] }], None);
        var kept = await Reopen().GetCategorizationsAsync("user", None);
        await ApplyAsync("AD", 1, w => w.DeleteAsync("User", ["u2"], None).AsTask());

        var afterDelete = await Store.GetCategorizationsAsync("User", None);
        Assert.Multiple(() =>
        {
            Assert.That(kept.OrderBy(static c => c.ResourceId).Select(static c => (c.Status, c.OwnerId)), Is.EqualTo(new[]
            {
                (CategorizationStatus.Reviewed, (long?)8),
                (CategorizationStatus.Correlated, (long?)7),
            }));
            Assert.That(kept.Single(c => c.ResourceId == u1).AccountDigest, Is.EqualTo(ulong.MaxValue));
            Assert.That(kept.Single(c => c.ResourceId == u2).At, Is.EqualTo(at));
            Assert.That(afterDelete.Select(static c => c.ResourceId), Is.EqualTo(new[] { u1 }));
        });
    }

}
