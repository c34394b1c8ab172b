using IdentitySync.Synchronization;
using Microsoft.Data.Sqlite;

namespace IdentitySync.Storage.Sqlite.Tests;

public sealed class SqliteSchemaTests
{
    private TemporaryDirectory _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = new TemporaryDirectory();

    [TearDown]
    public void DeleteDirectory() => _directory.Dispose();

    [Test]
    public void Open_NewFile_CreatesTheCurrentSchemaInWalMode()
    {
        var path = _directory.File("sub/new.db");

        _ = new SqliteResourceStore(path);

        Assert.Multiple(() =>
        {
            Assert.That(Pragma(path, "application_id"), Is.EqualTo(0x49445359));
            Assert.That(Pragma(path, "user_version"), Is.EqualTo(6));
            Assert.That(PragmaText(path, "journal_mode"), Is.EqualTo("wal"));
        });
    }

    [Test]
    public void Open_AnotherSqliteDatabase_IsRefused()
    {
        var path = _directory.File("other.db");
        Execute(path, "CREATE TABLE invoices (id INTEGER PRIMARY KEY);");

        var exception = Assert.Throws<IdentitySyncException>(() => _ = new SqliteResourceStore(path));

        Assert.That(exception!.Message, Is.EqualTo($"'{path}' is not an IdentitySync database (it is another SQLite database); give a new file or an IdentitySync store."));
    }

    [Test]
    public void Open_AFileThatIsNotSqlite_IsRefused()
    {
        var path = _directory.File("notes.db");
        File.WriteAllText(path, "These are not the droids you are looking for. Nor a database, padded to be longer than a header.".PadRight(200, '.'));

        var exception = Assert.Throws<IdentitySyncException>(() => _ = new SqliteResourceStore(path));

        Assert.That(exception!.Message, Is.EqualTo($"'{path}' is not an IdentitySync database (it is not a SQLite file); give a new file or an IdentitySync store."));
    }

    [Test]
    public void Open_NewerSchema_IsRefused()
    {
        var path = _directory.File("newer.db");
        _ = new SqliteResourceStore(path);
        Execute(path, "PRAGMA user_version = 9;");

        var exception = Assert.Throws<IdentitySyncException>(() => _ = new SqliteResourceStore(path));

        Assert.That(exception!.Message, Is.EqualTo($"'{path}' has schema version 9, written by a newer IdentitySync; this version reads schema 6 and older. Upgrade IdentitySync."));
    }

    [Test]
    public async Task Open_Version1File_IsMigratedInPlaceKeepingItsData()
    {
        var path = _directory.File("v1.db");
        Execute(path, """
            CREATE TABLE entity_types (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE);
            CREATE TABLE associations (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE);
            CREATE TABLE resources (id INTEGER PRIMARY KEY, type_id INTEGER NOT NULL, key TEXT NOT NULL, digest INTEGER NOT NULL, vals BLOB NOT NULL, UNIQUE (type_id, key));
            CREATE TABLE links (assoc_id INTEGER NOT NULL, first_id INTEGER NOT NULL, second_id INTEGER NOT NULL, PRIMARY KEY (assoc_id, first_id, second_id)) WITHOUT ROWID;
            CREATE TABLE connector_state (connector TEXT PRIMARY KEY COLLATE NOCASE, version INTEGER NOT NULL, last_batch TEXT, incremental_batches TEXT NOT NULL, blocked BLOB);
            INSERT INTO entity_types VALUES (1, 'User');
            INSERT INTO connector_state VALUES ('AD', 4, 'b4', '[]', NULL);
            PRAGMA application_id = 1229214553;
            PRAGMA user_version = 1;
            """);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO resources VALUES (10, 1, 'u1', 3, $v)";
            insert.Parameters.AddWithValue("$v", ResourceValueCodec.Encode(["Alice", 7]));
            insert.ExecuteNonQuery();
        }

        var store = new SqliteResourceStore(path);

