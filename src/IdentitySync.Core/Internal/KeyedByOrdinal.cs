using System.Diagnostics.CodeAnalysis;

namespace IdentitySync.Internal;

/// <summary>
/// Items by key, where the key's ordinal in a shared <see cref="TextInterner"/> is the slot: the stored
/// resources and the rows read of an entity type share one interner, so that a row finds its stored
/// resource, and the diff finds both, without hashing its key again. Enumerates in the order items were
/// first set.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
internal sealed class KeyedByOrdinal<T>(TextInterner keys)
    where T : class
{
    private readonly List<int> _order = [];
    private T?[] _items = [];

    /// <summary>Gets the number of items.</summary>
    public int Count => _order.Count;

    /// <summary>Gets the items, in the order they were first set.</summary>
    public IEnumerable<T> Values
    {
        get
        {
            foreach (var ordinal in _order)
            {
                yield return _items[ordinal]!;
            }
        }
    }

    /// <summary>Gets the items with their key's ordinal, in the order they were first set.</summary>
    public IEnumerable<(int Ordinal, T Item)> Entries
    {
        get
        {
            foreach (var ordinal in _order)
            {
                yield return (ordinal, _items[ordinal]!);
            }
        }
    }

    /// <summary>Gets the item of a key ordinal, or null.</summary>
    /// <param name="ordinal">The key's ordinal in the shared interner.</param>
    public T? this[int ordinal] => (uint)ordinal < (uint)_items.Length ? _items[ordinal] : null;

    /// <summary>Sets the item of a key ordinal (the key must have been interned).</summary>
    /// <param name="ordinal">The key's ordinal in the shared interner.</param>
    /// <param name="item">The item.</param>
    public void Set(int ordinal, T item)
    {
        if (ordinal >= _items.Length)
        {
            Array.Resize(ref _items, Math.Max(Math.Max(16, _items.Length * 2), keys.Count));
        }

        if (_items[ordinal] is null)
        {
            _order.Add(ordinal);
        }

        _items[ordinal] = item;
    }

    /// <summary>Sets the item of a key, interning the key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="item">The item.</param>
    public void Set(string key, T item) => Set(keys.Intern(key), item);

    /// <summary>Removes every item and lets go of the slots.</summary>
    public void Clear()
    {
        _items = [];
        _order.Clear();
        _order.TrimExcess();
    }

    /// <summary>Finds the item of a key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="item">The item, when found.</param>
    /// <returns>Whether the key has an item.</returns>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out T item)
    {
        item = this[keys.Find(key)];
        return item is not null;
    }

    /// <summary>Finds the item of a key.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The item, or null.</returns>
    public T? GetValueOrDefault(string key) => this[keys.Find(key)];

    /// <summary>Tells whether a key has an item.</summary>
    /// <param name="key">The key.</param>
    /// <returns>Whether the key has an item.</returns>
    public bool ContainsKey(string key) => this[keys.Find(key)] is not null;
}
