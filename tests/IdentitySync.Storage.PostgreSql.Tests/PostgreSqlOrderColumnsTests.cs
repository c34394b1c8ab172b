using IdentitySync.Categorizations;
using IdentitySync.Orders;
using Npgsql;

namespace IdentitySync.Storage.PostgreSql.Tests;

/// <summary>Orders in columns (store version 5): the migration from whole jsonb orders, and the indexes the filters use.</summary>
public sealed class PostgreSqlOrderColumnsTests
{
    private static readonly DateTimeOffset At = new DateTimeOffset(2026, 2, 3, 4, 5, 6, TimeSpan.Zero).AddTicks(1234567);

    private string _schema = null!;

    [SetUp]
    public void NewSchema() => _schema = PostgresServer.NewSchema();

    [TearDown]
    public Task DropSchema() => PostgresServer.DropAsync(_schema);

    [Test]
    public async Task Migrate_Version4Orders_MoveIntoColumnsAndReadAsBeforeToTheTick()
    {
        await CreateSchemaAtVersionAsync(4);

        // Version 4 kept each order whole as jsonb, as StoredJson writes it.
        ProvisioningOrder[] orders = [Added(), Modified(), Ticket(), Added() with { Id = 4, CreatedAt = new DateTimeOffset(2026, 2, 3, 6, 5, 6, TimeSpan.FromHours(2)) }];
        foreach (var order in orders)
        {
            await PostgresServer.ExecuteAsync(
                $"INSERT INTO \"{_schema}\".orders (id, resource_type, state, ord) VALUES ({order.Id}, '{order.ResourceType}', '{order.State}', '{StoredJson.Serialize(order).Replace("'", "''", StringComparison.Ordinal)}')");
        }

        var migrated = await PostgreSqlResourceStore.MigrateAsync(PostgresServer.ConnectionString, _schema);
        using var store = new PostgreSqlResourceStore(PostgresServer.ConnectionString, new PostgreSqlStoreOptions { Schema = _schema });
        var read = await store.GetOrdersAsync(null, null, CancellationToken.None);
        var pending = await store.GetOrdersAsync("ad_user", [OrderState.Pending], CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That((migrated.From, migrated.To), Is.EqualTo((4, PostgreSqlSchema.CurrentVersion)));
            Assert.That(read.Select(StoredJson.Serialize), Is.EqualTo(orders.Select(o => StoredJson.Serialize(o with { CreatedAt = o.CreatedAt.ToUniversalTime() }))), "every field, times to the tick (in UTC)");
            Assert.That(pending.Select(static o => o.Id), Is.EqualTo(new[] { 2L }));
            Assert.That(await PostgresServer.ScalarAsync($"SELECT count(*) FROM \"{_schema}\".orders WHERE body ? 'state' OR body ? 'createdAt' OR body ? 'attempts' OR body ? 'resourceType'"), Is.Zero, "what is a column is not in the body too");
            Assert.That(await PostgresServer.ScalarAsync($"SELECT created_at FROM \"{_schema}\".orders WHERE id = 1"), Is.EqualTo(At.UtcTicks));
            Assert.That(await PostgresServer.ScalarAsync($"SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = '{_schema}' AND p.proname = 'iso_ticks'"), Is.Zero, "the migration's helper is dropped");
        });
    }

    [Test]
    public async Task Migrate_Version6ProvisioningStates_MoveIntoColumnsAndReadAsBefore()
    {
        await CreateSchemaAtVersionAsync(6);

        // Version 6 kept each state whole as jsonb, as StoredJson writes it, under the type in lower case.
        OwnerProvisioningState[] states =
        [
            new("AD_User", 100, ulong.MaxValue, true,
                new Dictionary<string, object?> { ["Mail"] = "ada@corp.test", ["Proxies"] = new[] { "smtp:a", "sip:a" }, ["Manager"] = null },
                new Dictionary<string, IReadOnlyList<string>> { ["MemberOf"] = ["CN=g1", "CN=g2"] }),
            new("AD_User", 101, (ulong)long.MaxValue, false, new Dictionary<string, object?>(), new Dictionary<string, IReadOnlyList<string>>()),
            new("HR_Badge", 100, 7, true, new Dictionary<string, object?> { ["Login"] = "E001" }, new Dictionary<string, IReadOnlyList<string>>()),
        ];
        foreach (var state in states)
        {
            await PostgresServer.ExecuteAsync(
                $"INSERT INTO \"{_schema}\".provisioning_states (resource_type, owner_id, state) VALUES ('{state.ResourceType.ToLowerInvariant()}', {state.OwnerId}, '{StoredJson.Serialize(state).Replace("'", "''", StringComparison.Ordinal)}')");
        }

        var migrated = await PostgreSqlResourceStore.MigrateAsync(PostgresServer.ConnectionString, _schema);
        using var store = new PostgreSqlResourceStore(PostgresServer.ConnectionString, new PostgreSqlStoreOptions { Schema = _schema });
        var users = (await store.GetProvisioningStatesAsync("AD_User", CancellationToken.None)).OrderBy(static s => s.OwnerId).ToList();
        var badge = await store.GetProvisioningStatesAsync("hr_badge", [100], CancellationToken.None);
        var digests = new List<OwnerStateDigest>();
        await foreach (var digest in store.GetProvisioningDigestsAsync("AD_User", CancellationToken.None))
        {
            digests.Add(digest);
        }

        Assert.Multiple(async () =>
        {
            Assert.That((migrated.From, migrated.To), Is.EqualTo((6, PostgreSqlSchema.CurrentVersion)));
            Assert.That(users.Select(static s => (s.OwnerId, s.InputDigest, s.Entitled)), Is.EqualTo(new[] { (100L, ulong.MaxValue, true), (101L, (ulong)long.MaxValue, false) }));
            Assert.That(users[0].Values, Is.EqualTo(states[0].Values));
            Assert.That(users[0].Links["MemberOf"], Is.EqualTo(new[] { "CN=g1", "CN=g2" }));
            Assert.That((users[1].Values.Count, users[1].Links.Count), Is.EqualTo((0, 0)));
            Assert.That(badge.Select(static s => (s.OwnerId, s.InputDigest, s.Values["Login"])), Is.EqualTo(new[] { (100L, 7UL, (object?)"E001") }));
            Assert.That(digests, Is.EqualTo(new[] { new OwnerStateDigest(100, ulong.MaxValue), new OwnerStateDigest(101, long.MaxValue) }), "by owner id");
            Assert.That(await PostgresServer.ScalarAsync($"SELECT input_digest FROM \"{_schema}\".provisioning_states WHERE owner_id = 100 AND resource_type = 'ad_user'"), Is.EqualTo(-1L), "2^64-1 kept as the bits of a bigint");
            Assert.That(await PostgresServer.ScalarAsync($"SELECT count(*) FROM \"{_schema}\".provisioning_states WHERE body ? 'inputDigest' OR body ? 'entitled' OR body ? 'ownerId'"), Is.Zero, "what is a column is not in the body too");
        });
    }

    [Test]
    public async Task Migrate_Version7Categorizations_MoveIntoColumnsAndReadAsBeforeToTheTick()
    {
        await CreateSchemaAtVersionAsync(7);

        // Version 7 kept each categorization whole as jsonb, as StoredJson writes it.
        AccountCategorization[] categorizations =
        [
            new(200, "AD_User", CategorizationStatus.Correlated, "AD_Nominative", 100, 90, [], "rule 1: 'EmployeeId'", ulong.MaxValue, 42, At),
            new(201, "AD_User", CategorizationStatus.Suggested, "AD_Nominative", null, 50, [100, 101, 12_345_678_901], null, 7, 1UL << 63, At.ToOffset(TimeSpan.FromHours(2))),
            new(300, "App_Account", CategorizationStatus.Uncategorized, null, null, 0, [], null, 9, 0, At),
        ];
        foreach (var categorization in categorizations)
        {
            await PostgresServer.ExecuteAsync(
                $"INSERT INTO \"{_schema}\".categorizations (resource_id, entity_type, categorization) VALUES ({categorization.ResourceId}, '{categorization.EntityType}', '{StoredJson.Serialize(categorization).Replace("'", "''", StringComparison.Ordinal)}')");
        }

        var migrated = await PostgreSqlResourceStore.MigrateAsync(PostgresServer.ConnectionString, _schema);
        using var store = new PostgreSqlResourceStore(PostgresServer.ConnectionString, new PostgreSqlStoreOptions { Schema = _schema });
        var read = (await store.GetCategorizationsAsync("ad_user", CancellationToken.None)).Concat(await store.GetCategorizationsAsync("APP_ACCOUNT", CancellationToken.None)).OrderBy(static c => c.ResourceId).ToList();

        Assert.Multiple(async () =>
        {
            Assert.That((migrated.From, migrated.To), Is.EqualTo((7, PostgreSqlSchema.CurrentVersion)));
            Assert.That(read.Select(StoredJson.Serialize), Is.EqualTo(categorizations.Select(c => StoredJson.Serialize(c with { At = c.At.ToUniversalTime() }))), "every field, the time to the tick (in UTC), candidates in order");
            Assert.That(await PostgresServer.ScalarAsync($"SELECT count(*) FROM \"{_schema}\".categorizations WHERE candidates = '100,101,12345678901' AND owners_digest = -9223372036854775808"), Is.EqualTo(1L), "the columns are filled");
            Assert.That(await PostgresServer.ScalarAsync($"SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = '{_schema}' AND p.proname = 'iso_ticks'"), Is.Zero, "the migration's helper is dropped");
        });
    }

    [Test]
    public async Task Migrate_Version12Categorizations_MarkTheAccountsOfGoneOwners()
    {
        await CreateSchemaAtVersionAsync(12);

        // Version 12 probed each owner when asked; the owner 100 is held, 101 is not (deleted before the upgrade).
        await PostgresServer.ExecuteAsync($"""
            INSERT INTO "{_schema}".entity_types (name) VALUES ('HR_Person');
            INSERT INTO "{_schema}".resources (id, type_id, key, digest, vals) SELECT 100, id, 'p1', 0, '\x' FROM "{_schema}".entity_types;
            INSERT INTO "{_schema}".categorizations (resource_id, entity_type, status, resource_type, owner_id, confidence, account_digest, owners_digest, at) VALUES
                (200, 'AD_User', 'Correlated', 'AD_Nominative', 100, 100, 1, 1, 0),
                (201, 'AD_User', 'Correlated', 'AD_Nominative', 101, 100, 1, 1, 0),
                (202, 'AD_User', 'Uncategorized', NULL, NULL, 0, 1, 1, 0);
            """);

        var migrated = await PostgreSqlResourceStore.MigrateAsync(PostgresServer.ConnectionString, _schema);
        using var store = new PostgreSqlResourceStore(PostgresServer.ConnectionString, new PostgreSqlStoreOptions { Schema = _schema });
        var orphans = await store.GetCategorizationsAsync(new CategorizationQuery("AD_User") { OwnerMissing = true }, CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That((migrated.From, migrated.To), Is.EqualTo((12, PostgreSqlSchema.CurrentVersion)));
            Assert.That(orphans.Select(static c => c.ResourceId), Is.EqualTo(new long[] { 201 }), "the account whose owner was gone before the upgrade");
            Assert.That(await PostgresServer.ScalarAsync($"SELECT count(*) FROM pg_indexes WHERE schemaname = '{_schema}' AND indexname = 'categorizations_by_type'"), Is.Zero, "the index the status index covers is dropped");
        });
    }

    [Test]
    public async Task Migrate_Version13_CountsEachTypesResources()
    {
        await CreateSchemaAtVersionAsync(13);

        // Version 13 counted the rows on every call: two people and three accounts, and a type that holds none.
        await PostgresServer.ExecuteAsync($"""
            INSERT INTO "{_schema}".entity_types (name) VALUES ('HR_Person'), ('AD_User'), ('AD_Group');
            INSERT INTO "{_schema}".resources (id, type_id, key, digest, vals)
                SELECT 100 + k, (SELECT id FROM "{_schema}".entity_types WHERE name = CASE WHEN k < 2 THEN 'HR_Person' ELSE 'AD_User' END), 'k' || k, 0, '\x'
                FROM generate_series(0, 4) k;
            """);

        var migrated = await PostgreSqlResourceStore.MigrateAsync(PostgresServer.ConnectionString, _schema);
        using var store = new PostgreSqlResourceStore(PostgresServer.ConnectionString, new PostgreSqlStoreOptions { Schema = _schema });

        Assert.Multiple(async () =>
        {
            Assert.That((migrated.From, migrated.To), Is.EqualTo((13, PostgreSqlSchema.CurrentVersion)));
            Assert.That(await store.CountResourcesAsync("HR_Person", CancellationToken.None), Is.EqualTo(2));
            Assert.That(await store.CountResourcesAsync("ad_user", CancellationToken.None), Is.EqualTo(3));
            Assert.That(await store.CountResourcesAsync("AD_Group", CancellationToken.None), Is.Zero);
        });
    }

    [Test]
    public async Task OwnerMissing_ReadsThePartialIndex_NotEveryCorrelatedAccount()
    {
        await using var connection = await PlanningConnectionAsync();

        var query = new CategorizationQuery("AD_User") { OwnerMissing = true, Statuses = [CategorizationStatus.Correlated] };
        await using var explain = new NpgsqlCommand("EXPLAIN " + PostgreSqlCategorizations.Select(query).Replace("{t}", $"\"{_schema}\"", StringComparison.Ordinal), connection);
        foreach (var value in PostgreSqlCategorizations.Parameters(query))
        {
            explain.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        var plan = await PlanAsync(explain);

        Assert.That(plan, Has.Some.Contains("categorizations_owner_gone").And.None.Contains("resources"), string.Join(" | ", plan));
    }

    [TestCase("categorizations")]
    [TestCase("provisioning_states")]
    public async Task BulkInsert_ReadsOnlyItsCopy_NeverTheTableItInsertsInto(string table)
    {
        await PostgreSqlResourceStore.MigrateAsync(PostgresServer.ConnectionString, _schema);
        await using var connection = new NpgsqlConnection(PostgresServer.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();

        // Statistics that call the table empty: a condition on it was then planned as a nested loop over it, each
        // copied row scanning every row inserted before it.
        await using (var analyze = new NpgsqlCommand($"ANALYZE \"{_schema}\".{table}", connection, transaction))
        {
            await analyze.ExecuteNonQueryAsync();
        }

        string insert;
        if (table == "categorizations")
        {
            await PostgreSqlCategorizations.StageAsync(connection, transaction, [], CancellationToken.None);
            insert = PostgreSqlCategorizations.InsertStaged;
        }
        else
        {
            await PostgreSqlProvisioningStates.StageAsync(connection, transaction, [], CancellationToken.None);
            insert = PostgreSqlProvisioningStates.InsertStaged;
        }

        await using var explain = new NpgsqlCommand("EXPLAIN " + insert.Replace("{t}", $"\"{_schema}\"", StringComparison.Ordinal), connection, transaction);
        var plan = await PlanAsync(explain);

        Assert.That(plan.Where(static line => !line.TrimStart().StartsWith("Insert on", StringComparison.Ordinal)), Has.None.Contains($" on {table} ").And.None.EndsWith($" on {table}"), string.Join(" | ", plan));
    }

    [Test]
    public async Task BulkSave_OfManyNewRows_RefreshesTheTablesStatistics_OfFewItDoesNot()
    {
        await PostgreSqlResourceStore.MigrateAsync(PostgresServer.ConnectionString, _schema);
        using var store = new PostgreSqlResourceStore(PostgresServer.ConnectionString, new PostgreSqlStoreOptions { Schema = _schema });
        var at = new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
        var noValues = new Dictionary<string, object?>();
        var noLinks = new Dictionary<string, IReadOnlyList<string>>();
        async Task<float> TuplesAsync(string table) =>
            (float)(await PostgresServer.ScalarAsync($"SELECT reltuples FROM pg_class WHERE oid = '\"{_schema}\".{table}'::regclass"))!;

        // A save below the floor leaves the statistics alone (the table was never analyzed: -1); one above refreshes them.
        // Autovacuum is off for both tables, so that only the save can analyze them.
        await PostgresServer.ExecuteAsync($"""
            ALTER TABLE "{_schema}".categorizations SET (autovacuum_enabled = false);
            ALTER TABLE "{_schema}".provisioning_states SET (autovacuum_enabled = false);
            """);
        await store.SaveCategorizationsAsync([.. Enumerable.Range(1, 1_000).Select(i => new AccountCategorization(i, "AD_User", CategorizationStatus.Uncategorized, null, null, 0, [], null, 1, 1, at))], CancellationToken.None);
        await store.SaveOrdersAsync([], [.. Enumerable.Range(1, 1_000).Select(i => new OwnerProvisioningState("AD_User", i, 1, true, noValues, noLinks))], CancellationToken.None);
        var few = (await TuplesAsync("categorizations"), await TuplesAsync("provisioning_states"));
        await store.SaveCategorizationsAsync([.. Enumerable.Range(1_001, PostgreSqlBulkMerge.AnalyzeAfter).Select(i => new AccountCategorization(i, "AD_User", CategorizationStatus.Uncategorized, null, null, 0, [], null, 1, 1, at))], CancellationToken.None);
        await store.SaveOrdersAsync([], [.. Enumerable.Range(1_001, PostgreSqlBulkMerge.AnalyzeAfter).Select(i => new OwnerProvisioningState("AD_User", i, 1, true, noValues, noLinks))], CancellationToken.None);
        var many = (await TuplesAsync("categorizations"), await TuplesAsync("provisioning_states"));

        Assert.Multiple(() =>
        {
            Assert.That(few, Is.EqualTo((-1f, -1f)), "never analyzed after a thousand rows");
            Assert.That(many.Item1, Is.EqualTo(1_000 + PostgreSqlBulkMerge.AnalyzeAfter).Within(1), "categorizations analyzed in the save");
            Assert.That(many.Item2, Is.EqualTo(1_000 + PostgreSqlBulkMerge.AnalyzeAfter).Within(1), "states analyzed in the save");
        });
    }

    [Test]
    public async Task SaveCategorizations_WaitsForTheCategorizationsLock_ThatAnotherHostHolds()
    {
        await PostgreSqlResourceStore.MigrateAsync(PostgresServer.ConnectionString, _schema);
        using var store = new PostgreSqlResourceStore(PostgresServer.ConnectionString, new PostgreSqlStoreOptions { Schema = _schema });
        var at = new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
        AccountCategorization[] categorizations = [.. Enumerable.Range(1, 600).Select(i => new AccountCategorization(i, "AD_User", CategorizationStatus.Uncategorized, null, null, 0, [], null, 1, 1, at))];

        // Another host in the middle of a save of categorizations: it holds the lock until its transaction ends. Without
        // the lock, two bulk saves of the same accounts both found them missing and both inserted them.
        await using var other = new NpgsqlConnection(PostgresServer.ConnectionString);
        await other.OpenAsync();
        var holding = await other.BeginTransactionAsync();
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", other, holding))
        {
            take.Parameters.AddWithValue(LockKeys.Of(_schema, "categorizations"));
            await take.ExecuteNonQueryAsync();
        }

        var save = store.SaveCategorizationsAsync(categorizations, CancellationToken.None).AsTask();
        var waited = await Task.WhenAny(save, Task.Delay(TimeSpan.FromMilliseconds(500))) != save;
        await holding.CommitAsync();
        await save;

        Assert.Multiple(async () =>
        {
            Assert.That(waited, Is.True, "the save waited for the lock");
            Assert.That(await PostgresServer.ScalarAsync($"SELECT count(*) FROM \"{_schema}\".categorizations"), Is.EqualTo(600L));
        });
    }

    [Test]
    public async Task ResourcePage_ReadsTheTypeAndKeyIndex_ForThatTypeAlone()
    {
        await using var connection = await PlanningConnectionAsync();

        await using var explain = new NpgsqlCommand("EXPLAIN " + PostgreSqlResourceStore.SelectPage($"\"{_schema}\""), connection);
        explain.Parameters.AddWithValue("HR_Person");
        explain.Parameters.AddWithValue("p100");
        explain.Parameters.AddWithValue(32);
        var plan = await PlanAsync(explain);

        // The limit applies inside the loop over the one type, to the (type, key) index: a limit above a join sorts
        // every resource that matched first, which the planner chose once the table held millions.
        var limit = plan.FindIndex(static line => line.Contains("Limit", StringComparison.Ordinal));
        var loop = plan.FindIndex(static line => line.Contains("Nested Loop", StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(loop, Is.GreaterThanOrEqualTo(0).And.LessThan(limit), string.Join(" | ", plan));
            Assert.That(plan.Skip(limit), Has.Some.Contains("type_id = t.id").And.Some.Contains("key > "), string.Join(" | ", plan));
        });
    }

    [TestCase("AD_User", "Pending", "orders_by_")]
    [TestCase(null, "AwaitingApproval", "orders_by_state")]
    [TestCase("AD_User", null, "orders_by_type")]
    public async Task Select_ByTypeOrStates_CanUseAnIndex(string? resourceType, string? state, string index)
    {
        await using var connection = await PlanningConnectionAsync();

        await using var explain = new NpgsqlCommand("EXPLAIN " + PostgreSqlOrders.Select.Replace("{t}", $"\"{_schema}\"", StringComparison.Ordinal), connection);
        explain.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text, Value = (object?)resourceType ?? DBNull.Value });
        explain.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text, Value = state is null ? DBNull.Value : new[] { state } });
        var plan = await PlanAsync(explain);

        Assert.That(plan, Has.Some.Contains(index), string.Join(" | ", plan));
    }

    /// <summary>Creates the test's schema as the store version <paramref name="version"/> left it, for a migration test.</summary>
    private async Task CreateSchemaAtVersionAsync(int version)
    {
        await using var connection = new NpgsqlConnection(PostgresServer.ConnectionString);
        await connection.OpenAsync();
        await PostgreSqlSchema.MigrateAsync(connection, _schema, CancellationToken.None, upTo: version);
    }

    /// <summary>
    /// A connection to the migrated schema that may not scan a table sequentially: a handful of test rows is read faster
    /// by a scan, so only then does the plan show whether an index serves the query.
    /// </summary>
    private async Task<NpgsqlConnection> PlanningConnectionAsync()
    {
        await PostgreSqlResourceStore.MigrateAsync(PostgresServer.ConnectionString, _schema);
        var connection = new NpgsqlConnection(PostgresServer.ConnectionString);
        await connection.OpenAsync();
        await using var off = new NpgsqlCommand("SET enable_seqscan = off", connection);
        await off.ExecuteNonQueryAsync();
        return connection;
    }

    /// <summary>The lines of an <c>EXPLAIN</c>.</summary>
    private static async Task<List<string>> PlanAsync(NpgsqlCommand explain)
    {
        var plan = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(0));
        }

        return plan;
    }

    private static ProvisioningOrder Added() => new ProvisioningOrder
    {
        Id = 1,
        ChangeType = OrderChangeType.Added,
        Connector = "AD",
        ResourceType = "AD_User",
        Owner = new OrderOwner(100, "E001", "Ada Lovelace"),
        Changes = new Dictionary<string, object?> { ["Mail"] = "ada@corp.test", ["Proxies"] = new[] { "smtp:ada@corp.test", "sip:ada@corp.test" } },
        Navigation = new Dictionary<string, NavigationChange> { ["MemberOf"] = new(["CN=g1"], []) },
        Arguments = new Dictionary<string, string> { ["Template"] = "standard" },
        Reason = "Ada is entitled to AD_User (rule 1)",
        State = OrderState.Pending,
        CreatedAt = At,
        StateChangedAt = At,
    }.MoveTo(OrderState.AwaitingApproval, At.AddMinutes(1), "held for review") with { PostponedUntil = At.AddDays(2) };

    private static ProvisioningOrder Modified() => new()
    {
        Id = 2,
        ChangeType = OrderChangeType.Modified,
        Kind = OrderKind.NonConforming,
        Connector = "AD",
        ResourceType = "AD_User",
        Owner = new OrderOwner(101, "E002", "Alan Turing"),
        Resource = new OrderResource(200, "CN=u2", new Dictionary<string, object?> { ["Mail"] = "old@corp.test" }),
        Changes = new Dictionary<string, object?> { ["Mail"] = "alan@corp.test" },
        Reason = "Mail should be alan@corp.test",
        State = OrderState.Pending,
        CreatedAt = At,
        StateChangedAt = At.AddHours(1),
        Attempts = 2,
        NextAttemptAt = At.AddHours(2),
    };

    private static ProvisioningOrder Ticket() => new()
    {
        Id = 3,
        ChangeType = OrderChangeType.Deleted,
        Kind = OrderKind.Gap,
        Connector = "HR",
        ResourceType = "HR_Badge",
        Resource = new OrderResource(300, "B-7", new Dictionary<string, object?>()),
        Reason = "the badge's owner left",
        State = OrderState.Transmitted,
        IsManual = true,
        CreatedAt = At,
        StateChangedAt = At.AddMinutes(5),
        Attempts = 1,
        Message = "ticket opened",
    };
}
