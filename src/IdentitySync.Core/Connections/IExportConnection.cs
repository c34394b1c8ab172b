namespace IdentitySync.Connections;

/// <summary>The export facet of a connection: reads the managed system's tables.</summary>
public interface IExportConnection : IAsyncDisposable
{
    /// <summary>Opens one table for reading.</summary>
    /// <param name="request">The table, columns and mode.</param>
    /// <param name="cancellationToken">Stops the open.</param>
    /// <returns>The table's reader.</returns>
    /// <exception cref="ConnectionException">The table cannot be read (a missing file, a missing column); the message names it.</exception>
    ValueTask<IExportTableReader> OpenTableAsync(ExportRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Fingerprints what <see cref="OpenTableAsync"/> would read for the same request, without reading it
    /// row by row: a content hash of a file with the settings that shape its parsing, say. Two equal
    /// fingerprints must mean the table reads as the same rows. The engine asks before a complete run
    /// reads and again after it, records the fingerprint only when both agree, and skips a later complete
    /// run whose every table has the recorded fingerprint (see <c>ReadUnchanged</c> on the run's options).
    /// Tables are fingerprinted side by side only when the package declares
    /// <see cref="ConnectionCapabilities.ConcurrentTables"/>, as they are read.
    /// </summary>
    /// <param name="request">The table, columns and mode, as they will be asked for.</param>
    /// <param name="cancellationToken">Stops the fingerprint.</param>
    /// <returns>The fingerprint, or <see langword="null"/> when the connection cannot tell (the default): the table is then always read.</returns>
    /// <exception cref="ConnectionException">The table cannot be read; the message names it.</exception>
    ValueTask<string?> GetFingerprintAsync(ExportRequest request, CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);
}
