using BenchmarkDotNet.Attributes;
using IdentitySync.Configuration;
using IdentitySync.Connections;
using IdentitySync.Connections.Csv;
using IdentitySync.Internal;
using IdentitySync.Model;
using IdentitySync.SampleData;

namespace IdentitySync.Benchmarks.Micro;

/// <summary>Reading the users export through the CSV package into row batches, with and without the row digest.</summary>
[MemoryDiagnoser]
public class CsvReadBenchmarks
{
    private static readonly string[] s_columns = [.. DataGenerator.UsersHeader.Split(',')];
    private string _directory = null!;
    private Connection _connection = null!;

    [GlobalSetup]
    public void Generate()
    {
        _directory = Directory.CreateTempSubdirectory("bench-csv").FullName;
        new DataGenerator(BenchmarkSize.Accounts, membershipsPerAccount: 0).Write(_directory);
        _connection = new IdentityModelBuilder().AddConnector("AD", c => c.AddConnection("Export", "Csv", [new("Path", "{table}.csv")])).Build().GetConnector("AD").Connections[0];
    }

    [GlobalCleanup]
    public void Delete() => Directory.Delete(_directory, recursive: true);

    [Benchmark(Baseline = true)]
    public Task<long> ReadFields() => ReadAsync(digest: false);

    [Benchmark]
    public Task<long> ReadFieldsAndDigestRows() => ReadAsync(digest: true);

    private async Task<long> ReadAsync(bool digest)
    {
        long total = 0;
        await using var export = new CsvConnectionPackage().CreateExportConnection(_connection, new ConnectionContext("AD", _directory, TimeProvider.System));
        await using var reader = await export.OpenTableAsync(new ExportRequest("users", s_columns, ExportMode.Complete), CancellationToken.None);
        using var batch = new RowBatch(s_columns.Length);
        while (await reader.ReadAsync(batch, CancellationToken.None))
        {
            for (var row = 0; row < batch.Count; row++)
            {
                ulong hash = 0;
                for (var column = 0; column < s_columns.Length; column++)
                {
                    var field = batch.GetField(row, column);
                    total += field.Length;
                    if (digest)
                    {
                        hash = Xxh64.Hash(field, hash + (ulong)column);
                    }
                }

                total += (long)(hash & 1);
            }
        }

        return total;
    }
}
