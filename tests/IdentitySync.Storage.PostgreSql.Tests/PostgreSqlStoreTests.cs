using Npgsql;

namespace IdentitySync.Storage.PostgreSql.Tests;

/// <summary>What the PostgreSQL store does beyond the conformance suite: schemas, migrations, credentials, locks across stores.</summary>
public sealed class PostgreSqlStoreTests
{
    private string _schema = null!;

    [SetUp]
    public void NewSchema() => _schema = PostgresServer.NewSchema();

    [TearDown]
    public Task DropSchema() => PostgresServer.DropAsync(_schema);

    [Test]
    public async Task Server_StartedByTheTestScript_IsReachable()
    {
        // The sentinel: in CI (and anywhere build/test.sh runs) a missing or stopped server fails here, by name.
        var version = await PostgresServer.ScalarAsync("SHOW server_version_num");

        Assert.That(int.Parse((string)version!, System.Globalization.CultureInfo.InvariantCulture), Is.GreaterThanOrEqualTo(150000));
    }

    [Test]
    public void Open_SchemaThatDoesNotExist_IsRefusedAndNothingIsCreated()
    {
        var exception = Assert.Throws<StoreUnavailableException>(() => _ = new PostgreSqlResourceStore(PostgresServer.ConnectionString, new PostgreSqlStoreOptions { Schema = _schema }));

        Assert.Multiple(async () =>
        {
            Assert.That(exception!.Kind, Is.EqualTo(FailureKind.StoreUnavailable));
            Assert.That(exception.Message, Does.EndWith($"(schema '{_schema}') holds no IdentitySync store; create it with 'identitysync store migrate' (or MigrateOnOpen) as a role that may create tables."));
            Assert.That(await PostgresServer.ScalarAsync($"SELECT count(*) FROM information_schema.schemata WHERE schema_name = '{_schema}'"), Is.Zero);
        });
    }

    [Test]
    public async Task Migrate_TwoHostsAtOnce_MigrateOnceAndBothOpen()
    {
        var first = Task.Run(() => PostgreSqlResourceStore.MigrateAsync(PostgresServer.ConnectionString, _schema));
        var second = Task.Run(() => PostgreSqlResourceStore.MigrateAsync(PostgresServer.ConnectionString, _schema));

        var results = await Task.WhenAll(first, second);
        using var store = new PostgreSqlResourceStore(PostgresServer.ConnectionString, new PostgreSqlStoreOptions { Schema = _schema });

        Assert.Multiple(async () =>
        {
            Assert.That(results.Select(static r => r.From).Order(), Is.EqualTo(new[] { 0, PostgreSqlSchema.CurrentVersion }), "one migrated from nothing, the other found it current");
            Assert.That(await PostgresServer.ScalarAsync($"SELECT count(*) FROM \"{_schema}\".schema_version"), Is.EqualTo(PostgreSqlSchema.CurrentVersion), "one row per step, each applied once");
            Assert.That(await store.CountResourcesAsync("User", CancellationToken.None), Is.Zero);
        });
    }

    [Test]
    public async Task Open_NewerSchema_IsRefused()
    {
        await PostgreSqlResourceStore.MigrateAsync(PostgresServer.ConnectionString, _schema);
        await PostgresServer.ExecuteAsync($"INSERT INTO \"{_schema}\".schema_version (version) VALUES (99)");

        var exception = Assert.Throws<StoreUnavailableException>(() => _ = new PostgreSqlResourceStore(PostgresServer.ConnectionString, new PostgreSqlStoreOptions { Schema = _schema, MigrateOnOpen = true }));

        Assert.That(exception!.Message, Is.EqualTo($"PostgreSQL schema '{_schema}' has store version 99, written by a newer IdentitySync; this version reads {PostgreSqlSchema.CurrentVersion} and older. Upgrade IdentitySync."));
    }

