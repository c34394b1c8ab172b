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
                if (index.Hold(value, ordinal) is { } previous)
                {
                    Share(mappingIndex, index.TextOf(value), previous, key);
                }

                continue;
            }

            if (KeyText(value, mappingIndex, keepParsed: true, out _) is { } text && index.Hold(text, key) is { } other)
            {
                Share(mappingIndex, text, other, key);
            }
        }
    }

    /// <summary>Records that a row holds a unique-key value another row of the run holds (or several already do).</summary>
    private void Share(int mappingIndex, string value, Previous previous, string key)
    {
        if (!_sharedUniqueKeys.TryGetValue((mappingIndex, value), out var holders))
        {
            // The first time the value is shared: the row that held it is the previous holder.
            _sharedUniqueKeys[(mappingIndex, value)] = holders = [previous.Key!];
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
        // The holder of each text by its ordinal in _texts: a key ordinal, or -1 once shared.
        private readonly List<int> _holders = [];
        private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);
        private Utf8Interner _texts = new();

        public int MappingIndex { get; } = mappingIndex;

        /// <summary>Gets a value indicating whether the values are kept as their bytes (<see cref="Hold(ReadOnlySpan{byte}, int)"/>).</summary>
        public bool IsText { get; } = text;

        /// <summary>Records that the row of a key ordinal holds a value given by its bytes.</summary>
        /// <returns>Null when the value is new or the row's own; otherwise the row that held it (its key null once several did).</returns>
        public Previous? Hold(ReadOnlySpan<byte> value, int ordinal)
        {
            var index = _texts.Intern(value);
            if (index == _holders.Count)
            {
                _holders.Add(ordinal);
                return null;
            }

            var holder = _holders[index];
            if (holder == ordinal)
            {
                return null;
            }

            _holders[index] = -1;
            return new Previous(holder < 0 ? null : keys[holder]);
        }

        /// <summary>Records that the row of a key holds a value given by its text; returns the previous holder as <see cref="Hold(ReadOnlySpan{byte}, int)"/> does.</summary>
        public Previous? Hold(string value, string key)
        {
            ref var holder = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_values, value, out var seen);
            if (!seen || holder == key)
            {
                holder = key;
                return null;
            }

            var previous = new Previous(holder);
            holder = null;
            return previous;
        }

        /// <summary>Gets the text of a value held as its bytes.</summary>
        public string TextOf(ReadOnlySpan<byte> value) => _texts[_texts.IndexOf(value)];

        /// <summary>Finds the key of the row holding a value (null when several do); false when no row holds it. Threads may ask at once.</summary>
        public bool TryFind(string value, out string? key)
        {
            if (!IsText)
            {
                return _values.TryGetValue(value, out key);
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
            _values.Clear();
            _values.TrimExcess();
            _holders.Clear();
            _holders.TrimExcess();
            _texts = new();
        }
    }

    /// <summary>The row that held a unique-key value before another: its key, or null when several rows already did.</summary>
    private sealed record Previous(string? Key);
}
