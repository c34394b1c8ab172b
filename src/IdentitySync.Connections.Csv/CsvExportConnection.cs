namespace IdentitySync.Connections.Csv;

/// <summary>Opens the CSV file of each table.</summary>
internal sealed class CsvExportConnection(string name, CsvConnectionSettings settings, ConnectionContext context) : IExportConnection
{
    public ValueTask<IExportTableReader> OpenTableAsync(ExportRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var template = request.Mode == ExportMode.Complete
            ? settings.Path
            : settings.IncrementalPath
                ?? throw new ConnectionException($"Connection '{name}' of connector '{context.Connector}' has no IncrementalPath; an incremental synchronization reads that file, never the complete export.");
        var file = Resolve(template.Replace("{table}", request.Table, StringComparison.OrdinalIgnoreCase));
        return ValueTask.FromResult<IExportTableReader>(CsvTableReader.Open(file, Path.GetRelativePath(context.BaseDirectory, file), settings, request));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private string Resolve(string pattern)
    {
        var full = Path.GetFullPath(Path.Combine(context.BaseDirectory, pattern));
        var fileName = Path.GetFileName(full);
        if (fileName.IndexOfAny(['*', '?']) < 0)
        {
            return File.Exists(full)
                ? full
                : throw new ConnectionException($"The CSV file '{full}' does not exist (connector '{context.Connector}', connection '{name}').");
        }

        var directory = Path.GetDirectoryName(full)!;
        var newest = Directory.Exists(directory)
            ? new DirectoryInfo(directory).EnumerateFiles(fileName)
                .OrderByDescending(static f => f.LastWriteTimeUtc)
                .ThenByDescending(static f => f.Name, StringComparer.Ordinal)
                .FirstOrDefault()
            : null;
        return newest?.FullName
            ?? throw new ConnectionException($"No CSV file matches '{full}' (connector '{context.Connector}', connection '{name}').");
    }
}
