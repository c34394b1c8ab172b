using IdentitySync.Connections;

namespace IdentitySync.Core.Tests.Connections;

public sealed class ExportFingerprintTests
{
    private string _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("identitysync-hash").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [TestCase(0)]
    [TestCase(1)]
    [TestCase((1 << 20) - 1)]
    [TestCase(1 << 20)]
    [TestCase((1 << 20) + 1)]
    [TestCase(3 << 20)]
    public async Task HashFile_AnyByteChanged_GivesAnotherHash(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        var original = await HashAsync("a", bytes);
        var copy = await HashAsync("b", bytes);
        var hashes = new List<string> { original };
        foreach (var position in new[] { 0, length / 2, length - 1 }.Where(p => p >= 0 && p < length).Distinct())
        {
            var changed = (byte[])bytes.Clone();
            changed[position] ^= 1;
            hashes.Add(await HashAsync("c", changed));
        }

        hashes.Add(await HashAsync("d", [.. bytes, 0]));

        Assert.Multiple(() =>
        {
            Assert.That(copy, Is.EqualTo(original), "the same bytes elsewhere");
            Assert.That(hashes, Is.Unique);
            Assert.That(original, Does.Match($"^xxh64-1m:[0-9a-f]{{16}}:{length}$"));
        });
    }

    [Test]
    public void HashFile_MissingFile_Throws() =>
        Assert.ThrowsAsync<FileNotFoundException>(async () => await ExportFingerprint.HashFileAsync(Path.Combine(_directory, "absent"), CancellationToken.None));

    private async Task<string> HashAsync(string name, byte[] bytes)
    {
        var path = Path.Combine(_directory, name);
        await File.WriteAllBytesAsync(path, bytes);
        return await ExportFingerprint.HashFileAsync(path, CancellationToken.None);
    }
}
