namespace IdentitySync.Connections;

/// <summary>Streams the rows of one exported table in batches.</summary>
public interface IExportTableReader : IAsyncDisposable
{
    /// <summary>Gets where the rows come from, for reports and messages (a file's path, a server's table).</summary>
    string Source { get; }

    /// <summary>
    /// Gets the requested columns the source does not have. Only an incremental export may lack
    /// columns (a merge keeps their stored values); their fields are handed over empty.
    /// </summary>
    IReadOnlyList<string> MissingColumns { get; }

    /// <summary>Fills the batch with the next rows (cleared first), at most its capacity.</summary>
    /// <param name="batch">The batch to fill; its column count is the number of requested columns.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns><see langword="false"/> when the table has no more rows (the batch is then empty).</returns>
    ValueTask<bool> ReadAsync(RowBatch batch, CancellationToken cancellationToken);

    /// <summary>
    /// Gets where the next incremental export of this table starts, read by the engine once
    /// <see cref="ReadAsync"/> returned <see langword="false"/>: an opaque text the connection alone reads
    /// (encode bytes as Base64). The engine records it only in the transaction that applies what this run
    /// read, and hands it back in <see cref="ExportRequest.Watermark"/>. <see langword="null"/> (the default)
    /// keeps the previous one.
    /// </summary>
    string? Watermark => null;

    /// <summary>
    /// Gets an estimate of the rows the table holds, read by the engine once the first batch is read, or
    /// <see langword="null"/> (the default) when the connection cannot tell cheaply. The engine sizes its buffers from it
    /// (ten million membership rows in one array instead of twenty doublings, decision 122). A file's connection can
    /// divide the file's length by the bytes its first rows took; a server's can give its statistics. Only a hint:
    /// nothing the engine reports or writes depends on it.
    /// </summary>
    long? EstimatedRowCount => null;
}
