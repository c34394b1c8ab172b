using IdentitySync.ChangeSets;
using IdentitySync.Orders;
using Microsoft.Data.Sqlite;

namespace IdentitySync.Storage.Sqlite.Tests;

public sealed class SqliteSchemaTests : TemporaryDirectoryTests
{
    [Test]
    public void Open_NewFile_CreatesTheCurrentSchemaInWalMode()
    {
        var path = TestDirectory.File("sub/new.db");

        _ = new SqliteResourceStore(path);

        Assert.Multiple(() =>
        {
            Assert.That(Pragma(path, "application_id"), Is.EqualTo(0x49445359));
            Assert.That(Pragma(path, "user_version"), Is.EqualTo(SqliteSchema.CurrentVersion));
            Assert.That(PragmaText(path, "journal_mode"), Is.EqualTo("wal"));
            Assert.That(Pragma(path, "page_size"), Is.EqualTo(8192));
        });
    }

    [Test]
    public void Open_AnotherSqliteDatabase_IsRefused()
    {
        var path = TestDirectory.File("other.db");
        Execute(path, "CREATE TABLE invoices (id INTEGER PRIMARY KEY);");

        var exception = Assert.Throws<StoreUnavailableException>(() => _ = new SqliteResourceStore(path));

        Assert.That(exception!.Message, Is.EqualTo($"'{path}' is not an IdentitySync database (it is another SQLite database); give a new file or an IdentitySync store."));
    }

    [Test]
    public void Open_AFileThatIsNotSqlite_IsRefused()
    {
        var path = TestDirectory.File("notes.db");
        File.WriteAllText(path, "These are not the droids you are looking for. Nor a database, padded to be longer than a header.".PadRight(200, '.'));

        var exception = Assert.Throws<StoreUnavailableException>(() => _ = new SqliteResourceStore(path));

        Assert.That(exception!.Message, Is.EqualTo($"'{path}' is not an IdentitySync database (it is not a SQLite file); give a new file or an IdentitySync store."));
    }

    [Test]
    public void Open_NewerSchema_IsRefused()
    {
        var path = TestDirectory.File("newer.db");
        _ = new SqliteResourceStore(path);
        Execute(path, $"PRAGMA user_version = {SqliteSchema.CurrentVersion + 1};");

        var exception = Assert.Throws<StoreUnavailableException>(() => _ = new SqliteResourceStore(path));

        Assert.That(exception!.Message, Is.EqualTo($"'{path}' has schema version {SqliteSchema.CurrentVersion + 1}, written by a newer IdentitySync; this version reads schema {SqliteSchema.CurrentVersion} and older. Upgrade IdentitySync."));
    }

    [Test]
    public async Task Open_Version1File_IsMigratedInPlaceKeepingItsData()
    {
        var path = TestDirectory.File("v1.db");
        Execute(path, """
            CREATE TABLE entity_types (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE);
            CREATE TABLE associations (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE);
            CREATE TABLE resources (id INTEGER PRIMARY KEY, type_id INTEGER NOT NULL, key TEXT NOT NULL, digest INTEGER NOT NULL, vals BLOB NOT NULL, UNIQUE (type_id, key));
            CREATE TABLE links (assoc_id INTEGER NOT NULL, first_id INTEGER NOT NULL, second_id INTEGER NOT NULL, PRIMARY KEY (assoc_id, first_id, second_id)) WITHOUT ROWID;
            CREATE TABLE connector_state (connector TEXT PRIMARY KEY COLLATE NOCASE, version INTEGER NOT NULL, last_batch TEXT, incremental_batches TEXT NOT NULL, blocked BLOB);
            INSERT INTO entity_types VALUES (1, 'User');
            INSERT INTO entity_types VALUES (2, 'Group');
            INSERT INTO associations VALUES (1, 'Membership');
            INSERT INTO links VALUES (1, 20, 10), (1, 20, 11), (1, 21, 10);
            INSERT INTO connector_state VALUES ('AD', 4, 'b4', '[]', NULL);
            PRAGMA application_id = 1229214553;
            PRAGMA user_version = 1;
            """);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO resources VALUES (10, 1, 'u1', 3, $v), (11, 1, 'u2', 3, $v), (20, 2, 'g1', 3, $v), (21, 2, 'g2', 3, $v)";
            insert.Parameters.AddWithValue("$v", ResourceValueCodec.Encode(["Alice", 7]));
            insert.ExecuteNonQuery();
        }

