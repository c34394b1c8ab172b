using System.Runtime.InteropServices;
using System.Text;

namespace IdentitySync.Internal;

/// <summary>
/// Gives each distinct UTF-8 text a dense ordinal without decoding it: the bytes are hashed (XXH3, the fastest
/// on short texts; nothing keeps the hash), compared with the first text of that hash, and kept in one arena. A string exists only for the texts
/// someone asks for by ordinal. A membership export repeats a million member names ten times each.
/// </summary>
internal sealed class Utf8Interner
{
    private readonly Hasher _hash;
    private readonly Dictionary<ulong, int> _byHash = [];
    private readonly Dictionary<string, int> _collided = new(StringComparer.Ordinal);
    private readonly List<(int Offset, int Length)> _spans = [];
    private readonly List<string?> _texts = [];
    private byte[] _arena = new byte[1 << 16];
    private int _used;

    // The ordinal Intern returned last: exports list a group's members or a member's groups together, so most
    // texts are the previous row's, found without hashing.
    private int _last = -1;

    public Utf8Interner()
        : this(static bytes => System.IO.Hashing.XxHash3.HashToUInt64(bytes))
    {
    }

    /// <summary>Initializes an interner with another hash function (tests force collisions with it).</summary>
    internal Utf8Interner(Hasher hash) => _hash = hash;

    internal delegate ulong Hasher(ReadOnlySpan<byte> bytes);

    /// <summary>Gets the number of distinct texts.</summary>
    public int Count => _spans.Count;

    /// <summary>Gets the text of an ordinal (decoded once, on first request).</summary>
    public string this[int ordinal] => _texts[ordinal] ??= Encoding.UTF8.GetString(Bytes(ordinal));

    /// <summary>Returns the ordinal of the text <see cref="Intern"/> was last given when it is this one, otherwise -1.</summary>
    public int Repeated(ReadOnlySpan<byte> utf8) => _last >= 0 && Bytes(_last).SequenceEqual(utf8) ? _last : -1;

    /// <summary>Returns the ordinal of a UTF-8 text, adding it when new; ask <see cref="Repeated"/> first for a text that is often the previous one.</summary>
    public int Intern(ReadOnlySpan<byte> utf8) => _last = Find(utf8);

    private int Find(ReadOnlySpan<byte> utf8)
    {
        var hash = _hash(utf8);
        ref var first = ref CollectionsMarshal.GetValueRefOrAddDefault(_byHash, hash, out var exists);
        if (!exists)
        {
            first = Add(utf8);
            return first;
        }

        var ordinal = first;
        if (Bytes(ordinal).SequenceEqual(utf8))
        {
            return ordinal;
        }

        // Another text has this hash (rare with 64 bits): texts after the first go by their text.
        var text = Encoding.UTF8.GetString(utf8);
        if (!_collided.TryGetValue(text, out ordinal))
        {
            ordinal = Add(utf8);
            _collided[text] = ordinal;
            _texts[ordinal] = text;
        }

        return ordinal;
    }

    private ReadOnlySpan<byte> Bytes(int ordinal)
    {
        var (offset, length) = _spans[ordinal];
        return _arena.AsSpan(offset, length);
    }

    private int Add(ReadOnlySpan<byte> utf8)
    {
        if (_used + utf8.Length > _arena.Length)
        {
            Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _used + utf8.Length));
        }

        utf8.CopyTo(_arena.AsSpan(_used));
        _spans.Add((_used, utf8.Length));
        _used += utf8.Length;
        _texts.Add(null);
        return _spans.Count - 1;
    }
}