    [Test]
    public void Open_LogsMigrationOpeningAndRefusal_WithoutThePassword()
    {
        var logger = new Microsoft.Extensions.Logging.Testing.FakeLogger<PostgreSqlResourceStore>();
        Assert.Throws<StoreUnavailableException>(() => _ = new PostgreSqlResourceStore(PostgresServer.ConnectionString, new PostgreSqlStoreOptions { Schema = _schema }, logger));
        using (new PostgreSqlResourceStore(PostgresServer.ConnectionString, new PostgreSqlStoreOptions { Schema = _schema, MigrateOnOpen = true }, logger))
        {
        }

        using (new PostgreSqlResourceStore(PostgresServer.ConnectionString, new PostgreSqlStoreOptions { Schema = _schema }, logger))
        {
        }

        var records = logger.Collector.GetSnapshot();
        Assert.Multiple(() =>
        {
            Assert.That(records.Select(static r => r.Id.Id), Is.EqualTo(new[] { 6103, 6101, 6102 }));
            Assert.That(records[1].Message, Does.Contain(_schema).And.EndWith($"migrated from store version 0 to {PostgreSqlSchema.CurrentVersion}"));
            Assert.That((records[1].Level, records[2].Level), Is.EqualTo((Microsoft.Extensions.Logging.LogLevel.Information, Microsoft.Extensions.Logging.LogLevel.Debug)));
            Assert.That(records[0].Message, Does.Contain("holds no IdentitySync store"));
            Assert.That(string.Join("\n", records.Select(static r => r.Message)), Does.Not.Contain("Password").IgnoreCase);
        });
    }

    [Test]
    public async Task Migrate_Version1Schema_AddsLayoutsViewsAndLinkPartitions_KeepingItsData()
    {
        // A schema as version 1 made it, with a resource written before layouts were kept and a link.
        await using (var connection = new NpgsqlConnection(PostgresServer.ConnectionString))
        {
            await connection.OpenAsync();
            await PostgreSqlSchema.MigrateAsync(connection, _schema, CancellationToken.None, upTo: 1);
        }

        var values = ResourceValueCodec.Encode(["one"]);
        await PostgresServer.ExecuteAsync($"""
            INSERT INTO "{_schema}".entity_types (name) VALUES ('User'), ('Group');
            INSERT INTO "{_schema}".associations (name) VALUES ('Membership');
            INSERT INTO "{_schema}".resources (id, type_id, key, digest, vals) VALUES
                (1, 1, 'u1', 0, '\x{Convert.ToHexString(values)}'), (2, 2, 'g1', 0, '\x{Convert.ToHexString(values)}');
            INSERT INTO "{_schema}".links (assoc_id, first_id, second_id) VALUES (1, 2, 1);
            """);
        var refused = Assert.Throws<StoreUnavailableException>(() => _ = new PostgreSqlResourceStore(PostgresServer.ConnectionString, new PostgreSqlStoreOptions { Schema = _schema }));
        var migrated = await PostgreSqlResourceStore.MigrateAsync(PostgresServer.ConnectionString, _schema);

        using var reopened = new PostgreSqlResourceStore(PostgresServer.ConnectionString, new PostgreSqlStoreOptions { Schema = _schema });
        var links = new List<StoredLink>();
        await foreach (var link in reopened.GetLinksAsync("Membership", CancellationToken.None))
        {
            links.Add(link);
        }

        Assert.Multiple(async () =>
        {
            Assert.That(refused!.Message, Does.Contain($"has store version 1; this version of IdentitySync needs {PostgreSqlSchema.CurrentVersion}"));
            Assert.That((migrated.From, migrated.To), Is.EqualTo((1, PostgreSqlSchema.CurrentVersion)));
            Assert.That((await reopened.FindResourceAsync("User", "u1", CancellationToken.None))!.Values, Is.EqualTo(new object?[] { "one" }));
            Assert.That(await reopened.GetLayoutsAsync(CancellationToken.None), Is.Empty);
            Assert.That(
                await PostgresServer.ScalarAsync($"SELECT key || ' ' || property || ' ' || value FROM \"{_schema}\".resource_values WHERE key = 'u1'"),
                Is.EqualTo("u1 #0 one"),
                "values written before layouts were kept name their property by position");
            Assert.That(links, Is.EqualTo(new[] { new StoredLink(2, 1) }), "links moved into the association's partition");
            Assert.That(await PostgresServer.ScalarAsync($"SELECT first_key || '>' || second_key FROM \"{_schema}\".link_keys"), Is.EqualTo("g1>u1"));
            Assert.That(await PostgresServer.ScalarAsync($"SELECT count(*) FROM pg_inherits WHERE inhparent = '\"{_schema}\".links'::regclass"), Is.EqualTo(1L));
        });
    }

