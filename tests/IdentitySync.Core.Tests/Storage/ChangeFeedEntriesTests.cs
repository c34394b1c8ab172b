using IdentitySync.Storage;

namespace IdentitySync.Tests.Storage;

/// <summary>The ids a store records in its feed, ascending and each once, whatever order and repeats they came in.</summary>
public sealed class ChangeFeedEntriesTests
{
    [Test]
    public void SortedDistinct_GivesEachIdOnceInAscendingOrder()
    {
        var fromList = ChangeFeedEntries.SortedDistinct([9, 3, 9, -1, 3, 3, 7]);
        var fromSet = ChangeFeedEntries.SortedDistinct(new HashSet<long> { 5, 2, 8 });
        var empty = ChangeFeedEntries.SortedDistinct([]);

        Assert.Multiple(() =>
        {
            Assert.That(fromList, Is.EqualTo(new long[] { -1, 3, 7, 9 }));
            Assert.That(fromSet, Is.EqualTo(new long[] { 2, 5, 8 }));
            Assert.That(empty, Is.Empty);
        });
    }

    /// <summary>
    /// A saved categorization reaches its account, its owner, its owner before, its candidates and its candidates before,
    /// repeats kept (the feed makes them distinct), added after what the list held; enumerated, the same ids.
    /// </summary>
    [TestCase(12L, null, new long[0], new long[0], new long[] { -5, 100, 12 })]
    [TestCase(null, 40L, new long[] { 7, 8 }, new long[] { 8, 9 }, new long[] { -5, 100, 40, 7, 8, 8, 9 })]
    [TestCase(12L, 12L, new long[0], new long[] { 3 }, new long[] { -5, 100, 12, 12, 3 })]
    public void AddOfCategorization_AddsTheAccountOwnersAndCandidates(long? owner, long? previousOwner, long[] candidates, long[] previousCandidates, long[] expected)
    {
        var saved = new Categorizations.AccountCategorization(100, "AD_User", Categorizations.CategorizationStatus.Suggested, "AD_Nominative", owner, 90, candidates, "a reason", 1, 2, DateTimeOffset.UnixEpoch);
        var into = new List<long> { -5 };

        ChangeFeedEntries.AddOfCategorization(into, saved, previousOwner, previousCandidates);

        Assert.Multiple(() =>
        {
            Assert.That(into, Is.EqualTo(expected));
            Assert.That(ChangeFeedEntries.OfCategorization(saved, previousOwner, previousCandidates), Is.EqualTo(expected.Skip(1)));
        });
    }
}
