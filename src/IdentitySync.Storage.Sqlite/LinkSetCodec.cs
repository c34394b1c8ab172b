namespace IdentitySync.Storage.Sqlite;

/// <summary>
/// One resource's links in one association, packed in one blob: the linked ids in ascending order,
/// each written as its distance from the one before (the first from zero) in LEB128 varints. A
/// group's members have close ids, so most links take one or two bytes.
/// </summary>
internal static class LinkSetCodec
{
    /// <summary>Packs ascending, distinct, positive ids into <paramref name="buffer"/> (grown when short).</summary>
    /// <returns>How many bytes of the buffer the packed set uses.</returns>
    public static int Encode(ReadOnlySpan<long> ascending, ref byte[] buffer)
    {
        if (buffer.Length < ascending.Length * 10)
        {
            buffer = new byte[Math.Max(ascending.Length * 10, buffer.Length * 2)];
        }

        var length = 0;
        var previous = 0L;
        foreach (var id in ascending)
        {
            var delta = (ulong)(id - previous);
            previous = id;
            while (delta >= 0x80)
            {
                buffer[length++] = (byte)(delta | 0x80);
                delta >>= 7;
            }

            buffer[length++] = (byte)delta;
        }

        return length;
    }

    /// <summary>Unpacks a set written by <see cref="Encode"/>, appending its ids in ascending order.</summary>
    /// <exception cref="InvalidDataException">The blob ends inside a varint.</exception>
    public static void Decode(ReadOnlySpan<byte> packed, List<long> into)
    {
        var previous = 0L;
        var position = 0;
        while (position < packed.Length)
        {
            var delta = 0UL;
            var shift = 0;
            byte part;
            do
            {
                if (position == packed.Length || shift > 63)
                {
                    throw new InvalidDataException("A packed link set ends inside a number; the database file is damaged.");
                }

                part = packed[position++];
                delta |= (ulong)(part & 0x7F) << shift;
                shift += 7;
            }
            while (part >= 0x80);

            previous += (long)delta;
            into.Add(previous);
        }
    }
}
