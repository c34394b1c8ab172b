using System.Buffers;
using System.Text;

namespace IdentitySync.Internal;

/// <summary>
/// Gives each distinct UTF-8 text a dense ordinal, allocating a string only the first time a text is
/// seen: a membership export repeats the same member and group names millions of times.
/// </summary>
internal sealed class TextInterner
{
    private const int StackLimit = 256;
    private readonly Dictionary<string, int> _ordinals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly List<string> _texts = [];

    public TextInterner() => _lookup = _ordinals.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Gets the number of distinct texts.</summary>
    public int Count => _texts.Count;

    /// <summary>Gets the text of an ordinal.</summary>
    public string this[int ordinal] => _texts[ordinal];

    /// <summary>Returns the ordinal of a UTF-8 text, adding it when new.</summary>
    public int Intern(ReadOnlySpan<byte> utf8)
    {
        var max = Encoding.UTF8.GetMaxCharCount(utf8.Length);
        char[]? rented = null;
        var buffer = max <= StackLimit ? stackalloc char[StackLimit] : (rented = ArrayPool<char>.Shared.Rent(max));
        try
        {
            var text = buffer[..Encoding.UTF8.GetChars(utf8, buffer)];
            if (_lookup.TryGetValue(text, out var ordinal))
            {
                return ordinal;
            }

            var added = text.ToString();
            ordinal = _texts.Count;
            _texts.Add(added);
            _ordinals.Add(added, ordinal);
            return ordinal;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Returns the ordinal of a text, adding it when new.</summary>
    public int Intern(string text)
    {
        if (_ordinals.TryGetValue(text, out var ordinal))
        {
            return ordinal;
        }

        ordinal = _texts.Count;
        _texts.Add(text);
        _ordinals.Add(text, ordinal);
        return ordinal;
    }

    /// <summary>Returns the ordinal of a text, or -1 when it was never added.</summary>
    public int Find(string text) => _ordinals.TryGetValue(text, out var ordinal) ? ordinal : -1;
}

/// <summary>Packs two 32-bit ordinals into one sortable 64-bit value: a link as one number.</summary>
internal static class OrdinalPair
{
    public static long Pack(int first, int second) => ((long)first << 32) | (uint)second;

    public static int First(long pair) => (int)(pair >> 32);

    public static int Second(long pair) => (int)(uint)pair;
}
