using IdentitySync.Categorizations;
using IdentitySync.Orders;
using Microsoft.Data.Sqlite;

namespace IdentitySync.Storage.Sqlite.Tests;

/// <summary>What became columns (orders, schema 11; provisioning states, 13; categorizations, 14): the migrations from JSON, and the indexes reads use.</summary>
public sealed class SqliteOrderColumnsTests : TemporaryDirectoryTests
{
    private static readonly DateTimeOffset At = new DateTimeOffset(2026, 2, 3, 4, 5, 6, TimeSpan.Zero).AddTicks(1234567);

    [Test]
    public async Task Open_FileWrittenBySchema10_MovesEveryOrderIntoColumnsAndReadsItAsBefore()
    {
        // Fixtures/schema10.db was written by the version before schema 11 (commit 46477e3): three orders, kept
        // whole as JSON. 1: an Added rule order for owner 100 (E001, Ada Lovelace) with two values, a link and an
        // argument, awaiting approval and postponed; 2: a NonConforming Modified order of resource 200 (CN=u2)
        // pending a third attempt; 3: a Gap Deleted order of resource 300 (B-7), an open ticket.
        var path = TestDirectory.File("schema10.db");
        File.Copy(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "schema10.db"), path);

        var store = new SqliteResourceStore(path);
        var orders = await store.GetOrdersAsync(null, null, CancellationToken.None);
        var pendingUsers = await store.GetOrdersAsync("ad_user", [OrderState.Pending], CancellationToken.None);

