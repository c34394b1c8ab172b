using System.Text;
using CsvHelper;

namespace IdentitySync.Connections.Csv;

/// <summary>Streams a CSV file's requested columns as UTF-8 fields, with each record's first line.</summary>
internal sealed class CsvTableReader : IExportTableReader
{
    // A record is never buffered past this (an unclosed quote at the top of a large file): 256 MiB of UTF-8.
    private const int MaxRecordBytes = 256 << 20;

    private readonly CsvReader _reader;
    private readonly int[] _indexes;
    private readonly byte[] _trim;
    private readonly long _lineOffset;
    private readonly Malformed _malformed;

    // With TrailingSeparator, the number of fields a line has without its trailing separator; else -1 (the reader checks).
    private readonly int _fields;

    // The file's length when its bytes are the reader's (UTF-8 read in place) until the first batch estimates the rows
    // from it; 0 otherwise: the rows are not estimated (again).
    private long _fileLength;

    private CsvTableReader(CsvReader reader, string source, int[] indexes, IReadOnlyList<string> missing, byte[] trim, long lineOffset, Malformed malformed, int fields)
    {
        _reader = reader;
        Source = source;
        _indexes = indexes;
        MissingColumns = missing;
        _trim = trim;
        _lineOffset = lineOffset;
        _malformed = malformed;
        _fields = fields;
    }

    public string Source { get; }

    public IReadOnlyList<string> MissingColumns { get; }

    /// <summary>
    /// Gets the file's length divided by the bytes its first batch of records took, times their number, once that batch
    /// is read; null before, or when the file is read through a converting stream (other encodings, skipped lines).
    /// </summary>
    public long? EstimatedRowCount { get; private set; }

    /// <summary>Gets the file's columns, as its header row names them.</summary>
    public IReadOnlyList<string> Headers { get; private init; } = [];

    public static CsvTableReader Open(string file, string source, CsvConnectionSettings settings, ExportRequest request)
    {
        var malformed = new Malformed();
        var options = new CsvReaderOptions
        {
            Separator = settings.Separator,
            HasHeader = true,
            Mode = CsvMode.Rfc4180,
            AllowLineBreaksInQuotes = true,
            TrackLineNumbers = true,
            TrimWhitespace = false,
            MalformedData = settings.Quotes == CsvQuotes.Strict ? CsvMalformedDataHandling.Throw : CsvMalformedDataHandling.Recover,
            FieldCountMismatch = settings.TrailingSeparator ? CsvFieldCountHandling.Allow : CsvFieldCountHandling.Throw,
            MaxRecordSize = MaxRecordBytes,
            OnMalformedRecord = settings.Quotes == CsvQuotes.Lenient ? malformed.Note : null,
        };

        CsvReader reader;
        long fileLength = 0;
        try
        {
            // UTF-8 without lines to skip is read in place; other encodings, byte order marks other than
            // UTF-8's and skipped lines go through a stream that keeps invalid bytes invalid.
            if (Utf8InputStream.IsNeeded(file, settings.Encoding, settings.LinesToSkip))
            {
                reader = CsvReader.Create(Utf8InputStream.Open(file, settings.Encoding, settings.LinesToSkip), options, false);
            }
            else
            {
                reader = CsvReader.FromFile(file, options);
                fileLength = new FileInfo(file).Length;
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

        var fields = -1;
        if (settings.TrailingSeparator)
        {
            // A header that ends with the separator has one unnamed last column: the trailing one, not a column.
            fields = headers.Count > 1 && headers[^1].Trim().Length == 0 ? headers.Count - 1 : headers.Count;
            headers = [.. headers.Take(fields)];
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

        return new CsvTableReader(reader, source, indexes, missing, Encoding.ASCII.GetBytes(settings.ValuesToTrim), settings.LinesToSkip, malformed, fields)
        {
            Headers = [.. headers.Select(static h => h.Trim())],
            _fileLength = fileLength,
        };
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
                var line = _reader.LineNumber + _lineOffset;
                if (_malformed.Unterminated)
                {
                    throw new ConnectionException($"{Source}: line {line} opens a quoted field that is never closed, so the rest of the file would be one value. Nothing was applied; fix the file and synchronize again.") { Kind = FailureKind.InputUnreadable };
                }

                if (_fields >= 0 && _reader.FieldCount != _fields && !(_reader.FieldCount == _fields + 1 && _reader.IsEmpty(_fields)))
                {
                    throw new ConnectionException($"{Source}: line {line} has {_reader.FieldCount} fields where the header has {_fields} (one trailing separator is allowed). Nothing was applied; fix the file and synchronize again.") { Kind = FailureKind.InputUnreadable };
                }

                batch.BeginRow(line);
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

        if (_fileLength > 0 && batch.Count > 0 && _reader.ByteOffset > 0)
        {
            // The first batch's records against the bytes read so far (the header's too: an estimate).
            EstimatedRowCount = Math.Max(batch.Count, (long)((double)_fileLength * batch.Count / _reader.ByteOffset));
        }

        _fileLength = 0;
        return batch.Count > 0;
    }

    public ValueTask DisposeAsync() => _reader.DisposeAsync();

    /// <summary>What the lenient reader met: a quoted field never closed still stops the run.</summary>
    private sealed class Malformed
    {
        public bool Unterminated { get; private set; }

        public void Note(CsvMalformedRecord record)
        {
            if (record.Reason == CsvMalformedReason.UnterminatedQuote)
            {
                Unterminated = true;
            }
        }
    }
}
