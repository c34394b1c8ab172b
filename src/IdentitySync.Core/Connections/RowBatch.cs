using System.Text;
using System.Buffers;

namespace IdentitySync.Connections;

/// <summary>
/// A reusable batch of exported rows: every field of every row is UTF-8 bytes in one pooled buffer,
/// so the engine can digest rows without a string per field and decode only the rows that changed.
/// A reader fills it with <see cref="BeginRow"/>, <see cref="AddField(ReadOnlySpan{byte})"/> (or its text overload) and <see cref="EndRow"/>.
/// </summary>
public sealed class RowBatch : IDisposable
{
    private byte[] _bytes;
    private int[] _fieldEnds;
    private long[] _lines;
    private int _byteCount;
    private int _fieldCount;
    private int _fieldsInRow;

    /// <summary>Initializes a new instance of the <see cref="RowBatch"/> class.</summary>
    /// <param name="columnCount">The number of fields in every row: the columns the engine asked for.</param>
    /// <param name="capacity">The number of rows a reader should put in one batch.</param>
    public RowBatch(int columnCount, int capacity = 4096)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columnCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ColumnCount = columnCount;
        Capacity = capacity;
        _bytes = ArrayPool<byte>.Shared.Rent(capacity * columnCount * 16);
        _fieldEnds = ArrayPool<int>.Shared.Rent(capacity * columnCount);
        _lines = ArrayPool<long>.Shared.Rent(capacity);
    }

    /// <summary>Gets the number of fields in every row.</summary>
    public int ColumnCount { get; }

    /// <summary>Gets the number of rows a reader should put in one batch.</summary>
    public int Capacity { get; }

    /// <summary>Gets the number of complete rows in the batch.</summary>
    public int Count { get; private set; }

    /// <summary>Gets a value indicating whether the batch holds <see cref="Capacity"/> rows.</summary>
    public bool IsFull => Count >= Capacity;

    /// <summary>Empties the batch, keeping its buffers.</summary>
    public void Clear()
    {
        Count = 0;
        _byteCount = 0;
        _fieldCount = 0;
        _fieldsInRow = 0;
    }

    /// <summary>Starts a row.</summary>
    /// <param name="lineNumber">The row's first line in the source, for reports (1 is the first line of the file).</param>
    public void BeginRow(long lineNumber)
    {
        if (Count == _lines.Length)
        {
            Grow(ref _lines, Count + 1);
        }

        _lines[Count] = lineNumber;
        _fieldsInRow = 0;
    }

    /// <summary>Adds the next field of the current row.</summary>
    /// <param name="utf8">The field's unescaped UTF-8 bytes.</param>
    public void AddField(ReadOnlySpan<byte> utf8)
    {
        utf8.CopyTo(Reserve(utf8.Length));
        Commit(utf8.Length);
    }

    /// <summary>Adds the next field of the current row from text, encoded to UTF-8 straight into the batch (no array per field).</summary>
    /// <param name="text">The field's text.</param>
    public void AddField(ReadOnlySpan<char> text)
    {
        var written = Encoding.UTF8.GetBytes(text, Reserve(Encoding.UTF8.GetMaxByteCount(text.Length)));
        Commit(written);
    }

    /// <summary>Room for the next field's bytes, at most <paramref name="length"/>.</summary>
    private Span<byte> Reserve(int length)
    {
        if (_fieldsInRow == ColumnCount)
        {
            throw new InvalidOperationException($"A row of this batch has {ColumnCount} fields; a reader added one more.");
        }

        if (_byteCount + length > _bytes.Length)
        {
            Grow(ref _bytes, _byteCount + length);
        }

        if (_fieldCount == _fieldEnds.Length)
        {
            Grow(ref _fieldEnds, _fieldCount + 1);
        }

        return _bytes.AsSpan(_byteCount, length);
    }

    /// <summary>Ends the field whose <paramref name="length"/> bytes were written where <see cref="Reserve"/> said.</summary>
    private void Commit(int length)
    {
        _byteCount += length;
        _fieldEnds[_fieldCount++] = _byteCount;
        _fieldsInRow++;
    }

    /// <summary>Completes the current row.</summary>
    /// <exception cref="InvalidOperationException">The row has fewer fields than <see cref="ColumnCount"/>.</exception>
    public void EndRow()
    {
        if (_fieldsInRow != ColumnCount)
        {
            throw new InvalidOperationException($"A row of this batch has {ColumnCount} fields; a reader added {_fieldsInRow}.");
        }

        Count++;
    }

    /// <summary>Gets a field's UTF-8 bytes.</summary>
    /// <param name="row">The row's index in the batch.</param>
    /// <param name="column">The column's index among the requested columns.</param>
    /// <returns>The bytes, valid until the batch is cleared.</returns>
    public ReadOnlySpan<byte> GetField(int row, int column)
    {
        var index = (row * ColumnCount) + column;
        var start = index == 0 ? 0 : _fieldEnds[index - 1];
        return _bytes.AsSpan(start, _fieldEnds[index] - start);
    }

    /// <summary>Gets a row's fields end to end: the bytes of its first field through those of its last.</summary>
    /// <param name="row">The row's index in the batch.</param>
    /// <returns>The bytes, valid until the batch is cleared.</returns>
    internal ReadOnlySpan<byte> GetRowBytes(int row)
    {
        if (ColumnCount == 0)
        {
            return [];
        }

        var first = row * ColumnCount;
        var start = first == 0 ? 0 : _fieldEnds[first - 1];
        return _bytes.AsSpan(start, _fieldEnds[first + ColumnCount - 1] - start);
    }

    /// <summary>Gets a row's source line.</summary>
    /// <param name="row">The row's index in the batch.</param>
    /// <returns>The line number the reader gave.</returns>
    public long GetLineNumber(int row) => _lines[row];

    /// <inheritdoc />
    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_bytes);
        ArrayPool<int>.Shared.Return(_fieldEnds);
        ArrayPool<long>.Shared.Return(_lines);
        _bytes = [];
        _fieldEnds = [];
        _lines = [];
    }

    private static void Grow<T>(ref T[] array, int needed)
    {
        var larger = ArrayPool<T>.Shared.Rent(Math.Max(needed, array.Length * 2));
        array.AsSpan().CopyTo(larger);
        ArrayPool<T>.Shared.Return(array);
        array = larger;
    }
}