    [TestCase("", "Schema: required; the PostgreSQL schema that holds the store's tables, such as identitysync.")]
    [TestCase("1abc", "Schema: '1abc' may hold only ASCII letters, digits and underscores, and not start with a digit.")]
    [TestCase("a;drop", "Schema: 'a;drop' may hold only ASCII letters, digits and underscores, and not start with a digit.")]
    public void Open_InvalidSchemaName_IsRefusedBeforeConnecting(string schema, string message)
    {
        var exception = Assert.Throws<StoreUnavailableException>(() => _ = new PostgreSqlResourceStore("Host=192.0.2.1;Timeout=1", new PostgreSqlStoreOptions { Schema = schema }));

        Assert.That((exception!.Kind, exception.Message), Is.EqualTo((FailureKind.InvalidInput, message)));
    }

    [Test]
    public void Open_SchemaNameLongerThan63Bytes_IsRefusedNotTruncated()
    {
        var schema = "s" + new string('é', 32);

        var exception = Assert.Throws<StoreUnavailableException>(() => _ = new PostgreSqlResourceStore(PostgresServer.ConnectionString, new PostgreSqlStoreOptions { Schema = schema }));

        Assert.That(exception!.Message, Is.EqualTo($"Schema: '{schema}' is longer than 63 bytes, which PostgreSQL would truncate; choose a shorter name."));
    }

    [Test]
    public async Task Open_WrongPassword_IsAnAuthenticationFailureThatNeverShowsThePassword()
    {
        const string secret = "S3cret-Marker-7f1c";
        await PostgresServer.ExecuteAsync($"DO $$ BEGIN CREATE ROLE {PostgresServer.PasswordRole} LOGIN PASSWORD 'the-right-one'; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
        var connectionString = new NpgsqlConnectionStringBuilder(PostgresServer.ConnectionString) { Username = PostgresServer.PasswordRole, Password = secret }.ConnectionString;

        var exception = Assert.Throws<StoreUnavailableException>(() => _ = new PostgreSqlResourceStore(connectionString, new PostgreSqlStoreOptions { Schema = _schema }));

        Assert.Multiple(() =>
        {
            Assert.That(exception!.Kind, Is.EqualTo(FailureKind.AuthenticationFailed));
            Assert.That(exception.Message, Does.Contain("refused the credentials"));
            Assert.That(exception.ToString(), Does.Not.Contain(secret));
        });
    }

    [Test]
    public void Open_NoServerListening_IsStoreUnavailable()
    {
        var port = FreePort();

        var exception = Assert.Throws<StoreUnavailableException>(() => _ = new PostgreSqlResourceStore($"Host=127.0.0.1;Port={port};Username=postgres;Password=Marker-9d2;Timeout=3", new PostgreSqlStoreOptions { Schema = _schema }));

        Assert.Multiple(() =>
        {
            Assert.That(exception!.Kind, Is.EqualTo(FailureKind.StoreUnavailable));
            Assert.That(exception.Message, Does.StartWith($"PostgreSQL 127.0.0.1:{port}/postgres cannot be reached:"));
            Assert.That(exception.ToString(), Does.Not.Contain("Marker-9d2"));
        });
    }

    [Test]
    public async Task LockConnector_HeldByAnotherStoreInstance_IsRefusedUntilReleased_OtherConnectorsRunMeanwhile()
    {
        var options = new PostgreSqlStoreOptions { Schema = _schema, MigrateOnOpen = true };
        using var hostA = new PostgreSqlResourceStore(PostgresServer.ConnectionString, options);
        using var hostB = new PostgreSqlResourceStore(PostgresServer.ConnectionString, options);

        var held = await hostA.LockConnectorAsync("AD", CancellationToken.None);
        var refused = Assert.ThrowsAsync<ConnectorBusyException>(async () => await hostB.LockConnectorAsync("ad", CancellationToken.None));
        await using (await hostB.LockConnectorAsync("HR", CancellationToken.None))
        {
            await held.DisposeAsync();
        }

        await using var afterRelease = await hostB.LockConnectorAsync("AD", CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(refused!.Message, Does.StartWith($"Connector 'ad' is already being synchronized (advisory lock in schema '{_schema}'"));
            Assert.That(refused.Kind, Is.EqualTo(FailureKind.StoreLocked));
        });
    }

