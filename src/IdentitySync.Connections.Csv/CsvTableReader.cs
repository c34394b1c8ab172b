using System.Text;
using CsvHelper;

namespace IdentitySync.Connections.Csv;

/// <summary>Streams a CSV file's requested columns as UTF-8 fields, with each record's first line.</summary>
internal sealed class CsvTableReader : IExportTableReader
{
    private readonly CsvReader _reader;
    private readonly int[] _indexes;
    private readonly byte[] _trim;
    private readonly long _lineOffset;

    private CsvTableReader(CsvReader reader, string source, int[] indexes, IReadOnlyList<string> missing, byte[] trim, long lineOffset)
    {
        _reader = reader;
        Source = source;
        _indexes = indexes;
        MissingColumns = missing;
        _trim = trim;
        _lineOffset = lineOffset;
    }

    public string Source { get; }

    public IReadOnlyList<string> MissingColumns { get; }

    public static CsvTableReader Open(string file, string source, CsvConnectionSettings settings, ExportRequest request)
    {
        var options = new CsvReaderOptions
        {
            Separator = settings.Separator,
            HasHeader = true,
            Mode = CsvMode.Rfc4180,
            AllowLineBreaksInQuotes = true,
            TrackLineNumbers = true,
            TrimWhitespace = false,
            MalformedData = CsvMalformedDataHandling.Throw,
            FieldCountMismatch = CsvFieldCountHandling.Throw,
        };

        CsvReader reader;
        try
        {
            if (settings.LinesToSkip == 0 && settings.Encoding is UTF8Encoding)
            {
                reader = CsvReader.FromFile(file, options);
            }
            else
            {
                var text = new StreamReader(file, settings.Encoding, detectEncodingFromByteOrderMarks: true);
                for (var i = 0; i < settings.LinesToSkip && text.ReadLine() is not null; i++)
                {
                }

                reader = CsvReader.Create(text, options, false);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or CsvFormatException)
        {
            throw new ConnectionException($"{source}: cannot be read: {exception.Message}", exception) { Kind = FailureKind.InputUnreadable };
        }

        IReadOnlyList<string> headers;
        try
        {
            headers = reader.Headers;
        }
        catch (CsvFormatException exception)
        {
            reader.Dispose();
            throw new ConnectionException($"{source}: the header row cannot be read: {exception.Message} Nothing was applied; fix the file and synchronize again.", exception) { Kind = FailureKind.InputUnreadable };
        }

        if (headers.Count == 0)
        {
            reader.Dispose();
            throw new ConnectionException($"{source}: has no header row; the first line (after LinesToSkip) must name the columns.") { Kind = FailureKind.InputUnreadable };
        }

        var indexes = new int[request.Columns.Count];
        var missing = new List<string>();
        for (var i = 0; i < request.Columns.Count; i++)
        {
            var matches = headers.Select((h, index) => (h, index))
                .Where(x => x.h.Trim().Length > 0 && string.Equals(x.h.Trim(), request.Columns[i], StringComparison.OrdinalIgnoreCase))
                .Select(static x => x.index)
                .ToList();
            if (matches.Count > 1)
            {
                reader.Dispose();
                throw new ConnectionException($"{source}: column '{request.Columns[i]}' appears {matches.Count} times in the header; each column must be named once.") { Kind = FailureKind.InputUnreadable };
            }

            indexes[i] = matches.Count == 1 ? matches[0] : -1;
            if (indexes[i] < 0)
            {
                missing.Add(request.Columns[i]);
            }
        }

        var unnamed = headers.Select((h, index) => (h, index)).Where(static x => x.h.Trim().Length == 0).Select(static x => x.index + 1).ToList();
        if (missing.Count > 0 && unnamed.Count > 0)
        {
            // A column the mappings need is missing where the header has a hole: say so, rather than only that it is missing.
            reader.Dispose();
            throw new ConnectionException($"{source}: the header has no name for column {string.Join(", ", unnamed)}, and the mappings need {string.Join(", ", missing.Select(static c => $"'{c}'"))}; name every column in the first line.") { Kind = FailureKind.InputUnreadable };
        }

        return new CsvTableReader(reader, source, indexes, missing, Encoding.ASCII.GetBytes(settings.ValuesToTrim), settings.LinesToSkip);
    }

    public async ValueTask<bool> ReadAsync(RowBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        cancellationToken.ThrowIfCancellationRequested();
        batch.Clear();
        try
        {
            while (!batch.IsFull && await _reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                batch.BeginRow(_reader.LineNumber + _lineOffset);
                foreach (var index in _indexes)
                {
                    batch.AddField(index < 0 ? default : _reader.GetSpan(index).Trim(_trim));
                }

                batch.EndRow();
            }
        }
        catch (CsvFormatException exception)
        {
            throw new ConnectionException($"{Source}: {exception.Message} Nothing was applied; fix the file and synchronize again.", exception) { Kind = FailureKind.InputUnreadable };
        }

        return batch.Count > 0;
    }

    public ValueTask DisposeAsync() => _reader.DisposeAsync();
}