        var user = await store.FindResourceAsync("User", "u1", CancellationToken.None);
        Assert.Multiple(async () =>
        {
            Assert.That(Pragma(path, "user_version"), Is.EqualTo(6));
            Assert.That(PragmaText(path, "journal_mode"), Is.EqualTo("wal"));
            Assert.That(Scalar(path, "SELECT count(*) FROM sqlite_master WHERE name = 'links_by_second'"), Is.EqualTo(1));
            Assert.That(Scalar(path, "SELECT count(*) FROM sqlite_master WHERE name = 'job_runs'"), Is.EqualTo(1));
            Assert.That(Scalar(path, "SELECT count(*) FROM sqlite_master WHERE name = 'categorizations'"), Is.EqualTo(1));
            Assert.That((user!.Id, user.Values), Is.EqualTo((10L, new object[] { "Alice", 7 })));
            Assert.That((await store.GetConnectorStateAsync("AD", CancellationToken.None)).Version, Is.EqualTo(4));
        });
    }

    [Test]
    public async Task Apply_FirstLinks_RebuildTheReverseIndexBeforeCommitAndRollBackWithIt()
    {
        var path = _directory.File("bulk.db");
        var store = new SqliteResourceStore(path);
        var membership = new Storage.EntityAssociationKeys("Membership", "Group", "User");
        await using (var rolledBack = await store.BeginApplyAsync("AD", 0, CancellationToken.None))
        {
            await rolledBack.InsertAsync("User", [new ResourceChange("u1", 1, ["a"], [], 2)], CancellationToken.None);
            await rolledBack.InsertAsync("Group", [new ResourceChange("g1", 1, ["g"], [], 2)], CancellationToken.None);
            await rolledBack.AddLinksAsync(membership, [new LinkChange("g1", "u1")], CancellationToken.None);
        }

        var afterRollback = Scalar(path, "SELECT count(*) FROM sqlite_master WHERE name = 'links_by_second'");
        await using (var writer = await store.BeginApplyAsync("AD", 0, CancellationToken.None))
        {
            await writer.InsertAsync("User", [new ResourceChange("u1", 1, ["a"], [], 2)], CancellationToken.None);
            await writer.InsertAsync("Group", [new ResourceChange("g1", 1, ["g"], [], 2)], CancellationToken.None);
            await writer.AddLinksAsync(membership, [new LinkChange("g1", "u1")], CancellationToken.None);
            await writer.CommitAsync(new Storage.ConnectorState(1, null, [], null), CancellationToken.None);
        }

        var user = await store.FindResourceAsync("User", "u1", CancellationToken.None);
        Assert.Multiple(async () =>
        {
            Assert.That(afterRollback, Is.EqualTo(1), "a rolled-back load leaves the index in place");
            Assert.That(Scalar(path, "SELECT count(*) FROM sqlite_master WHERE name = 'links_by_second'"), Is.EqualTo(1));
            Assert.That((await store.GetLinkedResourcesAsync("Membership", user!.Id, Storage.LinkDirection.SecondToFirst, CancellationToken.None)).Single().Key, Is.EqualTo("g1"));
        });
    }

    [Test]
    public async Task Store_TwoInstancesOnOneFile_SeeEachOthersCommits()
    {
        var path = _directory.File("shared.db");
        var writerSide = new SqliteResourceStore(path);
        var readerSide = new SqliteResourceStore(path);

        await using (var writer = await writerSide.BeginApplyAsync("AD", 0, CancellationToken.None))
        {
            await writer.InsertAsync("User", [new ResourceChange("u1", 1, ["a"], [], 2)], CancellationToken.None);
            await writer.CommitAsync(new Storage.ConnectorState(1, "b1", [], null), CancellationToken.None);
        }

        Assert.That(await readerSide.CountResourcesAsync("User", CancellationToken.None), Is.EqualTo(1));
    }

    private static long Pragma(string path, string name) => Scalar(path, $"PRAGMA {name};");

    private static string PragmaText(string path, string name)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA {name};";
        return (string)command.ExecuteScalar()!;
    }

    private static long Scalar(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    private static void Execute(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
