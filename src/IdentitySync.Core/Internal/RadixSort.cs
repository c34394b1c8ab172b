namespace IdentitySync.Internal;

/// <summary>
/// Sorts 64-bit numbers by their bytes, least significant first, skipping the bytes every number shares:
/// packed link pairs use five or six of their eight bytes, and millions of them sort several times
/// faster than by comparison.
/// </summary>
internal static class RadixSort
{
    /// <summary>Below this length a comparison sort is as fast and needs no second buffer.</summary>
    private const int Threshold = 4096;

    /// <summary>Sorts the values ascending (negative numbers first).</summary>
    public static void Sort(Span<long> values)
    {
        long[]? buffer = null;
        Sort(values, ref buffer);
    }

    /// <summary>
    /// Sorts the values ascending (negative numbers first) through a second buffer the caller keeps: one buffer serves
    /// several sorts (a synchronization's stored links, then its read pairs) instead of one new array of tens of
    /// megabytes each.
    /// </summary>
    /// <param name="values">The values.</param>
    /// <param name="buffer">The buffer: used when at least as long as <paramref name="values"/>, replaced by a new one otherwise.</param>
    public static void Sort(Span<long> values, ref long[]? buffer)
    {
        if (values.Length < Threshold)
        {
            values.Sort();
            return;
        }

        // Links a store hands out in id order are often sorted already (resources loaded in key order get their ids
        // in that order): one pass, which unsorted numbers leave at their first descent.
        if (IsSorted(values))
        {
            return;
        }

        // One pass counts every byte position; flipping the sign bit orders negative numbers first.
        const ulong SignBit = 0x8000_0000_0000_0000;
        var counts = new int[8 * 256];
        foreach (var value in values)
        {
            var key = (ulong)value ^ SignBit;
            for (var b = 0; b < 8; b++)
            {
                counts[(b * 256) + (int)((key >> (8 * b)) & 0xFF)]++;
            }
        }

        // Every pass writes all of it before anything reads it: not cleared first (80 MB at ten million links).
        if (buffer is null || buffer.Length < values.Length)
        {
            buffer = GC.AllocateUninitializedArray<long>(values.Length);
        }

        Span<long> source = values;
        Span<long> target = buffer.AsSpan(0, values.Length);
        var offsets = new int[256];
        for (var b = 0; b < 8; b++)
        {
            var digit = counts.AsSpan(b * 256, 256);
            var shift = 8 * b;
            if (digit[(int)((((ulong)source[0] ^ SignBit) >> shift) & 0xFF)] == values.Length)
            {
                continue;
            }

            var total = 0;
            for (var d = 0; d < 256; d++)
            {
                offsets[d] = total;
                total += digit[d];
            }

            foreach (var value in source)
            {
                target[offsets[(int)((((ulong)value ^ SignBit) >> shift) & 0xFF)]++] = value;
            }

            var swap = source;
            source = target;
            target = swap;
        }

        if (source != values)
        {
            source.CopyTo(values);
        }
    }

    private static bool IsSorted(ReadOnlySpan<long> values)
    {
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] < values[i - 1])
            {
                return false;
            }
        }

        return true;
    }
}
