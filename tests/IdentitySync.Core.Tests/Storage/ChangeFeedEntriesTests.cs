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
}
