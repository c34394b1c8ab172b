using BenchmarkDotNet.Attributes;
using IdentitySync.SampleData;

namespace IdentitySync.Benchmarks.Micro;

/// <summary>Diffing membership snapshots as pairs of key strings (today) against resolved, packed integer pairs.</summary>
[MemoryDiagnoser]
public class LinkResolutionBenchmarks
{
    private (string Group, string Member)[] _before = null!;
    private (string Group, string Member)[] _after = null!;
    private Dictionary<string, int> _groupIds = null!;
    private Dictionary<string, int> _userIds = null!;

    [GlobalSetup]
    public void Generate()
    {
        var random = new Random(7);
        var accounts = BenchmarkSize.Accounts;
        _before = [.. Enumerable.Range(0, accounts * 10).Select(i => (DataGenerator.GroupDn(random.Next(accounts / 50)), DataGenerator.UserDn(i / 10)))];
        _after = [.. _before.Select((p, i) => i % 100 == 0 ? (DataGenerator.GroupDn((i / 7) % (accounts / 50)), p.Member) : p)];
        _groupIds = Enumerable.Range(0, accounts / 50).ToDictionary(static g => DataGenerator.GroupDn(g), static g => g);
        _userIds = Enumerable.Range(0, accounts).ToDictionary(static u => DataGenerator.UserDn(u), static u => u);
    }

    [Benchmark(Baseline = true)]
    public int StringPairs()
    {
        var stored = _before.ToHashSet();
        var snapshot = _after.ToHashSet();
        return snapshot.Count(p => !stored.Contains(p)) + stored.Count(p => !snapshot.Contains(p));
    }

    [Benchmark]
    public int PackedIntegerPairs()
    {
        var stored = new HashSet<long>(_before.Length);
        foreach (var (group, member) in _before)
        {
            stored.Add(((long)_groupIds[group] << 32) | (uint)_userIds[member]);
        }

        var snapshot = new HashSet<long>(_after.Length);
        foreach (var (group, member) in _after)
        {
            snapshot.Add(((long)_groupIds[group] << 32) | (uint)_userIds[member]);
        }

        var changes = 0;
        foreach (var pair in snapshot)
        {
            changes += stored.Contains(pair) ? 0 : 1;
        }

        foreach (var pair in stored)
        {
            changes += snapshot.Contains(pair) ? 0 : 1;
        }

        return changes;
    }
}
