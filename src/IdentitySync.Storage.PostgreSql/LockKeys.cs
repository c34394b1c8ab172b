using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace IdentitySync.Storage.PostgreSql;

/// <summary>
/// The 64-bit keys of the store's advisory locks. They include the schema's name, so that two stores in
/// one database (two schemas) never share a lock, and the name is folded to lower case, as connector
/// names compare.
/// </summary>
internal static class LockKeys
{
    public static long Of(string schema, string name)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"identitysync\n{schema}\n{name.ToLowerInvariant()}"), hash);
        return BinaryPrimitives.ReadInt64LittleEndian(hash);
    }
}
