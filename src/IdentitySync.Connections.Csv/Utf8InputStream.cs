using System.Text;

namespace IdentitySync.Connections.Csv;

/// <summary>
/// A file's bytes as UTF-8 for the CSV reader: a byte order mark picks the encoding (it takes precedence over
/// the setting) and is dropped, other encodings are transcoded, and the first lines can be skipped. Bytes
/// that are not text in the encoding come out as the byte 0xFF, which is never valid UTF-8, so the engine
/// quarantines the row that holds them (with its line and column) instead of storing replacement characters.
/// UTF-8 input passes through untouched: its invalid bytes reach the engine as they are.
/// </summary>
internal sealed class Utf8InputStream : Stream
{
    // What a decoder puts where the input is not text; turned into 0xFF on the way out. U+FFFF is a
    // noncharacter, never text in an export, so one met in the input is reported as invalid too.
    private const char Invalid = '\uFFFF';

    private readonly Stream _source;
    private readonly Decoder? _decoder;
    private readonly Encoder _encoder = new UTF8Encoding(false).GetEncoder();
    private readonly byte[] _input = new byte[64 * 1024];
    private readonly char[] _chars;
    private readonly byte[] _output;
    private int _start;
    private int _end;
    private bool _ended;
    private int _linesToSkip;
    private bool _afterCarriageReturn;

    private Utf8InputStream(Stream source, Encoding? encoding, int linesToSkip)
    {
        _source = source;
        _linesToSkip = linesToSkip;
        if (encoding is not null)
        {
            var marking = (Encoding)encoding.Clone();
            marking.DecoderFallback = new DecoderReplacementFallback(Invalid.ToString());
            _decoder = marking.GetDecoder();
        }

        _chars = new char[(encoding?.GetMaxCharCount(_input.Length) ?? 0) + 2];
        _output = new byte[Math.Max(_input.Length, (_chars.Length * 3) + 4)];
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Whether a file must go through this stream: it has a byte order mark other than UTF-8's, is not UTF-8, or has lines to skip.</summary>
    /// <param name="file">The file.</param>
    /// <param name="encoding">The configured encoding.</param>
    /// <param name="linesToSkip">The lines before the header.</param>
    public static bool IsNeeded(string file, Encoding encoding, int linesToSkip)
    {
        if (linesToSkip > 0 || encoding is not UTF8Encoding)
        {
            return true;
        }

        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
        Span<byte> head = stackalloc byte[4];
        var read = stream.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        return Detect(head[..read], out _) is { } found && found is not UTF8Encoding;
    }

    /// <summary>Opens a file.</summary>
    /// <param name="file">The file.</param>
    /// <param name="encoding">The configured encoding, used when the file has no byte order mark.</param>
    /// <param name="linesToSkip">The lines dropped before the header.</param>
    public static Utf8InputStream Open(string file, Encoding encoding, int linesToSkip)
    {
        var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        try
        {
            Span<byte> head = stackalloc byte[4];
            var read = stream.ReadAtLeast(head, 4, throwOnEndOfStream: false);
            var effective = Detect(head[..read], out var bomLength) ?? encoding;
            stream.Position = bomLength;
            return new Utf8InputStream(stream, effective is UTF8Encoding ? null : effective, linesToSkip);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (true)
        {
            if (_start < _end)
            {
                var count = Math.Min(buffer.Length, _end - _start);
                _output.AsSpan(_start, count).CopyTo(buffer);
                _start += count;
                return count;
            }

            if (_ended)
            {
                return 0;
            }

            Fill();
            SkipLines();
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _source.Dispose();
        }

        base.Dispose(disposing);
    }

    private static Encoding? Detect(ReadOnlySpan<byte> head, out int length)
    {
        (Encoding? encoding, length) = head switch
        {
            [0xEF, 0xBB, 0xBF, ..] => (new UTF8Encoding(false), 3),
            [0xFF, 0xFE, 0x00, 0x00] => (new UTF32Encoding(bigEndian: false, byteOrderMark: false), 4),
            [0x00, 0x00, 0xFE, 0xFF] => (new UTF32Encoding(bigEndian: true, byteOrderMark: false), 4),
            [0xFF, 0xFE, ..] => (new UnicodeEncoding(bigEndian: false, byteOrderMark: false), 2),
            [0xFE, 0xFF, ..] => (new UnicodeEncoding(bigEndian: true, byteOrderMark: false), 2),
            _ => ((Encoding?)null, 0),
        };
        return encoding;
    }

    private void Fill()
    {
        _start = 0;
        _end = 0;
        var read = _source.Read(_input);
        _ended = read == 0;
        if (_decoder is null)
        {
            _input.AsSpan(0, read).CopyTo(_output);
            _end = read;
            return;
        }

        _decoder.Convert(_input.AsSpan(0, read), _chars, flush: _ended, out _, out var charCount, out _);
        var chars = _chars.AsSpan(0, charCount);
        while (true)
        {
            var invalid = chars.IndexOf(Invalid);
            var text = invalid < 0 ? chars : chars[..invalid];
            _encoder.Convert(text, _output.AsSpan(_end), flush: invalid >= 0 || _ended, out _, out var written, out _);
            _end += written;
            if (invalid < 0)
            {
                return;
            }

            _output[_end++] = 0xFF;
            chars = chars[(invalid + 1)..];
        }
    }

    /// <summary>Drops the lines before the header (CR, LF and CR LF each end one).</summary>
    private void SkipLines()
    {
        while (_start < _end && (_linesToSkip > 0 || _afterCarriageReturn))
        {
            var b = _output[_start];
            if (_afterCarriageReturn)
            {
                _afterCarriageReturn = false;
                if (b == (byte)'\n')
                {
                    _start++;
                }

                continue;
            }

            _start++;
            if (b is (byte)'\n' or (byte)'\r')
            {
                _linesToSkip--;
                _afterCarriageReturn = b == (byte)'\r';
            }
        }
    }
}
