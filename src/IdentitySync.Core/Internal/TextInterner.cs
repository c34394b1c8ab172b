using System.Runtime.InteropServices;

namespace IdentitySync.Internal;

/// <summary>Gives each distinct text a dense ordinal (the keys links name, so that a link is a pair of numbers).</summary>
internal sealed class TextInterner
{
    private readonly Dictionary<string, int> _ordinals = new(StringComparer.Ordinal);
    private readonly List<string> _texts = [];

    /// <summary>Gets the number of distinct texts.</summary>
    public int Count => _texts.Count;

    /// <summary>Gets every text, by ordinal: the same list instance for the interner's life.</summary>
    public IReadOnlyList<string> Texts => _texts;

    /// <summary>Gets the text of an ordinal.</summary>
    public string this[int ordinal] => _texts[ordinal];

    /// <summary>Returns the ordinal of a text, adding it when new.</summary>
    public int Intern(string text)
    {
        // One hash of the text, whether it is new or not.
        ref var ordinal = ref CollectionsMarshal.GetValueRefOrAddDefault(_ordinals, text, out var exists);
        if (!exists)
        {
            ordinal = _texts.Count;
            _texts.Add(text);
        }

        return ordinal;
    }

    /// <summary>Makes room for this many texts in all, so that adding them grows nothing (a run sized from an estimate).</summary>
    /// <param name="count">The texts expected in all.</param>
    public void EnsureCapacity(int count)
    {
        _ordinals.EnsureCapacity(count);
        _texts.EnsureCapacity(count);
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
