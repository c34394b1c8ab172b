using BenchmarkDotNet.Attributes;
using IdentitySync.ChangeSets;
using IdentitySync.Connections.Csv;
using IdentitySync.Storage;
using IdentitySync.Synchronization;
using IdentitySync.SampleData;

namespace IdentitySync.Benchmarks.Micro;

/// <summary>
/// A whole complete run on the in-memory store: no change read row by row (the baseline), no change
/// skipped by the export's fingerprint, and 1 % changed (prepare, diff, apply).
/// </summary>
[MemoryDiagnoser]
public class DiffBenchmarks
{
    private string _directory = null!;
    private InMemoryResourceStore _store = null!;
    private SyncEngine _unchanged = null!;
    private SyncEngine _changed = null!;

    [GlobalSetup]
    public void Load()
    {
        _directory = Directory.CreateTempSubdirectory("bench-diff").FullName;
        var generator = new DataGenerator(BenchmarkSize.Accounts, membershipsPerAccount: 5);
        generator.Write(Path.Combine(_directory, "original"));
        generator.Write(Path.Combine(_directory, "changed"), changeRate: 0.01);
        _store = new InMemoryResourceStore();
        var model = GeneratedDataModel.Create();
        _unchanged = new SyncEngine(model, _store, [new CsvConnectionPackage()], new SyncEngineOptions { BaseDirectory = Path.Combine(_directory, "original") });
        _changed = new SyncEngine(model, _store, [new CsvConnectionPackage()], new SyncEngineOptions { BaseDirectory = Path.Combine(_directory, "changed") });
        _unchanged.SynchronizeAsync("AD", new SyncRunOptions { Mode = SyncMode.Initial }).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Delete() => Directory.Delete(_directory, recursive: true);

    [Benchmark(Baseline = true)]
    public Task<SyncReport> NoChange() => _unchanged.SynchronizeAsync("AD", new SyncRunOptions { ReadUnchanged = true });

    [Benchmark]
    public Task<SyncReport> NoChangeSkipped() => _unchanged.SynchronizeAsync("AD");

    [Benchmark]
    public Task<SyncReport> OnePercentChangedDryRun() => _changed.SynchronizeAsync("AD", new SyncRunOptions { DryRun = true });
}
