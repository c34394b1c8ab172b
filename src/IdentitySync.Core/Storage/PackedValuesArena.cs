namespace IdentitySync.Storage;

/// <summary>
/// Keeps the packed values of many resources end to end in large arrays, each resource's values unpacked the first
/// time one is read (as <see cref="ResourceValueCodec.DecodeLazily"/> does for one array). For a store that hands out
/// every resource of a type: a million resources' values are then a few hundred arrays on the large-object heap, which
/// the collector never copies, instead of a million small arrays it copies twice while the caller keeps them.
/// Not for use from several threads at once: one arena per read.
/// </summary>
public sealed class PackedValuesArena
{
    private readonly PackedArena _arena = new();

    /// <summary>Copies packed values into the arena and wraps them in a list that unpacks them on first read.</summary>
    /// <param name="packed">The packed bytes (<see cref="ResourceValueCodec.Encode"/>); copied, so the caller may reuse its buffer.</param>
    /// <returns>The values, unpacked on first access.</returns>
    public IReadOnlyList<object?> DecodeLazily(ReadOnlySpan<byte> packed)
    {
        var (array, offset) = _arena.Add(packed);
        return ResourceValueCodec.DecodeSliceLazily(array, offset, packed.Length);
    }
}
