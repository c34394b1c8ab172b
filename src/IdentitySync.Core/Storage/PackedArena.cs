namespace IdentitySync.Storage;

/// <summary>
/// Keeps packed values end to end in large arrays, for the rows of one table read on one thread: the arrays are on
/// the large-object heap, which the collector does not copy, and a row's values are a slice of one. An array lives
/// while any slice of it does. Not for use from several threads at once.
/// </summary>
internal sealed class PackedArena
{
    // 1 MiB arrays; values of more than a quarter of one get an array of their own, so little is left unused.
    private const int ChunkSize = 1 << 20;

    private byte[] _chunk = [];
    private int _used;

    /// <summary>Copies bytes into the arena.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The array that holds them and where they start in it.</returns>
    public (byte[] Array, int Offset) Add(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > ChunkSize / 4)
        {
            return (bytes.ToArray(), 0);
        }

        if (_used + bytes.Length > _chunk.Length)
        {
            // Not cleared first: only the bytes copied in are ever read.
            _chunk = GC.AllocateUninitializedArray<byte>(ChunkSize);
            _used = 0;
        }

        var offset = _used;
        bytes.CopyTo(_chunk.AsSpan(offset));
        _used += bytes.Length;
        return (_chunk, offset);
    }
}
