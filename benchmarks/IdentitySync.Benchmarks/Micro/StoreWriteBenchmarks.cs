using BenchmarkDotNet.Attributes;
using IdentitySync.ChangeSets;
using IdentitySync.Storage;
using IdentitySync.Storage.Sqlite;

namespace IdentitySync.Benchmarks.Micro;

/// <summary>Writing a change set of new resources in one transaction: the in-memory store against SQLite on disk.</summary>
[MemoryDiagnoser]
public class StoreWriteBenchmarks
{
    private ResourceChange[] _resources = null!;
    private string _directory = null!;
    private int _iteration;

    [GlobalSetup]
    public void Generate()
    {
        _directory = Directory.CreateTempSubdirectory("bench-store").FullName;
        _resources = [.. Enumerable.Range(0, BenchmarkSize.Accounts / 2).Select(static i => new ResourceChange(
            $"CN=u{i:0000000},OU=Users,DC=corp,DC=test",
            (ulong)i * 7919,
            [$"u{i}", $"User {i}", i, new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), new object[] { "SMTP:a", "smtp:b" }],
            [],
            i + 2))];
    }

    [GlobalCleanup]
    public void Delete()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public Task InMemory() => WriteAsync(new InMemoryResourceStore());

    [Benchmark]
    public async Task Sqlite()
    {
        using var store = new SqliteResourceStore(Path.Combine(_directory, $"write-{_iteration++}.db"));
        await WriteAsync(store);
    }

    private async Task WriteAsync(IResourceStore store)
    {
        await using var writer = await store.BeginApplyAsync("AD", 0, CancellationToken.None);
        await writer.InsertAsync("AD_User", _resources, CancellationToken.None);
        await writer.CommitAsync(new ConnectorState(1, "b", [], null), CancellationToken.None);
    }
}