        var store = new SqliteResourceStore(path);

        var user = await store.FindResourceAsync("User", "u1", CancellationToken.None);
        Assert.Multiple(async () =>
        {
            Assert.That(Pragma(path, "user_version"), Is.EqualTo(SqliteSchema.CurrentVersion));
            Assert.That(PragmaText(path, "journal_mode"), Is.EqualTo("wal"));
            Assert.That(Scalar(path, "SELECT count(*) FROM sqlite_master WHERE name = 'links'"), Is.Zero, "link rows are packed into link sets");
            Assert.That(Pragma(path, "page_size"), Is.EqualTo(4096), "an existing file keeps its page size");
            Assert.That(Scalar(path, "SELECT count(*) FROM link_sets"), Is.EqualTo(4), "g1, g2, u1 and u2 each have one set");
            Assert.That(await store.GetLinksAsync("Membership", CancellationToken.None).ToListAsync(), Is.EqualTo(new[] { new StoredLink(20, 10), new StoredLink(20, 11), new StoredLink(21, 10) }));
            Assert.That((await store.GetLinkedResourcesAsync("Membership", 10, LinkDirection.SecondToFirst, CancellationToken.None)).Select(static r => r.Key), Is.EqualTo(new[] { "g1", "g2" }));
            Assert.That(Scalar(path, "SELECT count(*) FROM sqlite_master WHERE name = 'job_runs'"), Is.EqualTo(1));
            Assert.That(Scalar(path, "SELECT count(*) FROM sqlite_master WHERE name = 'categorizations'"), Is.EqualTo(1));
            Assert.That((user!.Id, user.Values), Is.EqualTo((10L, new object[] { "Alice", 7 })));
            Assert.That((await store.GetConnectorStateAsync("AD", CancellationToken.None)).Version, Is.EqualTo(4));
        });
    }

    [Test]
    public async Task Open_FileWrittenBySchema8_MigratesOrderStatesAndKeepsEverythingElse()
    {
        // Fixtures/schema8.db was written by the version before schema 9 (commit c2a5e16): two users and a
        // group with both as members, connector AD at version 1 with an export fingerprint and a blocked
        // change set, and three orders: one failed ('Errored', whose message also says "Errored"), one timed
        // out ('Error'), one pending.
        var path = TestDirectory.File("schema8.db");
        File.Copy(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "schema8.db"), path);

        var store = new SqliteResourceStore(path);

        var orders = await store.GetOrdersAsync(null, null, CancellationToken.None);
        var inError = await store.GetOrdersAsync(null, [OrderState.Error], CancellationToken.None);
        var state = await store.GetConnectorStateAsync("AD", CancellationToken.None);
        Assert.Multiple(async () =>
        {
            Assert.That(Pragma(path, "user_version"), Is.EqualTo(SqliteSchema.CurrentVersion));
            Assert.That(orders.Select(static o => (o.Id, o.State)), Is.EqualTo(new[] { (1L, OrderState.Error), (2L, OrderState.Error), (3L, OrderState.Pending) }));
            Assert.That(orders[0].History.Select(static h => h.State), Is.EqualTo(new[] { OrderState.Pending, OrderState.Transmitted, OrderState.Error }));
            Assert.That(orders[0].Message, Is.EqualTo("Failed: the server said Errored"), "only states are renamed, never text");
            Assert.That(inError.Select(static o => o.Id), Is.EqualTo(new long[] { 1, 2 }), "the state column is migrated with the JSON");
            Assert.That((state.Version, state.LastBatchId, state.ExportFingerprint, state.Watermarks), Is.EqualTo((1L, "b1", "fp1", Array.Empty<TableWatermark>())));
            Assert.That(state.Blocked!.EntityTypes.Single().Deleted.Single().Key, Is.EqualTo("u2"));
            Assert.That(state.Blocked.Watermarks, Is.Empty);
            Assert.That((await store.GetLinkedResourcesAsync("Membership", (await store.FindResourceAsync("Group", "g1", CancellationToken.None))!.Id, LinkDirection.FirstToSecond, CancellationToken.None)).Select(static r => r.Key), Is.EqualTo(new[] { "u1", "u2" }));
        });
    }

    [Test]
    public async Task Open_FileWrittenBySchema19_GivesNoIdTheFileStillNames()
    {
        // A schema-19 file (this schema without resource_ids) whose newest resource, u3, was deleted: only a provisioning
        // state of u3 as owner still names its id (the feed is emptied). Schema 19 gave that id to the next resource.
        var path = TestDirectory.File("schema19.db");
        var store = new SqliteResourceStore(path);
        await using (var writer = await store.BeginApplyAsync("AD", 0, CancellationToken.None))
        {
            await writer.InsertAsync("User", [new ResourceChange("u1", 1, ["one"], [], 0), new ResourceChange("u2", 2, ["two"], [], 0), new ResourceChange("u3", 3, ["three"], [], 0)], CancellationToken.None);
            await writer.CommitAsync(new ConnectorState(1, null, [], null), CancellationToken.None);
        }

        var u3 = (await store.FindResourceAsync("User", "u3", CancellationToken.None))!.Id;
        await store.SaveOrdersAsync([], [new OwnerProvisioningState("AD_User", u3, 1, true, new Dictionary<string, object?>(), new Dictionary<string, IReadOnlyList<string>>())], CancellationToken.None);
        await using (var writer = await store.BeginApplyAsync("AD", 1, CancellationToken.None))
        {
            await writer.DeleteAsync("User", ["u3"], CancellationToken.None);
            await writer.CommitAsync(new ConnectorState(2, null, [], null), CancellationToken.None);
        }

        SqliteConnection.ClearAllPools();
        Execute(path, "DROP TABLE resource_ids; DELETE FROM change_feed; PRAGMA user_version = 19;");

        var reopened = new SqliteResourceStore(path);
        await using (var writer = await reopened.BeginApplyAsync("AD", 2, CancellationToken.None))
        {
            await writer.InsertAsync("User", [new ResourceChange("u4", 4, ["four"], [], 0)], CancellationToken.None);
            await writer.CommitAsync(new ConnectorState(3, null, [], null), CancellationToken.None);
        }

        var u4 = (await reopened.FindResourceAsync("User", "u4", CancellationToken.None))!.Id;
        Assert.Multiple(() =>
        {
            Assert.That(Pragma(path, "user_version"), Is.EqualTo(SqliteSchema.CurrentVersion));
            Assert.That(u3, Is.EqualTo(Scalar(path, "SELECT max(id) FROM resources WHERE key <> 'u4'") + 1), "u3 was the newest resource");
            Assert.That(u4, Is.GreaterThan(u3), "the deleted u3's id, still named by its provisioning state, is not given again");
            Assert.That(Scalar(path, "SELECT next_id FROM resource_ids"), Is.EqualTo(u4 + 1));
        });
    }

    [Test]
    public async Task Apply_Links_AreOneSetPerResourceAndSideAndRollBackWithTheTransaction()
    {
        var path = TestDirectory.File("sets.db");
        var store = new SqliteResourceStore(path);
        var membership = new EntityAssociationKeys("Membership", "Group", "User");
        ResourceChange[] users = [new("u1", 1, ["a"], [], 2), new("u2", 1, ["b"], [], 2), new("u3", 1, ["c"], [], 2)];
        ResourceChange[] groups = [new("g1", 1, ["g"], [], 2), new("g2", 1, ["h"], [], 2)];
        LinkChange[] links = [new("g1", "u1"), new("g1", "u2"), new("g1", "u3"), new("g2", "u1"), new("g2", "u1")];
        await using (var rolledBack = await store.BeginApplyAsync("AD", 0, CancellationToken.None))
        {
            await rolledBack.InsertAsync("User", users, CancellationToken.None);
            await rolledBack.InsertAsync("Group", groups, CancellationToken.None);
            await rolledBack.AddLinksAsync(membership, links, CancellationToken.None);
        }

        var afterRollback = Scalar(path, "SELECT count(*) FROM link_sets");
        await using (var writer = await store.BeginApplyAsync("AD", 0, CancellationToken.None))
        {
            await writer.InsertAsync("User", users, CancellationToken.None);
            await writer.InsertAsync("Group", groups, CancellationToken.None);
            await writer.AddLinksAsync(membership, links[..2], CancellationToken.None);
            await writer.AddLinksAsync(membership, links[2..], CancellationToken.None);
            await writer.CommitAsync(new ConnectorState(1, null, [], null), CancellationToken.None);
        }

        var afterLoad = Scalar(path, "SELECT count(*) FROM link_sets");
        await using (var writer = await store.BeginApplyAsync("AD", 1, CancellationToken.None))
        {
            await writer.RemoveLinksAsync(membership, [new("g2", "u1"), new("g2", "u3")], CancellationToken.None);
            await writer.DeleteAsync("User", ["u2"], CancellationToken.None);
            await writer.CommitAsync(new ConnectorState(2, null, [], null), CancellationToken.None);
        }

        var u1 = await store.FindResourceAsync("User", "u1", CancellationToken.None);
        Assert.Multiple(async () =>
        {
            Assert.That(afterRollback, Is.Zero, "a rolled-back load leaves no link set");
            Assert.That(afterLoad, Is.EqualTo(5), "one set per group and one per user, not one row per link");
            Assert.That(Scalar(path, "SELECT count(*) FROM link_sets"), Is.EqualTo(3), "g2 and u2 lost their last link: their sets are gone");
            Assert.That(await store.CountLinksAsync("Membership", CancellationToken.None), Is.EqualTo(2));
            Assert.That((await store.GetLinkedResourcesAsync("Membership", u1!.Id, LinkDirection.SecondToFirst, CancellationToken.None)).Single().Key, Is.EqualTo("g1"));
        });
    }

    [Test]
    public async Task Apply_DeletedAndInsertedAgainInOneChangeSet_LinksTheNewResource()
    {
        var store = new SqliteResourceStore(TestDirectory.File("again.db"));
        var membership = new EntityAssociationKeys("Membership", "Group", "User");
        await using (var writer = await store.BeginApplyAsync("AD", 0, CancellationToken.None))
        {
            await writer.InsertAsync("User", [new ResourceChange("u1", 1, ["old"], [], 2)], CancellationToken.None);
            await writer.InsertAsync("Group", [new ResourceChange("g1", 1, ["g"], [], 2)], CancellationToken.None);
            await writer.CommitAsync(new ConnectorState(1, null, [], null), CancellationToken.None);
        }

        var old = await store.FindResourceAsync("User", "u1", CancellationToken.None);
        await using (var writer = await store.BeginApplyAsync("AD", 1, CancellationToken.None))
        {
            await writer.DeleteAsync("User", ["u1"], CancellationToken.None);
            await writer.InsertAsync("User", [new ResourceChange(string.Concat("u", "1"), 1, ["new"], [], 2)], CancellationToken.None);

            // The very string instance the delete named: the writer must not find the deleted id by it.
            await writer.AddLinksAsync(membership, [new LinkChange("g1", "u1")], CancellationToken.None);
            await writer.CommitAsync(new ConnectorState(2, null, [], null), CancellationToken.None);
        }

        var renewed = await store.FindResourceAsync("User", "u1", CancellationToken.None);
        Assert.Multiple(async () =>
        {
            Assert.That(renewed!.Id, Is.Not.EqualTo(old!.Id));
            Assert.That((await store.GetLinkedResourcesAsync("Membership", renewed.Id, LinkDirection.SecondToFirst, CancellationToken.None)).Single().Key, Is.EqualTo("g1"));
            Assert.That(await store.GetLinksAsync("Membership", CancellationToken.None).ToListAsync(), Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task Apply_IdsBeyondThirtyTwoBits_StillSortAndPack()
    {
        var path = TestDirectory.File("large-ids.db");
        var store = new SqliteResourceStore(path);
        Execute(path, "INSERT INTO entity_types (id, name) VALUES (1, 'User'); INSERT INTO resources VALUES (5000000000, 1, 'u0', 1, x'00');");
        var membership = new EntityAssociationKeys("Membership", "Group", "User");
        await using (var writer = await store.BeginApplyAsync("AD", 0, CancellationToken.None))
        {
            await writer.InsertAsync("User", [new ResourceChange("u1", 1, ["a"], [], 2)], CancellationToken.None);
            await writer.InsertAsync("Group", [new ResourceChange("g1", 1, ["g"], [], 2)], CancellationToken.None);
            await writer.AddLinksAsync(membership, [new("g1", "u1"), new("g1", "u0")], CancellationToken.None);
            await writer.CommitAsync(new ConnectorState(1, null, [], null), CancellationToken.None);
        }

        var links = await store.GetLinksAsync("Membership", CancellationToken.None).ToListAsync();
        Assert.That(links, Is.EqualTo(new[] { new StoredLink(5000000002, 5000000000), new StoredLink(5000000002, 5000000001) }));
    }

    [Test]
    public async Task Apply_LinksGatheredNarrowThenWide_KeepBothAndBothSides()
    {
        var path = TestDirectory.File("mixed-ids.db");
        var store = new SqliteResourceStore(path);
        Execute(path, """
            INSERT INTO entity_types (id, name) VALUES (1, 'User'), (2, 'Group');
            INSERT INTO resources VALUES (7, 1, 'u7', 1, x'00'), (8, 2, 'g1', 1, x'00'), (5000000000, 1, 'u0', 1, x'00');
            """);
        var membership = new EntityAssociationKeys("Membership", "Group", "User");
        await using (var writer = await store.BeginApplyAsync("AD", 0, CancellationToken.None))
        {
            // Two chunks of one association and direction: ids that pack into one number, then one that does not.
            await writer.AddLinksAsync(membership, [new("g1", "u7")], CancellationToken.None);
            await writer.AddLinksAsync(membership, [new("g1", "u0")], CancellationToken.None);
            await writer.CommitAsync(new ConnectorState(1, null, [], null), CancellationToken.None);
        }

        var links = await store.GetLinksAsync("Membership", CancellationToken.None).ToListAsync();
        var groupsOfU0 = await store.GetLinkedResourcesAsync("Membership", 5000000000, LinkDirection.SecondToFirst, CancellationToken.None);
        var groupsOfU7 = await store.GetLinkedResourcesAsync("Membership", 7, LinkDirection.SecondToFirst, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(links, Is.EqualTo(new[] { new StoredLink(8, 7), new StoredLink(8, 5000000000) }));
            Assert.That(groupsOfU0.Select(static r => r.Key), Is.EqualTo(new[] { "g1" }));
            Assert.That(groupsOfU7.Select(static r => r.Key), Is.EqualTo(new[] { "g1" }));
        });
    }

    [Test]
    public async Task Store_TwoInstancesOnOneFile_SeeEachOthersCommits()
    {
        var path = TestDirectory.File("shared.db");
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
