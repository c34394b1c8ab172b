using System.Globalization;
using IdentitySync.Internal;

namespace IdentitySync.Connections;

/// <summary>Helps connection packages fingerprint what they export (see <see cref="IExportConnection.GetFingerprintAsync"/>).</summary>
public static class ExportFingerprint
{
    private const int BlockSize = 1 << 20;

    /// <summary>
    /// Hashes a file's bytes: XXH64 over 1 MiB blocks, each seeded with the hash of the blocks before it,
    /// with the length. It tells an unchanged file from a changed one at several GB/s; it is not a
    /// cryptographic hash (whoever forged a collision would only make the engine keep what it holds).
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Stops the hash.</param>
    /// <returns>A text such as <c>xxh64-1m:5f0c…:362126193</c>.</returns>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static async ValueTask<string> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[BlockSize];
            ulong hash = 0;
            long length = 0;
            int read;
            while ((read = await stream.ReadAtLeastAsync(buffer, BlockSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash = Xxh64.Hash(buffer.AsSpan(0, read), hash);
                length += read;
            }

            return string.Create(CultureInfo.InvariantCulture, $"xxh64-1m:{hash:x16}:{length}");
        }
    }
}
