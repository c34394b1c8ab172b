using IdentitySync.ChangeSets;
using IdentitySync.Connections;
using Polly;

namespace IdentitySync.Synchronization;

/// <summary>
/// Stage 3 of a synchronization: reads planned tables from their export connections in batches and hands
/// every row to the table's preparers; keeps the watermark each table returns.
/// </summary>
/// <param name="connector">The connector's name, for progress.</param>
/// <param name="exports">The open export connection of each connection, by name.</param>
/// <param name="mode">Complete reads, or a native delta.</param>
/// <param name="appliedWatermarks">The watermarks of the last applied run, sent with each table's request.</param>
/// <param name="openRetry">Retries opening a table after a transient failure.</param>
/// <param name="batchSize">The number of rows in one batch.</param>
/// <param name="progress">Receives the rows read so far, per table.</param>
internal sealed class ExportReader(
    string connector,
    IReadOnlyDictionary<string, IExportConnection> exports,
    ExportMode mode,
    IReadOnlyList<TableWatermark> appliedWatermarks,
    ResiliencePipeline openRetry,
    int batchSize,
    IProgress<SyncProgress>? progress)
{
    private readonly List<TableWatermark> _readWatermarks = [];

    /// <summary>Reads tables side by side, as many at once as there are cores.</summary>
    /// <param name="tables">The tables; their packages read tables independently.</param>
    /// <param name="cancellationToken">Cancels the reading.</param>
    public Task ReadSideBySideAsync(IReadOnlyList<PlannedTable> tables, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            tables,
            new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount },
            async (table, token) => await ReadAsync(table, token).ConfigureAwait(false));

    /// <summary>Reads one table to its end.</summary>
    /// <param name="planned">The table.</param>
    /// <param name="cancellationToken">Cancels the reading.</param>
    /// <exception cref="ConnectionException">A column a mapping needs is missing.</exception>
    public async Task ReadAsync(PlannedTable planned, CancellationToken cancellationToken)
    {
        var (connection, table, columns) = (planned.Connection, planned.Table, planned.Columns);
        var request = new ExportRequest(table, columns, mode) { Watermark = WatermarkOf(appliedWatermarks, connection.Name, table)?.Value };
        var reader = await openRetry.ExecuteAsync(
            static (state, token) => state.export.OpenTableAsync(state.request, token),
            (export: exports[connection.Name], request),
            cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            if (reader.MissingColumns.Count > 0)
            {
                var missing = string.Join(", ", reader.MissingColumns.Select(static c => $"'{c}'"));
                if (mode == ExportMode.Complete || reader.MissingColumns.Contains(TablePlan.CommandColumn, StringComparer.OrdinalIgnoreCase)
                    || planned.Entities.Any(e => reader.MissingColumns.Contains(e.Mapping.PrimaryKey.Column, StringComparer.OrdinalIgnoreCase)))
                {
                    throw new ConnectionException($"{reader.Source} has no column {missing}; the mappings of table '{table}' need it.") { Kind = FailureKind.InputUnreadable };
                }

                planned.Entities.ForEach(e => e.SetMissingColumns(reader.MissingColumns));
            }

            using var batch = new RowBatch(columns.Count, batchSize);
            long rows = 0;
            while (await reader.ReadAsync(batch, cancellationToken).ConfigureAwait(false))
            {
                if (rows == 0 && reader.EstimatedRowCount is > 0 and var estimate)
                {
                    // A row is a resource, or a pair, at most: what they fill is sized once for the whole table.
                    planned.Entities.ForEach(e => e.ExpectRows(estimate));
                    planned.Associations.ForEach(a => a.ExpectPairs(estimate));
                }

                rows += batch.Count;
                progress?.Report(new SyncProgress(connector, SyncStep.Read, table, rows));
                for (var row = 0; row < batch.Count; row++)
                {
                    foreach (var consume in planned.Consumers)
                    {
                        consume(batch, row, reader.Source);
                    }
                }
            }

            if (reader.Watermark is { } watermark)
            {
                lock (_readWatermarks)
                {
                    _readWatermarks.Add(new TableWatermark(connection.Name, table, watermark));
                }
            }
        }
    }

    /// <summary>The watermarks once this run is applied: those read now, and the applied ones of tables that returned none.</summary>
    public IReadOnlyList<TableWatermark> WatermarksAfterApply()
    {
        lock (_readWatermarks)
        {
            return
            [
                .. _readWatermarks.OrderBy(static w => w.Connection, StringComparer.OrdinalIgnoreCase).ThenBy(static w => w.Table, StringComparer.Ordinal),
                .. appliedWatermarks.Where(w => WatermarkOf(_readWatermarks, w.Connection, w.Table) is null),
            ];
        }
    }

    private static TableWatermark? WatermarkOf(IReadOnlyList<TableWatermark> watermarks, string connection, string table) =>
        watermarks.FirstOrDefault(w => string.Equals(w.Connection, connection, StringComparison.OrdinalIgnoreCase) && string.Equals(w.Table, table, StringComparison.Ordinal));
}
