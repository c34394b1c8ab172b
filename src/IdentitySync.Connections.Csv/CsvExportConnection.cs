using System.Collections.Concurrent;
using System.Globalization;

namespace IdentitySync.Connections.Csv;

/// <summary>Opens the CSV file of each table.</summary>
internal sealed class CsvExportConnection(string name, CsvConnectionSettings settings, ConnectionContext context) : IExportConnection
{
    // A file's content hash by path, with the length and write time it had: asked again within the run
    // (the engine asks before and after reading), an untouched file is not hashed twice.
    private readonly ConcurrentDictionary<string, (long Length, DateTime Written, string Hash)> _hashes = new(StringComparer.Ordinal);

    public ValueTask<IExportTableReader> OpenTableAsync(ExportRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var file = FileOf(request);
        return ValueTask.FromResult<IExportTableReader>(CsvTableReader.Open(file, Path.GetRelativePath(context.BaseDirectory, file), settings, request));
    }

    /// <summary>The hash of the file's bytes, with the settings that shape how they are parsed.</summary>
    public async ValueTask<string?> GetFingerprintAsync(ExportRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var file = FileOf(request);
        try
        {
            var info = new FileInfo(file);
            if (!_hashes.TryGetValue(file, out var known) || known.Length != info.Length || known.Written != info.LastWriteTimeUtc)
            {
                known = (info.Length, info.LastWriteTimeUtc, await ExportFingerprint.HashFileAsync(file, cancellationToken).ConfigureAwait(false));
                _hashes[file] = known;
            }

            return string.Create(
                CultureInfo.InvariantCulture,
                $"{known.Hash};separator:{(int)settings.Separator};encoding:{settings.Encoding.WebName};skip:{settings.LinesToSkip};trim:{settings.ValuesToTrim};quotes:{settings.Quotes};trailing:{settings.TrailingSeparator}");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new ConnectionException($"{Path.GetRelativePath(context.BaseDirectory, file)}: cannot be read: {exception.Message}", exception) { Kind = FailureKind.InputUnreadable };
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private string FileOf(ExportRequest request)
    {
        var template = request.Mode == ExportMode.Complete
            ? settings.Path
            : settings.IncrementalPath
                ?? throw new ConnectionException($"Connection '{name}' of connector '{context.Connector}' has no IncrementalPath; an incremental synchronization reads that file, never the complete export.") { Kind = FailureKind.InvalidInput };
        return Resolve(template.Replace("{table}", request.Table, StringComparison.OrdinalIgnoreCase));
    }

    private string Resolve(string pattern)
    {
        var full = Path.GetFullPath(Path.Combine(context.BaseDirectory, pattern));
        var fileName = Path.GetFileName(full);
        if (fileName.IndexOfAny(['*', '?']) < 0)
        {
            return File.Exists(full)
                ? full
                : Directory.Exists(full)
                    ? throw new ConnectionException($"'{full}' is a folder, not a CSV file (connector '{context.Connector}', connection '{name}'); give the file's path, or a pattern such as exports/people-*.csv.") { Kind = FailureKind.InputUnreadable }
                    : throw new ConnectionException($"The CSV file '{full}' does not exist (connector '{context.Connector}', connection '{name}').") { Kind = FailureKind.InputUnreadable };
        }

        var directory = Path.GetDirectoryName(full)!;
        var newest = Directory.Exists(directory)
            ? new DirectoryInfo(directory).EnumerateFiles(fileName)
                .OrderByDescending(static f => f.LastWriteTimeUtc)
                .ThenByDescending(static f => f.Name, StringComparer.Ordinal)
                .FirstOrDefault()
            : null;
        return newest?.FullName
            ?? throw new ConnectionException($"No CSV file matches '{full}' (connector '{context.Connector}', connection '{name}').") { Kind = FailureKind.InputUnreadable };
    }
}
