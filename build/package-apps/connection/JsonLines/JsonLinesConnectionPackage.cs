using System.IO.Hashing;
using System.Text.Json;
using IdentitySync;
using IdentitySync.Connections;
using IdentitySync.Model;

namespace Contoso.Connections.JsonLines;

/// <summary>Exports tables from JSON Lines files: one object per line; the first line's properties are the columns.</summary>
public sealed class JsonLinesConnectionPackage : IConnectionPackage
{
    public string Id => "JsonLines";

    public ConnectionCapabilities Capabilities => ConnectionCapabilities.ExportComplete;

    public IReadOnlyList<ConnectionSetting> Settings { get; } =
        [new("Directory", "The folder of the <table>.jsonl files.", isRequired: true, type: ConnectionSettingType.Path)];

    // The declared settings are checked by the engine; a package adds here what they cannot say.
    public IReadOnlyList<string> ValidateSettings(Connection connection) => [];

    public IExportConnection CreateExportConnection(Connection connection, ConnectionContext context) =>
        new Export(Path.GetFullPath(connection.Settings["Directory"], context.BaseDirectory));

    private sealed class Export(string directory) : IExportConnection
    {
        public ValueTask<IExportTableReader> OpenTableAsync(ExportRequest request, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IExportTableReader>(new Reader(PathOf(request), request.Columns));

        // Equal bytes read as equal rows: the engine then skips an unchanged file.
        public async ValueTask<string?> GetFingerprintAsync(ExportRequest request, CancellationToken cancellationToken) =>
            Convert.ToHexString(XxHash64.Hash(await File.ReadAllBytesAsync(PathOf(request), cancellationToken)));

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private string PathOf(ExportRequest request)
        {
            var path = Path.Combine(directory, request.Table + ".jsonl");
            return File.Exists(path) ? path : throw new ConnectionException($"{path}: no file for table '{request.Table}'") { Kind = FailureKind.InputUnreadable };
        }
    }

    private sealed class Reader : IExportTableReader
    {
        private readonly IEnumerator<string> _lines;
        private readonly IReadOnlyList<string> _columns;
        private long _line;

        public Reader(string path, IReadOnlyList<string> columns)
        {
            (Source, _columns, _lines) = (path, columns, File.ReadLines(path).GetEnumerator());
            using var first = File.ReadLines(path).FirstOrDefault() is { } line ? Parse(line, 1) : null;
            MissingColumns = first is null ? [] : [.. columns.Where(c => !first.RootElement.TryGetProperty(c, out _))];
        }

        public string Source { get; }

        public IReadOnlyList<string> MissingColumns { get; }

        public ValueTask<bool> ReadAsync(RowBatch batch, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            batch.Clear();
            while (!batch.IsFull && _lines.MoveNext())
            {
                _line++;
                if (string.IsNullOrWhiteSpace(_lines.Current))
                {
                    continue;
                }

                using var row = Parse(_lines.Current, _line);
                batch.BeginRow(_line);
                foreach (var column in _columns)
                {
                    batch.AddField(row.RootElement.TryGetProperty(column, out var value) ? Text(value) : string.Empty);
                }

                batch.EndRow();
            }

            return ValueTask.FromResult(batch.Count > 0);
        }

        public ValueTask DisposeAsync()
        {
            _lines.Dispose();
            return ValueTask.CompletedTask;
        }

        private JsonDocument Parse(string line, long number)
        {
            try
            {
                return JsonDocument.Parse(line) is { RootElement.ValueKind: JsonValueKind.Object } document ? document : throw new JsonException("not an object");
            }
            catch (JsonException exception)
            {
                throw new ConnectionException($"{Source}: line {number}: not a JSON object ({exception.Message})") { Kind = FailureKind.InputUnreadable };
            }
        }

        private static string Text(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Null => string.Empty,
            _ => value.GetRawText(),
        };
    }
}
