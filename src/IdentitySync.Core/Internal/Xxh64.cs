using System.IO.Hashing;

namespace IdentitySync.Internal;

/// <summary>
/// The XXH64 hash (System.IO.Hashing's), used for stored row digests, batch ids and layout ids: values a store
/// keeps, so the algorithm and its seeding never change without a migration (the tests pin reference values).
/// </summary>
internal static class Xxh64
{
    public static ulong Hash(ReadOnlySpan<byte> data, ulong seed = 0) => XxHash64.HashToUInt64(data, unchecked((long)seed));

    /// <summary>The hash of an id's eight bytes as <see cref="BitConverter.GetBytes(long)"/> gives them, without an array per call.</summary>
    public static ulong Hash(long id, ulong seed)
    {
        Span<byte> bytes = stackalloc byte[sizeof(long)];
        BitConverter.TryWriteBytes(bytes, id);
        return Hash(bytes, seed);
    }
}