        var (added, modified, deleted) = (orders[0], orders[1], orders[2]);
        Assert.Multiple(() =>
        {
            Assert.That(Scalar(path, "PRAGMA user_version"), Is.EqualTo(SqliteSchema.CurrentVersion));
            Assert.That(Scalar(path, "SELECT count(*) FROM sqlite_master WHERE name = 'orders_json'"), Is.Zero);
            Assert.That(orders.Select(static o => (o.Id, o.ChangeType, o.Kind, o.State, o.Connector, o.ResourceType)), Is.EqualTo(new[]
            {
                (1L, OrderChangeType.Added, OrderKind.Rule, OrderState.AwaitingApproval, "AD", "AD_User"),
                (2L, OrderChangeType.Modified, OrderKind.NonConforming, OrderState.Pending, "AD", "AD_User"),
                (3L, OrderChangeType.Deleted, OrderKind.Gap, OrderState.Transmitted, "HR", "HR_Badge"),
            }));
            Assert.That(added.Owner, Is.EqualTo(new OrderOwner(100, "E001", "Ada Lovelace")));
            Assert.That(added.Changes["Mail"], Is.EqualTo("ada@corp.test"));
            Assert.That(added.Changes["Proxies"], Is.EqualTo(new[] { "smtp:ada@corp.test", "sip:ada@corp.test" }));
            Assert.That(added.Navigation["MemberOf"].Added, Is.EqualTo(new[] { "CN=g1" }));
            Assert.That(added.Arguments, Is.EqualTo(new Dictionary<string, string> { ["Template"] = "standard" }));
            Assert.That(added.Reason, Is.EqualTo("Ada is entitled to AD_User (rule 1)"));
            Assert.That(added.History.Select(static h => (h.State, h.At, h.Note)), Is.EqualTo(new[] { (OrderState.AwaitingApproval, At.AddMinutes(1), (string?)"held for review") }));
            Assert.That((added.CreatedAt.UtcTicks, added.StateChangedAt, added.PostponedUntil), Is.EqualTo((At.UtcTicks, At.AddMinutes(1), (DateTimeOffset?)At.AddDays(2))), "to the tick");
            Assert.That(added.Resource, Is.Null);
            Assert.That((modified.Resource!.Id, modified.Resource.Key, modified.Resource.Values["Mail"]), Is.EqualTo((200L, "CN=u2", (object?)"old@corp.test")));
            Assert.That((modified.Attempts, modified.NextAttemptAt), Is.EqualTo((2, (DateTimeOffset?)At.AddHours(2))));
            Assert.That((deleted.IsManual, deleted.Owner, deleted.Resource!.Key), Is.EqualTo((true, (OrderOwner?)null, "B-7")));
            Assert.That(pendingUsers.Select(static o => o.Id), Is.EqualTo(new[] { 2L }));
            Assert.That(Scalar(path, "SELECT count(*) FROM orders WHERE owner_id = 100 AND created_at = " + At.UtcTicks + " AND postponed_until IS NOT NULL"), Is.EqualTo(1), "the columns are filled");
            Assert.That(
                Scalar(path, "SELECT count(*) FROM orders WHERE coalesce(json_type(CAST(body AS TEXT), '$.state'), json_type(CAST(body AS TEXT), '$.createdAt'), json_type(CAST(body AS TEXT), '$.attempts'), json_type(CAST(body AS TEXT), '$.resourceType')) IS NOT NULL"),
                Is.Zero,
                "what is a column is not in the body too");
        });
    }

    [Test]
    public async Task Open_FileWrittenBySchema12_MovesEveryProvisioningStateIntoColumnsAndReadsItAsBefore()
    {
        // Fixtures/schema12.db was written by the version before schema 13 (commit 9a1b706): three provisioning
        // states kept whole as JSON. AD_User owner 100: digest 2^64-1, entitled, values Mail, Proxies (two),
        // Manager (null), Enabled ("true"), links MemberOf CN=g1 and CN=g2; AD_User owner 101: digest 42, not
        // entitled, nothing computed; HR_Badge owner 100: digest 7, entitled, Login E001.
        var path = TestDirectory.File("schema12.db");
        File.Copy(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "schema12.db"), path);

        var store = new SqliteResourceStore(path);
        var users = (await store.GetProvisioningStatesAsync("ad_user", CancellationToken.None)).OrderBy(static s => s.OwnerId).ToList();
        var badge = await store.GetProvisioningStatesAsync("HR_Badge", [100, 101], CancellationToken.None);
        var digests = new List<OwnerStateDigest>();
        await foreach (var digest in store.GetProvisioningDigestsAsync("AD_User", CancellationToken.None))
        {
            digests.Add(digest);
        }

        Assert.Multiple(() =>
        {
            Assert.That(Scalar(path, "PRAGMA user_version"), Is.EqualTo(SqliteSchema.CurrentVersion));
            Assert.That(Scalar(path, "SELECT count(*) FROM sqlite_master WHERE name = 'provisioning_states_json'"), Is.Zero);
            Assert.That(users.Select(static s => (s.ResourceType, s.OwnerId, s.InputDigest, s.Entitled)), Is.EqualTo(new[] { ("AD_User", 100L, ulong.MaxValue, true), ("AD_User", 101L, 42UL, false) }));
            Assert.That(users[0].Values, Is.EqualTo(new Dictionary<string, object?> { ["Mail"] = "ada@corp.test", ["Proxies"] = new[] { "smtp:ada@corp.test", "sip:ada@corp.test" }, ["Manager"] = null, ["Enabled"] = "true" }));
            Assert.That(users[0].Links["MemberOf"], Is.EqualTo(new[] { "CN=g1", "CN=g2" }));
            Assert.That((users[1].Values.Count, users[1].Links.Count), Is.EqualTo((0, 0)));
            Assert.That(badge.Select(static s => (s.OwnerId, s.InputDigest, s.Values["Login"])), Is.EqualTo(new[] { (100L, 7UL, (object?)"E001") }));
            Assert.That(digests.OrderBy(static d => d.OwnerId), Is.EqualTo(new[] { new OwnerStateDigest(100, ulong.MaxValue), new OwnerStateDigest(101, 42) }));
            Assert.That(Scalar(path, "SELECT input_digest FROM provisioning_states WHERE owner_id = 101 AND resource_type = 'AD_User' AND entitled = 0"), Is.EqualTo(42), "the columns are filled");
            Assert.That(
                Scalar(path, "SELECT count(*) FROM provisioning_states WHERE coalesce(json_type(CAST(body AS TEXT), '$.inputDigest'), json_type(CAST(body AS TEXT), '$.entitled'), json_type(CAST(body AS TEXT), '$.ownerId')) IS NOT NULL"),
                Is.Zero,
                "what is a column is not in the body too");
        });
    }

    [Test]
    public void SelectStatesOfOwners_IsServedByThePrimaryKey_NotAScan()
    {
        var plan = PlanOf(command =>
        {
            command.CommandText = SqliteProvisioningStates.SelectOwners;
            command.Parameters.AddWithValue("$t", "AD_User");
            command.Parameters.AddWithValue("$ids", "[1,2]");
        });

        Assert.Multiple(() =>
        {
            Assert.That(plan, Has.Some.Matches<string>(static p => p.StartsWith("SEARCH provisioning_states USING PRIMARY KEY (resource_type=? AND owner_id=?)", StringComparison.Ordinal)), string.Join(" | ", plan));
            Assert.That(plan, Has.None.StartsWith("SCAN provisioning_states"), string.Join(" | ", plan));
        });
    }

    [Test]
    public async Task Open_FileWrittenBySchema13_MovesEveryCategorizationIntoColumnsAndReadsItAsBefore()
    {
        // Fixtures/schema13.db was written by the version before schema 14 (commit e05ce82): three categorizations
        // kept whole as JSON. AD_User 200: Correlated to owner 100 as AD_Nominative, confidence 90, account digest
        // 2^64-1, owners digest 42; AD_User 201: Suggested, candidates 100 and 101, its time written at +02:00;
        // App_Account 300: Uncategorized, no type, owner or reason.
        var path = TestDirectory.File("schema13.db");
        File.Copy(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "schema13.db"), path);

        var store = new SqliteResourceStore(path);
        var users = (await store.GetCategorizationsAsync("ad_user", CancellationToken.None)).OrderBy(static c => c.ResourceId).ToList();
        var apps = await store.GetCategorizationsAsync("App_Account", CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(Scalar(path, "PRAGMA user_version"), Is.EqualTo(SqliteSchema.CurrentVersion));
            Assert.That(Scalar(path, "SELECT count(*) FROM sqlite_master WHERE name = 'categorizations_json'"), Is.Zero);
            Assert.That(users.Select(static c => (c.ResourceId, c.Status, c.ResourceType, c.OwnerId, c.Confidence, c.AccountDigest, c.OwnersDigest)), Is.EqualTo(new[]
            {
                (200L, CategorizationStatus.Correlated, (string?)"AD_Nominative", (long?)100, 90, ulong.MaxValue, 42UL),
                (201L, CategorizationStatus.Suggested, (string?)"AD_Nominative", (long?)null, 50, 7UL, 42UL),
            }));
            Assert.That(users[0].Reason, Is.EqualTo("rule 1: EmployeeId = EmployeeId"));
            Assert.That((users[0].Candidates, users[1].Candidates), Is.EqualTo((Array.Empty<long>(), new long[] { 100, 101 })));
            Assert.That((users[0].At.UtcTicks, users[1].At.UtcTicks), Is.EqualTo((At.UtcTicks, At.UtcTicks)), "to the tick, the offset's time in UTC");
            Assert.That(apps.Select(static c => (c.ResourceId, c.Status, c.ResourceType, c.OwnerId, c.Reason)), Is.EqualTo(new[] { (300L, CategorizationStatus.Uncategorized, (string?)null, (long?)null, (string?)null) }));
            Assert.That(Scalar(path, "SELECT count(*) FROM categorizations WHERE candidates = '100,101' AND status = 'Suggested' AND at = " + At.UtcTicks), Is.EqualTo(1), "the columns are filled");
        });
    }

    [Test]
    public async Task Open_FileWrittenBySchema17_MarksTheCategorizationsOfGoneOwners()
    {
        // Fixtures/schema17.db was written by the version before schema 18 (commit 70622fa): people p1 (id 1) and
        // p2 (2), users u1 (3), u2 (4), u3 (5); u1 correlated to p1, u2 to p2, u3 uncategorized; then p2 deleted.
        var path = TestDirectory.File("schema17.db");
        File.Copy(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "schema17.db"), path);

        var store = new SqliteResourceStore(path);
        var orphans = await store.GetCategorizationsAsync(new CategorizationQuery("User") { OwnerMissing = true }, CancellationToken.None);
        await store.SaveCategorizationsAsync([orphans.Single() with { OwnerId = 1 }], CancellationToken.None);
        var afterSave = await store.GetCategorizationsAsync(new CategorizationQuery("User") { OwnerMissing = true }, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(Scalar(path, "PRAGMA user_version"), Is.EqualTo(SqliteSchema.CurrentVersion));
            Assert.That(orphans.Select(static c => (c.ResourceId, c.OwnerId)), Is.EqualTo(new[] { (4L, (long?)2) }), "p2's account, marked by the migration");
            Assert.That(Scalar(path, "SELECT count(*) FROM categorizations WHERE owner_gone = 1"), Is.Zero, "saved with an owner that exists");
            Assert.That(afterSave, Is.Empty);
            Assert.That(Scalar(path, "SELECT count(*) FROM sqlite_master WHERE name = 'categorizations_by_type'"), Is.Zero, "schema 19 drops the index the status index covers");
        });
    }

    [Test]
    public void SelectOrphans_IsServedByTheOwnerGoneIndex()
    {
        var plan = PlanOf(command => command.CommandText = SqliteCategorizations.Select(new CategorizationQuery("AD_User") { OwnerMissing = true, Statuses = [CategorizationStatus.Correlated] }));

        Assert.Multiple(() =>
        {
            Assert.That(plan, Has.Some.Contains("USING INDEX categorizations_owner_gone"), string.Join(" | ", plan));
            Assert.That(plan, Has.None.Contains("resources"), string.Join(" | ", plan));
        });
    }

    [TestCase(false, false, false, "USING INDEX categorizations_by_")]
    [TestCase(true, false, false, "USING INTEGER PRIMARY KEY")]
    [TestCase(false, true, false, "USING INDEX categorizations_by_owner")]
    [TestCase(false, false, true, "USING INDEX categorizations_by_status")]
    public void SelectCategorizations_ByTypeAccountsOwnersOrStatuses_IsServedByAnIndex(bool accounts, bool owners, bool statuses, string index)
    {
        var query = new CategorizationQuery("AD_User")
        {
            ResourceIds = accounts ? [1, 2] : null,
            OwnerIds = owners ? [7] : null,
            Statuses = statuses ? [CategorizationStatus.Suggested, CategorizationStatus.Ambiguous] : null,
        };

        var plan = PlanOf(command => command.CommandText = SqliteCategorizations.Select(query));

        Assert.Multiple(() =>
        {
            Assert.That(plan, Has.Some.Contains(index), string.Join(" | ", plan));
            Assert.That(plan, Has.None.StartsWith("SCAN categorizations"), string.Join(" | ", plan));
        });
    }

    [Test]
    public void CountSettledAccounts_ReadsOnlyTheIndex()
    {
        var query = new CategorizationQuery("AD_User") { ResourceType = "AD_Nominative", Statuses = [CategorizationStatus.Correlated, CategorizationStatus.Reviewed], OwnedOnly = true };

        var plan = PlanOf(command => command.CommandText = SqliteCategorizations.SelectCount(query));

        Assert.That(plan, Has.Some.Contains("USING COVERING INDEX categorizations_by_status"), string.Join(" | ", plan));
    }

    [TestCase("AD_User", "Pending", "orders_by_")]
    [TestCase(null, "AwaitingApproval", "orders_by_state")]
    [TestCase("AD_User", null, "orders_by_type")]
    public void Select_ByTypeOrStates_IsServedByAnIndex(string? resourceType, string? state, string index)
    {
        var plan = PlanOf(command => SqliteOrders.Select(command, resourceType, state is null ? null : [Enum.Parse<OrderState>(state)]));

        Assert.Multiple(() =>
        {
            Assert.That(plan, Has.Some.Contains("USING INDEX " + index), string.Join(" | ", plan));
            Assert.That(plan, Has.None.StartsWith("SCAN orders"), string.Join(" | ", plan));
        });
    }

    [Test]
    public void SelectOfResource_IsServedByTheOwnerAndResourceIndexes()
    {
        var plan = PlanOf(command =>
        {
            command.CommandText = SqliteOrders.SelectOfResource;
            command.Parameters.AddWithValue("$r", 7L);
        });

        Assert.Multiple(() =>
        {
            Assert.That(plan, Has.Some.Contains("USING INDEX orders_by_resource"), string.Join(" | ", plan));
            Assert.That(plan, Has.Some.Contains("USING INDEX orders_by_owner"), string.Join(" | ", plan));
            Assert.That(plan, Has.None.StartsWith("SCAN orders"), string.Join(" | ", plan));
        });
    }

    [Test]
    public async Task SaveOrders_AnOrderWithEveryField_ReadsBackEqualToTheTick()
    {
        var store = new SqliteResourceStore(TestDirectory.File("round.db"));
        var order = new ProvisioningOrder
        {
            ChangeType = OrderChangeType.Modified,
            Kind = OrderKind.NonConforming,
            Connector = "AD",
            ResourceType = "AD_User",
            Owner = new OrderOwner(5, "E5", "Eve"),
            Resource = new OrderResource(6, "CN=e", new Dictionary<string, object?> { ["Mail"] = null, ["Count"] = 3L }),
            Changes = new Dictionary<string, object?> { ["Mail"] = "eve@corp.test" },
            Reason = "Mail should be eve@corp.test",
            State = OrderState.Pending,
            CreatedAt = At,
            StateChangedAt = At.AddTicks(1),
            Attempts = 4,
            NextAttemptAt = At.AddTicks(2),
            PostponedUntil = At.AddTicks(3),
            IsManual = true,
            Message = "retrying",
        };

        var saved = (await store.SaveOrdersAsync([order], [], CancellationToken.None)).Single();
        var read = (await store.GetOrderAsync(saved.Id, CancellationToken.None))!;

        Assert.That(StoredJson.Serialize(read), Is.EqualTo(StoredJson.Serialize(saved)));
    }

    /// <summary>SQLite's plan, line by line, of the statement <paramref name="prepare"/> puts in a command on a new store.</summary>
    private List<string> PlanOf(Action<SqliteCommand> prepare)
    {
        var path = TestDirectory.File("plan.db");
        _ = new SqliteResourceStore(path);
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        using var command = connection.CreateCommand();
        prepare(command);
        command.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
        var plan = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            plan.Add(reader.GetString(3));
        }

        return plan;
    }

    private static long Scalar(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
