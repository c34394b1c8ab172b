using System.Text;
using BenchmarkDotNet.Attributes;
using IdentitySync.SampleData;
using IdentitySync.Internal;

namespace IdentitySync.Benchmarks.Micro;

/// <summary>Indexing keys as strings (what the engine does today) against 64-bit key hashes (what the budget asks for).</summary>
[MemoryDiagnoser]
public class KeyIndexBenchmarks
{
    private byte[][] _keys = null!;

    [GlobalSetup]
    public void Generate() =>
        _keys = [.. Enumerable.Range(0, BenchmarkSize.Accounts * 5).Select(static i => Encoding.UTF8.GetBytes(DataGenerator.UserDn(i)))];

    [Benchmark(Baseline = true)]
    public int StringKeys()
    {
        var index = new Dictionary<string, int>(_keys.Length, StringComparer.Ordinal);
        for (var i = 0; i < _keys.Length; i++)
        {
            index[Encoding.UTF8.GetString(_keys[i])] = i;
        }

        var found = 0;
        foreach (var key in _keys)
        {
            found += index.ContainsKey(Encoding.UTF8.GetString(key)) ? 1 : 0;
        }

        return found;
    }

    [Benchmark]
    public int HashedKeys()
    {
        var index = new Dictionary<ulong, int>(_keys.Length);
        for (var i = 0; i < _keys.Length; i++)
        {
            index[Xxh64.Hash(_keys[i])] = i;
        }

        var found = 0;
        foreach (var key in _keys)
        {
            found += index.ContainsKey(Xxh64.Hash(key)) ? 1 : 0;
        }

        return found;
    }
}
