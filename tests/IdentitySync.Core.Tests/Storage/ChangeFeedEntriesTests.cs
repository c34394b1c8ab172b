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

    /// <summary>Adding a saved categorization's ids to a list gives what enumerating them gives, after what the list held.</summary>
    [TestCase(12L, null, new long[0], new long[0])]
    [TestCase(null, 40L, new long[] { 7, 8 }, new long[] { 8, 9 })]
    [TestCase(12L, 12L, new long[0], new long[] { 3 })]
    public void AddOfCategorization_AddsWhatOfCategorizationGives(long? owner, long? previousOwner, long[] candidates, long[] previousCandidates)
    {
        var saved = new Categorizations.AccountCategorization(100, "AD_User", Categorizations.CategorizationStatus.Suggested, "AD_Nominative", owner, 90, candidates, "a reason", 1, 2, DateTimeOffset.UnixEpoch);
        var into = new List<long> { -5 };

        ChangeFeedEntries.AddOfCategorization(into, saved, previousOwner, previousCandidates);

        Assert.That(into, Is.EqualTo(new long[] { -5 }.Concat(ChangeFeedEntries.OfCategorization(saved, previousOwner, previousCandidates))));
    }
}
