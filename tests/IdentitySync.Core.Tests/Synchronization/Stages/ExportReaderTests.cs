using IdentitySync.Connections;
using IdentitySync.Synchronization;
using Polly;
using static IdentitySync.Tests.Synchronization.Stages.StageModel;

namespace IdentitySync.Tests.Synchronization.Stages;

public sealed class ExportReaderTests
{
    /// <summary>
    /// After a table's first batch, the connection's estimate of its rows sizes the table's preparers (decision 122): an
    /// entity table's rows, an association table's pairs; a connection that cannot tell sizes nothing.
    /// </summary>
    [TestCase(null)]
    [TestCase(5_000L)]
    public async Task Read_TheFirstBatch_SizesTheTablesPreparersFromTheConnectionsEstimate(long? estimate)
    {
        var plan = Plan();
        var exports = new Dictionary<string, IExportConnection>(StringComparer.OrdinalIgnoreCase) { ["Export"] = new Export(estimate) };
        var reader = new ExportReader("AD", exports, ExportMode.Complete, [], ResiliencePipeline.Empty, 100, null);

        await reader.ReadAsync(plan.Table("users"), CancellationToken.None);
        await reader.ReadAsync(plan.Table("groups"), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(plan.Entities["AD_User"].ExpectedRows, Is.EqualTo(estimate ?? 0));
            Assert.That(plan.FindAssociation("AD_Membership")!.PairCapacity, estimate is null ? Is.LessThan(100) : Is.EqualTo(5_000));
            Assert.That(plan.Entities["AD_User"].Rows.Count, Is.EqualTo(2), "the rows are read as ever");
        });
    }

    /// <summary>Two rows of every table, each field its column's name and the row's number, and an estimate of the rows.</summary>
    private sealed class Export(long? estimate) : IExportConnection
    {
        public ValueTask<IExportTableReader> OpenTableAsync(ExportRequest request, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IExportTableReader>(new Reader(request.Columns, estimate));

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class Reader(IReadOnlyList<string> columns, long? estimate) : IExportTableReader
    {
        private bool _read;

        public string Source => "memory";

        public IReadOnlyList<string> MissingColumns => [];

        public long? EstimatedRowCount => _read ? estimate : null;

        public ValueTask<bool> ReadAsync(RowBatch batch, CancellationToken cancellationToken)
        {
            batch.Clear();
            if (!_read)
            {
                for (var row = 1; row <= 2; row++)
                {
                    batch.BeginRow(row + 1);
                    foreach (var column in columns)
                    {
                        batch.AddField($"{column}{row}".AsSpan());
                    }

                    batch.EndRow();
                }
            }

            _read = true;
            return ValueTask.FromResult(batch.Count > 0);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
