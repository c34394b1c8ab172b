using System.Text;

namespace IdentitySync.Internal;

/// <summary>
/// Gives each distinct UTF-8 text a dense ordinal without decoding it: the bytes are hashed (XXH3, the fastest
/// on short texts; nothing keeps the hash), found in a table of slots, compared with the text of the slot, and kept in
/// one arena. A string exists only for the texts someone asks for by ordinal. A membership export repeats a million
/// member names ten times each, and names one of 20,000 groups on every row.
/// </summary>
/// <remarks>
/// The slots are open-addressed (linear probing in a power-of-two array at most two-thirds full), each one number: the
/// high half of the text's hash and its ordinal plus one (0 is an empty slot). A lookup reads one slot, rarely two, and
/// compares the text of a slot whose hash half matches; texts with one hash are told apart by their bytes. A dictionary
/// of hashes spent about 70 ns a row on the groups of a membership file (its entries, the texts' spans and the arena
/// out of the core's cache); the slots of 20,000 texts fit in it.
/// </remarks>
internal sealed class Utf8Interner
{
    private readonly Hasher _hash;
    private readonly List<(int Offset, int Length)> _spans = [];
    private readonly List<string?> _texts = [];
    private long[] _slots = new long[1024];
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

    /// <summary>Returns the ordinal of a UTF-8 text, or -1 when it was never interned; changes nothing (threads may ask at once).</summary>
    public int IndexOf(ReadOnlySpan<byte> utf8) => Probe(utf8, _hash(utf8), out _);

    private int Find(ReadOnlySpan<byte> utf8)
    {
        var hash = _hash(utf8);
        var found = Probe(utf8, hash, out var empty);
        if (found >= 0)
        {
            return found;
        }

        var ordinal = Add(utf8);
        _slots[empty] = Slot((uint)(hash >> 32), ordinal);
        if (_spans.Count * 3 > _slots.Length * 2)
        {
            Grow();
        }

        return ordinal;
    }

    /// <summary>Finds a text's slot: its ordinal, or -1 with the empty slot where it would go.</summary>
    private int Probe(ReadOnlySpan<byte> utf8, ulong hash, out int empty)
    {
        var tag = (uint)(hash >> 32);
        var mask = _slots.Length - 1;
        for (var i = (int)hash & mask; ; i = (i + 1) & mask)
        {
            var slot = _slots[i];
            if (slot == 0)
            {
                empty = i;
                return -1;
            }

            if ((uint)(slot >> 32) == tag && Bytes((int)(uint)slot - 1).SequenceEqual(utf8))
            {
                empty = -1;
                return (int)(uint)slot - 1;
            }
        }
    }

    private static long Slot(uint tag, int ordinal) => ((long)tag << 32) | (uint)(ordinal + 1);

    /// <summary>
    /// Makes room for this many texts in all: slots enough to stay two-thirds full and lists that need not grow, so that a
    /// run sized from an estimate places its texts once instead of again at every doubling.
    /// </summary>
    /// <param name="count">The distinct texts expected in all.</param>
    public void EnsureCapacity(int count)
    {
        _spans.EnsureCapacity(count);
        _texts.EnsureCapacity(count);
        var length = _slots.Length;
        while ((long)count * 3 > (long)length * 2 && length < (1 << 30))
        {
            length *= 2;
        }

        if (length > _slots.Length)
        {
            Grow(length);
        }
    }

    /// <summary>Doubles the slots and places every text again (its hash computed again: nothing keeps it).</summary>
    private void Grow() => Grow(_slots.Length * 2);

    /// <summary>Takes this many slots and places every text again.</summary>
    private void Grow(int length)
    {
        var slots = new long[length];
        var mask = slots.Length - 1;
        for (var ordinal = 0; ordinal < _spans.Count; ordinal++)
        {
            var hash = _hash(Bytes(ordinal));
            var i = (int)hash & mask;
            while (slots[i] != 0)
            {
                i = (i + 1) & mask;
            }

            slots[i] = Slot((uint)(hash >> 32), ordinal);
        }

        _slots = slots;
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
