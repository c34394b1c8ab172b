using System.Text;
using IdentitySync.Connections;
using IdentitySync.Internal;

namespace IdentitySync.Synchronization;

/// <summary>The unique keys of the rows read: which row holds each value, and which values several rows share.</summary>
internal sealed partial class EntityPreparer
{
    private void IndexUniqueKeys(RowBatch batch, int row, string key, int ordinal)
    {
        foreach (var index in _uniqueIndexes.Values)
        {
            var mappingIndex = index.MappingIndex;
            var value = batch.GetField(row, _columns[mappingIndex]);
            if (value.IsEmpty)
            {
                continue;
            }

            if (index.IsText)
            {
                // The field is the value's text: its bytes are the index's key, no string per row.
                if (index.Hold(value, ordinal, out var previous))
                {
                    Share(mappingIndex, index.TextOf(value), previous, key);
                }

                continue;
            }

            if (KeyText(value, mappingIndex, keepParsed: true, out _) is { } text && index.Hold(text, key, out var other))
            {
                Share(mappingIndex, text, other, key);
            }
        }
    }

    /// <summary>Records that a row holds a unique-key value another row of the run holds (or several already do).</summary>
    /// <param name="mappingIndex">The unique key's index among the mapping's properties.</param>
    /// <param name="value">The value's text.</param>
    /// <param name="previous">The key of the row that held it alone until now; null when several rows already do.</param>
    /// <param name="key">The key of the row that holds it now.</param>
    private void Share(int mappingIndex, string value, string? previous, string key)
    {
        if (!_sharedUniqueKeys.TryGetValue((mappingIndex, value), out var holders))
        {
            // The first time the value is shared: the row that held it alone comes first.
            _sharedUniqueKeys[(mappingIndex, value)] = holders = [previous!];
        }

        holders.Add(key);
    }

    /// <summary>
    /// One unique key's values in a run, each with the key of the row that holds it, or none once two rows share it.
    /// A text value compared as it is (the default format, with case) is kept as its UTF-8 bytes with the holder's key
    /// ordinal: a million rows make no string and no dictionary entry of their own. Other values (typed, formatted,
    /// compared without case) are kept by their canonical text.
    /// </summary>
    private sealed class UniqueKeyIndex(int mappingIndex, bool text, TextInterner keys)
    {
        // A text value's bytes, with the holder of each by its ordinal there: a key ordinal, or -1 once shared.
        private readonly List<int> _holders = [];
        private Utf8Interner? _texts = text ? new() : null;

        // Any other value by its canonical text, with its holder's key, or null once shared.
        private Dictionary<string, string?>? _values = text ? null : new(StringComparer.Ordinal);

        public int MappingIndex { get; } = mappingIndex;

        /// <summary>Gets a value indicating whether the values are kept as their bytes (<see cref="Hold(ReadOnlySpan{byte}, int, out string?)"/>).</summary>
        public bool IsText => _texts is not null;

        /// <summary>Makes room for this many values (a run sized from an estimate of its rows).</summary>
        public void EnsureCapacity(int count)
        {
            _texts?.EnsureCapacity(count);
            _holders.EnsureCapacity(count);
            _values?.EnsureCapacity(count);
        }

        /// <summary>Records that the row of a key ordinal holds a value given by its bytes.</summary>
        /// <param name="value">The value's UTF-8 bytes.</param>
        /// <param name="ordinal">The row's key ordinal.</param>
        /// <param name="previous">When another row held the value: its key, or null when several already did.</param>
        /// <returns>Whether another row held the value (it is shared from now on).</returns>
        public bool Hold(ReadOnlySpan<byte> value, int ordinal, out string? previous)
        {
            previous = null;
            var index = _texts!.Intern(value);
            if (index == _holders.Count)
            {
                _holders.Add(ordinal);
                return false;
            }

            var holder = _holders[index];
            if (holder == ordinal)
            {
                return false;
            }

            _holders[index] = -1;
            previous = holder < 0 ? null : keys[holder];
            return true;
        }

        /// <summary>Records that the row of a key holds a value given by its text, as <see cref="Hold(ReadOnlySpan{byte}, int, out string?)"/> does.</summary>
        public bool Hold(string value, string key, out string? previous)
        {
            previous = null;
            ref var holder = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_values!, value, out var seen);
            if (!seen || holder == key)
            {
                holder = key;
                return false;
            }

            previous = holder;
            holder = null;
            return true;
        }

        /// <summary>Gets the text of a value held as its bytes.</summary>
        public string TextOf(ReadOnlySpan<byte> value) => _texts![_texts.IndexOf(value)];

        /// <summary>Finds the key of the row holding a value (null when several do); false when no row holds it. Threads may ask at once.</summary>
        public bool TryFind(string value, out string? key)
        {
            if (_texts is null)
            {
                return _values!.TryGetValue(value, out key);
            }

            var bytes = Encoding.UTF8.GetByteCount(value) is var length && length <= 512 ? stackalloc byte[length] : new byte[length];
            Encoding.UTF8.GetBytes(value, bytes);
            var index = _texts.IndexOf(bytes);
            key = index < 0 || _holders[index] < 0 ? null : keys[_holders[index]];
            return index >= 0;
        }

        /// <summary>Lets go of every value.</summary>
        public void Clear()
        {
            _holders.Clear();
            _holders.TrimExcess();
            _texts = _texts is null ? null : new();
            _values = _values is null ? null : new(StringComparer.Ordinal);
        }
    }
}
