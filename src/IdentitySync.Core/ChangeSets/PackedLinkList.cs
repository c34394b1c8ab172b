using System.Collections;
using IdentitySync.Internal;

namespace IdentitySync.ChangeSets;

/// <summary>
/// A change set's links as packed ordinal pairs, each named by its keys only when read: a complete load
/// of ten million memberships holds ten million numbers instead of ten million objects until it is written.
/// A writer that reads them as <see cref="INumberedLinks"/> never names them at all.
/// </summary>
internal sealed class PackedLinkList : INumberedLinks
{
    private readonly List<long> _links;
    private readonly TextInterner _firstKeys;
    private readonly TextInterner _secondKeys;
    private readonly int _start;

    public PackedLinkList(List<long> links, TextInterner firstKeys, TextInterner secondKeys)
        : this(links, firstKeys, secondKeys, 0, links.Count)
    {
    }

    private PackedLinkList(List<long> links, TextInterner firstKeys, TextInterner secondKeys, int start, int count)
    {
        _links = links;
        _firstKeys = firstKeys;
        _secondKeys = secondKeys;
        _start = start;
        Count = count;
    }

    public int Count { get; }

    public IReadOnlyList<string> FirstKeys => _firstKeys.Texts;

    public IReadOnlyList<string> SecondKeys => _secondKeys.Texts;

    public LinkChange this[int index] => new(_firstKeys[FirstOrdinal(index)], _secondKeys[SecondOrdinal(index)]);

    public int FirstOrdinal(int index) => OrdinalPair.First(Link(index));

    public int SecondOrdinal(int index) => OrdinalPair.Second(Link(index));

    /// <summary>Splits the list into chunks of at most <paramref name="size"/> links, each packed as this one, over the same keys.</summary>
    public IEnumerable<PackedLinkList> Chunk(int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        for (var start = 0; start < Count; start += size)
        {
            yield return new PackedLinkList(_links, _firstKeys, _secondKeys, _start + start, Math.Min(size, Count - start));
        }
    }

    public IEnumerator<LinkChange> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private long Link(int index) => (uint)index < (uint)Count
        ? _links[_start + index]
        : throw new ArgumentOutOfRangeException(nameof(index), index, $"The list holds {Count} links.");
}
