using IdentitySync.Internal;

namespace IdentitySync.Tests.Internal;

public sealed class RadixSortTests
{
    [TestCase(0)]
    [TestCase(10)]
    [TestCase(5_000)]
    [TestCase(100_000)]
    public void Sort_PackedPairs_OrdersLikeAComparisonSort(int count)
    {
        var random = new Random(count);
        var values = Enumerable.Range(0, count).Select(_ => OrdinalPair.Pack(random.Next(20_000), random.Next(1_000_000))).ToArray();
        var expected = values.Order().ToArray();

        RadixSort.Sort(values);

        Assert.That(values, Is.EqualTo(expected));
    }

    [Test]
    public void Sort_NegativeAndExtremeValues_ComeInNumericOrder()
    {
        var random = new Random(7);
        var values = Enumerable.Range(0, 20_000).Select(_ => random.NextInt64(long.MinValue, long.MaxValue))
            .Concat([long.MinValue, long.MaxValue, 0, -1, 1]).ToArray();
        var expected = values.Order().ToArray();

        RadixSort.Sort(values);

        Assert.That(values, Is.EqualTo(expected));
    }

    [TestCase(0)]
    [TestCase(4_999)]
    [TestCase(9_999)]
    public void Sort_SortedButForOneNumber_SortsIt(int misplaced)
    {
        var values = Enumerable.Range(0, 10_000).Select(static i => (long)i * 3).ToArray();
        values[misplaced] = 1;
        var expected = values.Order().ToArray();

        RadixSort.Sort(values);

        Assert.That(values, Is.EqualTo(expected));
    }

    [Test]
    public void Sort_AlreadySortedWithRepeats_StaysAsItIs()
    {
        var values = Enumerable.Range(0, 10_000).Select(static i => OrdinalPair.Pack(i / 7, i % 7)).ToArray();
        var expected = values.ToArray();

        RadixSort.Sort(values);

        Assert.That(values, Is.EqualTo(expected));
    }

    [Test]
    public void Sort_AllEqual_LeavesThemInPlace()
    {
        var values = Enumerable.Repeat(42L, 10_000).ToArray();

        RadixSort.Sort(values);

        Assert.That(values, Is.All.EqualTo(42L));
    }

    [Test]
    public void Sort_WithABufferKeptAcrossSorts_ReusesItAndSortsEach()
    {
        var random = new Random(11);
        var larger = Enumerable.Range(0, 50_000).Select(_ => OrdinalPair.Pack(random.Next(20_000), random.Next(1_000_000))).ToArray();
        var smaller = Enumerable.Range(0, 30_000).Select(_ => OrdinalPair.Pack(random.Next(20_000), random.Next(1_000_000))).ToArray();
        var (expectedLarger, expectedSmaller) = (larger.Order().ToArray(), smaller.Order().ToArray());
        long[]? buffer = null;

        RadixSort.Sort(larger, ref buffer);
        var first = buffer;
        RadixSort.Sort(smaller, ref buffer);

        Assert.Multiple(() =>
        {
            Assert.That(larger, Is.EqualTo(expectedLarger));
            Assert.That(smaller, Is.EqualTo(expectedSmaller), "sorted through the first buffer's beginning");
            Assert.That(first, Has.Length.EqualTo(50_000));
            Assert.That(buffer, Is.SameAs(first), "the second sort needs no new buffer");
        });
    }

    [Test]
    public void Sort_WithATooSmallBuffer_TakesALargerOne()
    {
        var random = new Random(12);
        var values = Enumerable.Range(0, 20_000).Select(_ => random.NextInt64(long.MinValue, long.MaxValue)).ToArray();
        var expected = values.Order().ToArray();
        var small = new long[5_000];
        var buffer = small;

        RadixSort.Sort(values, ref buffer);

        Assert.Multiple(() =>
        {
            Assert.That(values, Is.EqualTo(expected));
            Assert.That(buffer, Is.Not.SameAs(small));
            Assert.That(buffer, Has.Length.EqualTo(20_000));
        });
    }
}
