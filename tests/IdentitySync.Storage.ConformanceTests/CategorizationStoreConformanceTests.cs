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

    /// <summary>Every field of a categorization reads back as saved (the time to the tick, in UTC), candidates in their order, absent values absent.</summary>
    [Test]
    public async Task Categorizations_EveryField_ReadsBackToTheTick()
    {
        await ApplyAsync("AD", 0, w => w.InsertAsync("User", [Change("u1", ["one"]), Change("u2", ["two"]), Change("u3", ["three"])], None).AsTask());
        var ids = new List<long>();
        foreach (var key in new[] { "u1", "u2", "u3" })
        {
            ids.Add((await Store.FindResourceAsync("User", key, None))!.Id);
        }

        var at = new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero).AddTicks(1234567);
        AccountCategorization[] saved =
        [
            new(ids[0], "User", CategorizationStatus.Suggested, "AD_Nominative", null, 50, [9, 3, 12_345_678_901], "rule 2 (suggest): 'Zoë, \"the\" admin'", ulong.MaxValue, 1UL << 63, at.ToOffset(TimeSpan.FromHours(2))),
            new(ids[1], "User", CategorizationStatus.Uncategorized, null, null, 0, [], null, 0, 0, at),
            new(ids[2], "User", CategorizationStatus.Correlated, "AD_Admin", 7, int.MaxValue, [], string.Empty, 42, (ulong)long.MaxValue, at.AddDays(-1)),
        ];

        await Store.SaveCategorizationsAsync(saved, None);
        var read = (await Reopen().GetCategorizationsAsync("USER", None)).OrderBy(static c => c.ResourceId).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(read, Has.Count.EqualTo(3));
            for (var i = 0; i < saved.Length; i++)
            {
                var (expected, actual) = (saved[i], read[i]);
                Assert.That(
                    (actual.ResourceId, actual.EntityType, actual.Status, actual.ResourceType, actual.OwnerId, actual.Confidence, actual.Reason, actual.AccountDigest, actual.OwnersDigest),
                    Is.EqualTo((expected.ResourceId, expected.EntityType, expected.Status, expected.ResourceType, expected.OwnerId, expected.Confidence, expected.Reason, expected.AccountDigest, expected.OwnersDigest)),
                    $"categorization {i}");
                Assert.That(actual.Candidates, Is.EqualTo(expected.Candidates), $"candidates of {i}");
                Assert.That((actual.At, actual.At.UtcTicks), Is.EqualTo((expected.At, expected.At.UtcTicks)), $"time of {i}");
            }
        });
    }
}
