using IdentitySync.ChangeSets;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace IdentitySync.Storage.Sqlite.Tests;

/// <summary>
/// A large write's pages are copied from the write-ahead log into the database file after its commit returned, on a
/// thread of their own (decision 103): the commit does not wait for it, nothing committed depends on it, and a
/// checkpoint that fails keeps the writes in the log for the next one.
/// </summary>
public sealed class SqliteCheckpointTests : TemporaryDirectoryTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Test]
    public async Task ALargeWrite_CommitsBeforeItsCheckpoint_AndCheckpointAsyncPutsItInTheFile()
    {
        var path = TestDirectory.File("large.db");
        using var hold = new ManualResetEventSlim();
        using var store = await LargeWriteHeldBeforeItsCheckpointAsync(path, hold);
        var logPages = new FileInfo(path + "-wal").Length / 8192;
        var inTheFileAtCommit = UsersInTheFileAlone(path, "at-commit.db");
        hold.Set();
        await store.CheckpointAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(logPages, Is.GreaterThan(1_000), "a log this long is one SQLite would have checkpointed inside the commit");
            Assert.That(inTheFileAtCommit, Is.Zero, "the commit returned with its pages in the log only");
            Assert.That(UsersInTheFileAlone(path, "after.db"), Is.EqualTo(40_000), "after CheckpointAsync the file alone holds the write");
            Assert.That(await store.CountResourcesAsync("User", None), Is.EqualTo(40_000));
        });
    }

    [Test]
    public async Task ASmallWrite_WhileALargeWritesCheckpointIsPending_LeavesTheLogToIt()
    {
        var path = TestDirectory.File("pending.db");
        using var hold = new ManualResetEventSlim();
        using var store = await LargeWriteHeldBeforeItsCheckpointAsync(path, hold);

        await store.SetChangeFeedPositionAsync("categorization:User", new ChangeFeedPosition(1, 7), None);
        var inTheFileAfterTheSmallWrite = UsersInTheFileAlone(path, "after-small.db");
        hold.Set();
        await store.CheckpointAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(inTheFileAfterTheSmallWrite, Is.Zero, "the small write's commit did not copy the large write's log");
            Assert.That(UsersInTheFileAlone(path, "after.db"), Is.EqualTo(40_000));
            Assert.That(await store.GetChangeFeedPositionAsync("categorization:User", None), Is.EqualTo(new ChangeFeedPosition(1, 7)));
        });
    }

    /// <summary>A store whose background checkpoints wait for <paramref name="hold"/>, after a write of 40,000 users.</summary>
    private static async Task<SqliteResourceStore> LargeWriteHeldBeforeItsCheckpointAsync(string path, ManualResetEventSlim hold)
    {
        var store = new SqliteResourceStore(path);
        try
        {
            store.Checkpoints.BeforeBackground = hold.Wait;
            await InsertAsync(store, 40_000);
            return store;
        }
        catch
        {
            hold.Set();
            store.Dispose();
            throw;
        }
    }

    [Test]
    public async Task AfterACompleteCheckpoint_TheNextWriteCutsTheLogBack()
    {
        var path = TestDirectory.File("cut.db");
        using var store = new SqliteResourceStore(path);
        await InsertAsync(store, 40_000, padding: 600);
        await store.CheckpointAsync();
        var checkpointed = new FileInfo(path + "-wal").Length;

        await InsertAsync(store, 1, first: 40_000, version: 1);

        Assert.Multiple(async () =>
        {
            Assert.That(checkpointed, Is.GreaterThan(SqliteResourceStore.JournalSizeLimit), "the log of the large write, copied into the file but not yet started over");
            Assert.That(new FileInfo(path + "-wal").Length, Is.LessThanOrEqualTo(SqliteResourceStore.JournalSizeLimit));
            Assert.That(await store.CountResourcesAsync("User", None), Is.EqualTo(40_001));
        });
    }

    /// <summary>A full disk for real: the 4 MiB tmpfs that build/test.sh mounts (root only).</summary>
    [Test]
    public async Task ACheckpointThatFails_IsLogged_KeepsTheWritesInTheLog_AndTheNextOneCopiesThem()
    {
        var disk = Environment.GetEnvironmentVariable("IDENTITYSYNC_TEST_SMALL_DISK") is { Length: > 0 } small
            ? small
            : throw new AssertionException("IDENTITYSYNC_TEST_SMALL_DISK is not set: run the tests through build/test.sh as root, which mounts the test disks (build/disks.sh).");
        var path = Path.Combine(disk, $"checkpoint-{Guid.NewGuid():N}.db");
        var filler = Path.Combine(disk, $"filler-{Guid.NewGuid():N}");
        var logger = new FakeLogger<SqliteResourceStore>();
        try
        {
            using var store = new SqliteResourceStore(path, logger);
            using var hold = new ManualResetEventSlim();
            store.Checkpoints.BeforeBackground = hold.Wait;
            await InsertAsync(store, 2_000);
            Fill(filler);
            hold.Set();
            store.Checkpoints.WaitIdle();

            var warnings = logger.Collector.GetSnapshot().Where(static r => r.Level == LogLevel.Warning).Select(static r => r.Message).ToList();
            var counted = await store.CountResourcesAsync("User", None);
            var refused = Assert.ThrowsAsync<StoreUnavailableException>(() => store.CheckpointAsync());
            File.Delete(filler);
            await store.CheckpointAsync();

            Assert.Multiple(() =>
            {
                Assert.That(warnings, Has.Count.EqualTo(1));
                Assert.That(warnings[0], Does.StartWith($"SQLite store {path}: the write-ahead log could not be copied into the file ("));
                Assert.That(counted, Is.EqualTo(2_000), "the writes are read from the log");
                Assert.That(refused!.Message, Does.StartWith($"'{path}': the write-ahead log could not be copied into the file ("));
                Assert.That(refused.Message, Does.EndWith($"every committed write is kept in the log ('{path}-wal'), so keep the two files together."));
                Assert.That(UsersInTheFileAlone(path, "after.db"), Is.EqualTo(2_000), "the next checkpoint copies them");
            });
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in Directory.GetFiles(disk, Path.GetFileName(path) + "*").Append(filler).Where(File.Exists))
            {
                File.Delete(file);
            }
        }
    }

    /// <summary>Inserts users u{first}… and commits the connector's next version.</summary>
    private static async Task InsertAsync(SqliteResourceStore store, int count, int first = 0, long version = 0, int padding = 200)
    {
        var text = new string('x', padding);
        await using var writer = await store.BeginApplyAsync("AD", version, None);
        await writer.InsertAsync("User", [.. Enumerable.Range(first, count).Select(i => new ResourceChange($"u{i:D6}", 1, [$"u{i:D6}", text], [], 0))], None);
        await writer.CommitAsync(new ConnectorState(version + 1, $"b{version + 1}", [], null), None);
    }

    /// <summary>Counts the resources a copy of the database file holds without its write-ahead log.</summary>
    private long UsersInTheFileAlone(string path, string copyName)
    {
        var copy = TestDirectory.File(copyName);
        File.Copy(path, copy);
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = copy, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM resources";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Writes a file until the disk refuses more.</summary>
    private static void Fill(string filler)
    {
        var block = new byte[64 * 1024];
        using var stream = new FileStream(filler, FileMode.CreateNew);
        try
        {
            while (true)
            {
                stream.Write(block);
                stream.Flush();
            }
        }
        catch (IOException)
        {
            // The disk is full.
        }
    }
}