    [Test]
    public async Task LockConnector_SameNameInAnotherSchema_IsAnotherLock()
    {
        var other = PostgresServer.NewSchema();
        try
        {
            using var first = new PostgreSqlResourceStore(PostgresServer.ConnectionString, new PostgreSqlStoreOptions { Schema = _schema, MigrateOnOpen = true });
            using var second = new PostgreSqlResourceStore(PostgresServer.ConnectionString, new PostgreSqlStoreOptions { Schema = other, MigrateOnOpen = true });

            await using var a = await first.LockConnectorAsync("AD", CancellationToken.None);
            await using var b = await second.LockConnectorAsync("AD", CancellationToken.None);

            // Both are held at once, and each is a real lock within its own schema.
            Assert.Multiple(() =>
            {
                Assert.ThrowsAsync<ConnectorBusyException>(async () => await first.LockConnectorAsync("AD", CancellationToken.None));
                Assert.ThrowsAsync<ConnectorBusyException>(async () => await second.LockConnectorAsync("AD", CancellationToken.None));
            });
        }
        finally
        {
            await PostgresServer.DropAsync(other);
        }
    }

    [Test]
    public async Task LinkKeysView_NamesBothEndsByKey_ForReportingInPlainSql()
    {
        using var store = new PostgreSqlResourceStore(PostgresServer.ConnectionString, new PostgreSqlStoreOptions { Schema = _schema, MigrateOnOpen = true });
        await using (var writer = await store.BeginApplyAsync("AD", 0, CancellationToken.None))
        {
            await writer.InsertAsync("Group", [new ChangeSets.ResourceChange("CN=Staff", 1, ["Staff"], [], 2)], CancellationToken.None);
            await writer.InsertAsync("User", [new ChangeSets.ResourceChange("u1", 1, ["Zoë"], [], 2)], CancellationToken.None);
            await writer.AddLinksAsync(new ChangeSets.EntityAssociationKeys("Membership", "Group", "User"), [new ChangeSets.LinkChange("CN=Staff", "u1")], CancellationToken.None);
            await writer.CommitAsync(new ConnectorState(1, "b1", [], null), CancellationToken.None);
        }

        var row = await PostgresServer.ScalarAsync($"SELECT association || '|' || first_entity_type || '|' || first_key || '|' || second_entity_type || '|' || second_key FROM \"{_schema}\".link_keys");

        Assert.That(row, Is.EqualTo("Membership|Group|CN=Staff|User|u1"));
    }

