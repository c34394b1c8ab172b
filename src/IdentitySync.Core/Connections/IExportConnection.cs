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
}
