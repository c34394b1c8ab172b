using System.Collections;
using IdentitySync.Internal;

namespace IdentitySync.ChangeSets;

/// <summary>
/// A change set's links as packed ordinal pairs, each named by its keys only when read: a complete load
/// of ten million memberships holds ten million numbers instead of ten million objects until it is written.
/// </summary>
internal sealed class PackedLinkList(List<long> links, TextInterner firstKeys, TextInterner secondKeys) : IReadOnlyList<LinkChange>
{
    public int Count => links.Count;

    public LinkChange this[int index]
    {
        get
        {
            var link = links[index];
            return new LinkChange(firstKeys[OrdinalPair.First(link)], secondKeys[OrdinalPair.Second(link)]);
        }
    }

    public IEnumerator<LinkChange> GetEnumerator()
    {
        for (var i = 0; i < links.Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