    [Test]
    public async Task EstimateLinkCount_IsTheAnalyzedPartitionsRows_NotACount()
    {
        using var store = new PostgreSqlResourceStore(PostgresServer.ConnectionString, new PostgreSqlStoreOptions { Schema = _schema, MigrateOnOpen = true });
        var membership = new ChangeSets.EntityAssociationKeys("Membership", "Group", "User");
        var users = Enumerable.Range(0, 500).Select(static i => $"u{i:000}").ToList();
        await using (var writer = await store.BeginApplyAsync("AD", 0, CancellationToken.None))
        {
            await writer.InsertAsync("User", [.. users.Select(static (u, i) => new ChangeSets.ResourceChange(u, 1, [u], [], i + 1L))], CancellationToken.None);
            await writer.InsertAsync("Group", [new("g1", 1, ["g1"], [], 1_000)], CancellationToken.None);
            await writer.AddLinksAsync(membership, [.. users.Select(static u => new ChangeSets.LinkChange("g1", u))], CancellationToken.None);
            await writer.CommitAsync(new ConnectorState(1, "b1", [], null), CancellationToken.None);
        }

        var afterLoad = await store.EstimateLinkCountAsync("Membership", CancellationToken.None);

        // Rows deleted behind the statistic's back are not seen until the partition is analyzed again.
        await PostgresServer.ScalarAsync($"WITH gone AS (DELETE FROM \"{_schema}\".links WHERE second_id IN (SELECT id FROM \"{_schema}\".resources WHERE key < 'u100') RETURNING 1) SELECT count(*) FROM gone");
        var stale = await store.EstimateLinkCountAsync("Membership", CancellationToken.None);
        await PostgresServer.ScalarAsync($"ANALYZE \"{_schema}\".links_1; SELECT 1");

        Assert.Multiple(async () =>
        {
            Assert.That(afterLoad, Is.EqualTo(500), "the writer analyzes a newly loaded partition before it commits");
            Assert.That(stale, Is.EqualTo(500), "an estimate, not a count");
            Assert.That(await store.EstimateLinkCountAsync("Membership", CancellationToken.None), Is.EqualTo(400));
            Assert.That(await store.CountLinksAsync("Membership", CancellationToken.None), Is.EqualTo(400));
        });
    }

    [Test]
    public async Task NewAssociation_LoadedIntoItsOwnPartition_KeepsEachLinkOnce_AndIsReadableByLaterSteps()
    {
        using var store = new PostgreSqlResourceStore(PostgresServer.ConnectionString, new PostgreSqlStoreOptions { Schema = _schema, MigrateOnOpen = true });
        var membership = new ChangeSets.EntityAssociationKeys("Membership", "Group", "User");
        await using (var writer = await store.BeginApplyAsync("AD", 0, CancellationToken.None))
        {
            await writer.InsertAsync("User", [new("a", 1, ["a"], [], 1), new("b", 1, ["b"], [], 2)], CancellationToken.None);
            await writer.InsertAsync("Group", [new("g1", 1, ["g1"], [], 3)], CancellationToken.None);
            await writer.AddLinksAsync(membership, [new("g1", "a"), new("g1", "b")], CancellationToken.None);
            await writer.AddLinksAsync(membership, [new("g1", "a")], CancellationToken.None);

            // A later step that touches links sees the partition's links: deleting 'b' takes its link.
            await writer.DeleteAsync("User", ["b"], CancellationToken.None);
            await writer.CommitAsync(new ConnectorState(1, "b1", [], null), CancellationToken.None);
        }

        await using (var writer = await store.BeginApplyAsync("AD", 1, CancellationToken.None))
        {
            await writer.InsertAsync("User", [new("c", 1, ["c"], [], 4)], CancellationToken.None);
            await writer.AddLinksAsync(membership, [new("g1", "c"), new("g1", "a")], CancellationToken.None);
            await writer.CommitAsync(new ConnectorState(2, "b2", [], null), CancellationToken.None);
        }

        var rows = await PostgresServer.ScalarAsync($"SELECT string_agg(first_key || '>' || second_key, ' ' ORDER BY second_key) FROM \"{_schema}\".link_keys");

        Assert.Multiple(async () =>
        {
            Assert.That(rows, Is.EqualTo("g1>a g1>c"), "a link added twice is kept once; the deleted user's link is gone; the second run adds to the attached partition");
            Assert.That(await store.CountLinksAsync("Membership", CancellationToken.None), Is.EqualTo(2));
            Assert.That(await PostgresServer.ScalarAsync($"SELECT count(*) FROM pg_indexes WHERE schemaname = '{_schema}' AND tablename = 'links_1'"), Is.EqualTo(2L), "the partition has both indexes");
            Assert.That(
                await PostgresServer.ScalarAsync($"SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = '{_schema}' AND t.relname = 'links_1' AND c.contype = 'c'"),
                Is.EqualTo("CHECK ((assoc_id = 1))"),
                "the partition was created with a check that implies its partition constraint, so attaching it scanned nothing");
        });
    }

