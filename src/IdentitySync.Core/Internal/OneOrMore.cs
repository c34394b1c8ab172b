using System.Runtime.InteropServices;

namespace IdentitySync.Internal;

/// <summary>
/// One item or several, kept in a dictionary's value: almost always one (an owner's account of a type, the owner of an
/// employee id), so the first is kept inline and a list is made only for a second. A million lists and their arrays
/// held through a run cost it seconds of collections. Enumerated without allocating.
/// </summary>
/// <typeparam name="T">The item.</typeparam>
internal struct OneOrMore<T>
{
    private T _first;
    private List<T>? _more;
    private bool _any;

    /// <summary>Gets how many items there are.</summary>
    public readonly int Count => _any ? 1 + (_more?.Count ?? 0) : 0;

    /// <summary>Adds an item to the value of a key, which starts empty.</summary>
    /// <typeparam name="TKey">The dictionary's key.</typeparam>
    /// <param name="dictionary">The dictionary.</param>
    /// <param name="key">The key.</param>
    /// <param name="item">The item.</param>
    public static void Add<TKey>(Dictionary<TKey, OneOrMore<T>> dictionary, TKey key, T item)
        where TKey : notnull
    {
        ref var items = ref CollectionsMarshal.GetValueRefOrAddDefault(dictionary, key, out _);
        if (!items._any)
        {
            items._first = item;
            items._any = true;
        }
        else
        {
            (items._more ??= []).Add(item);
        }
    }

    public readonly Enumerator GetEnumerator() => new(this);

    /// <summary>Walks the first item, then the others, in the order they were added.</summary>
    public struct Enumerator(OneOrMore<T> items)
    {
        private int _index = -1;

        public readonly T Current => _index == 0 ? items._first : items._more![_index - 1];

        public bool MoveNext() => ++_index < items.Count;
    }
}
