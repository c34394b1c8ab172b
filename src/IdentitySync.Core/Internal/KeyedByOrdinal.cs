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

    /// <summary>Makes room for items of ordinals up to this count, so that setting them grows nothing.</summary>
    /// <param name="count">The ordinals expected in all.</param>
    public void EnsureCapacity(int count)
    {
        if (count > _items.Length)
        {
            Array.Resize(ref _items, count);
        }

        _order.EnsureCapacity(count);
    }

    /// <summary>Removes every item and lets go of the slots.</summary>
    public void Clear()
    {
        _items = [];
        _order.Clear();
        _order.TrimExcess();
    }
}
