using BenchmarkDotNet.Attributes;
using IdentitySync.Internal;

namespace IdentitySync.Benchmarks.Micro;

/// <summary>
/// Sorting packed link pairs (group ordinal, member ordinal), as the diff does with every membership of
/// a complete run: the comparison sort against the byte-wise radix sort.
/// </summary>
[MemoryDiagnoser]
public class LinkSortBenchmarks
{
    private long[] _links = null!;
    private long[] _work = null!;

    [GlobalSetup]
    public void Generate()
    {
        var random = new Random(42);
        var count = BenchmarkSize.Accounts * 50;
        _links = [.. Enumerable.Range(0, count).Select(_ => OrdinalPair.Pack(random.Next(count / 500), random.Next(count / 10)))];
        _work = new long[count];
    }

    [Benchmark(Baseline = true)]
    public void ComparisonSort()
    {
        _links.CopyTo(_work, 0);
        Array.Sort(_work);
    }

    [Benchmark]
    public void RadixSort()
    {
        _links.CopyTo(_work, 0);
        Internal.RadixSort.Sort(_work);
    }
}
