namespace IdentitySync.Storage.Sqlite.Tests;

public sealed class KeyIndexCapacityTests
{
    [Test]
    public void Reserve_ChunkByChunk_GrowsTheKeyIndexByDoubling_NotOncePerChunk()
    {
        // A load's keys reach the writer 10,000 at a time; growing to exactly what each chunk asks copied the
        // index once per chunk (quadratic in the keys).
        var keys = new Dictionary<string, long>(StringComparer.Ordinal);
        var growths = 0;
        var capacity = keys.EnsureCapacity(0);
        for (var chunk = 0; chunk < 1_000; chunk++)
        {
            SqliteChangeSetWriter.Reserve(keys, keys.Count + 100);
            if (keys.EnsureCapacity(0) != capacity)
            {
                growths++;
                capacity = keys.EnsureCapacity(0);
            }

            for (var i = 0; i < 100; i++)
            {
                keys.Add($"k{chunk}-{i}", i);
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(growths, Is.InRange(1, 12), "a hundred thousand keys in a thousand chunks grow the index about log2(1000) times");
            Assert.That(capacity, Is.InRange(100_000, 2 * 100_000 + 1_000), "at most twice the keys");
        });
    }

    [Test]
    public void Reserve_LeavesRoomAlone_WhenThereIsEnough()
    {
        var keys = new Dictionary<string, long>(1_000, StringComparer.Ordinal);
        var capacity = keys.EnsureCapacity(0);

        SqliteChangeSetWriter.Reserve(keys, 900);

        Assert.That(keys.EnsureCapacity(0), Is.EqualTo(capacity));
    }
}