    [Test]
    public async Task TwoConnectors_CreatingTheSameEntityTypeAndAssociationAtOnce_BothApply()
    {
        using var first = new PostgreSqlResourceStore(PostgresServer.ConnectionString, new PostgreSqlStoreOptions { Schema = _schema, MigrateOnOpen = true });
        using var second = new PostgreSqlResourceStore(PostgresServer.ConnectionString, new PostgreSqlStoreOptions { Schema = _schema });
        var membership = new ChangeSets.EntityAssociationKeys("Membership", "Group", "User");
        await using var a = await first.BeginApplyAsync("AD", 0, CancellationToken.None);
        await using var b = await second.BeginApplyAsync("HR", 0, CancellationToken.None);
        await a.InsertAsync("User", [new("a", 1, ["a"], [], 1)], CancellationToken.None);
        await a.InsertAsync("Group", [new("g", 1, ["g"], [], 2)], CancellationToken.None);
        await a.AddLinksAsync(membership, [new("g", "a")], CancellationToken.None);

        // The second waits on the names the first created and has not committed yet, then finds them.
        var waiting = Task.Run(async () =>
        {
            await b.InsertAsync("User", [new("b", 1, ["b"], [], 3)], CancellationToken.None);
            await b.InsertAsync("Group", [new("h", 1, ["h"], [], 4)], CancellationToken.None);
            await b.AddLinksAsync(membership, [new("h", "b")], CancellationToken.None);
            await b.CommitAsync(new ConnectorState(1, "hr1", [], null), CancellationToken.None);
        });
        await Task.Delay(300);
        Assert.That(waiting.IsCompleted, Is.False, "the second writer waits for the first one's new names");
        await a.CommitAsync(new ConnectorState(1, "ad1", [], null), CancellationToken.None);
        await waiting.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Multiple(async () =>
        {
            Assert.That(await first.CountResourcesAsync("User", CancellationToken.None), Is.EqualTo(2));
            Assert.That(await first.CountLinksAsync("Membership", CancellationToken.None), Is.EqualTo(2));
            Assert.That(await PostgresServer.ScalarAsync($"SELECT count(*) FROM \"{_schema}\".entity_types"), Is.EqualTo(2L));
        });
    }

    [Test]
    public async Task NewAssociation_RolledBack_LeavesNoPartitionBehind()
    {
        using var store = new PostgreSqlResourceStore(PostgresServer.ConnectionString, new PostgreSqlStoreOptions { Schema = _schema, MigrateOnOpen = true });
        await using (var writer = await store.BeginApplyAsync("AD", 0, CancellationToken.None))
        {
            await writer.InsertAsync("User", [new("a", 1, ["a"], [], 1)], CancellationToken.None);
            await writer.InsertAsync("Group", [new("g1", 1, ["g1"], [], 3)], CancellationToken.None);
            await writer.AddLinksAsync(new ChangeSets.EntityAssociationKeys("Membership", "Group", "User"), [new("g1", "a")], CancellationToken.None);
            Assert.ThrowsAsync<StoreConflictException>(async () => await writer.AddLinksAsync(new ChangeSets.EntityAssociationKeys("Owner", "Group", "User"), [new("g1", "nobody")], CancellationToken.None));
        }

        Assert.Multiple(async () =>
        {
            Assert.That(await PostgresServer.ScalarAsync($"SELECT count(*) FROM pg_tables WHERE schemaname = '{_schema}' AND tablename LIKE 'links\\_%'"), Is.Zero);
            Assert.That(await store.CountLinksAsync("Membership", CancellationToken.None), Is.Zero);
        });
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
