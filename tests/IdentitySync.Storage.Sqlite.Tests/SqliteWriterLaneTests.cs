using IdentitySync.ChangeSets;
using Microsoft.Data.Sqlite;

namespace IdentitySync.Storage.Sqlite.Tests;

/// <summary>
/// The writer writes new resources of a type the store held none of on a second thread (decision 102): what a caller
/// sees stays the same, a conflict at the call, a failure that fails the write and leaves the store as it was, ids
/// that never collide with the rows written the ordinary way, and names compared as SQLite compares them.
/// </summary>
public sealed class SqliteWriterLaneTests : TemporaryDirectoryTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    [Test]
    public async Task Insert_OfANewType_RefusesAKeyGivenTwiceOrInsertedBefore_AtTheCall_AndWritesNothingOfThatCall()
    {
        var store = new SqliteResourceStore(TestDirectory.File("lane.db"));
        StoreConflictException? twice = null, again = null;
        await using (var writer = await store.BeginApplyAsync("AD", 0, None))
        {
            await writer.InsertAsync("User", [Change("u1"), Change("u2")], None);
            again = Assert.ThrowsAsync<StoreConflictException>(async () => await writer.InsertAsync("User", [Change("u3"), Change("u1")], None));
            twice = Assert.ThrowsAsync<StoreConflictException>(async () => await writer.InsertAsync("User", [Change("u4"), Change("u5"), Change("u4")], None));
            await writer.InsertAsync("User", [Change("u6")], None);
            await writer.CommitAsync(new ConnectorState(1, "b1", [], null), None);
        }

        Assert.Multiple(async () =>
        {
            Assert.That(again!.Message, Does.Contain("'u1'"));
            Assert.That(twice!.Message, Does.Contain("'u4'"));
            Assert.That(await KeysAsync(store, "User"), Is.EqualTo(new[] { "u1", "u2", "u6" }), "nothing of a refused call is written");
        });
    }

    [Test]
    public async Task AFailureWhileRowsAreWritten_FailsTheWrite_LeavesTheStoreAsItWas_AndTheNextWriteWorks()
    {
        var path = TestDirectory.File("refused.db");
        var store = new SqliteResourceStore(path);
        await InsertAndCommitAsync(store, 0, "Device", "d1");

        await using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "CREATE TRIGGER refuse BEFORE INSERT ON resources WHEN NEW.key = 'bad' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;";
            await command.ExecuteNonQueryAsync();
        }

        var failed = Assert.ThrowsAsync<SqliteException>(async () =>
        {
            await using var writer = await store.BeginApplyAsync("AD", 1, None);
            await writer.InsertAsync("Group", [Change("g1")], None);
            await writer.InsertAsync("User", [.. Enumerable.Range(0, 5_000).Select(static i => Change($"u{i:D5}")), Change("bad")], None);
            await writer.AddLinksAsync(new EntityAssociationKeys("Membership", "Group", "User"), [new LinkChange("g1", "u00001")], None);
            await writer.CommitAsync(new ConnectorState(2, "b2", [], null), None);
        });

        Assert.Multiple(async () =>
        {
            Assert.That(failed!.Message, Does.Contain("refused by the test"));
            Assert.That(await store.CountResourcesAsync("User", None), Is.Zero);
            Assert.That(await store.CountResourcesAsync("Group", None), Is.Zero);
            Assert.That((await store.GetConnectorStateAsync("AD", None)).Version, Is.EqualTo(1));
        });

        await InsertAndCommitAsync(store, 1, "User", "good");

        Assert.That(await KeysAsync(store, "User"), Is.EqualTo(new[] { "good" }));
    }

    [Test]
    public async Task AWriteCancelledWhileRowsAreWritten_CommitsNothing_AndTheNextWriteWorks()
    {
        var store = new SqliteResourceStore(TestDirectory.File("cancelled.db"));
        using var cancellation = new CancellationTokenSource();
        Assert.CatchAsync<OperationCanceledException>(async () =>
        {
            await using var writer = await store.BeginApplyAsync("AD", 0, None);
            await writer.InsertAsync("User", [.. Enumerable.Range(0, 50_000).Select(static i => Change($"u{i:D5}"))], cancellation.Token);
            await cancellation.CancelAsync();
            await writer.CommitAsync(new ConnectorState(1, "b1", [], null), cancellation.Token);
        });

        Assert.Multiple(async () =>
        {
            Assert.That(await store.CountResourcesAsync("User", None), Is.Zero);
            Assert.That((await store.GetConnectorStateAsync("AD", None)).Version, Is.Zero);
        });

        await InsertAndCommitAsync(store, 0, "User", "u1");

        Assert.That(await KeysAsync(store, "User"), Is.EqualTo(new[] { "u1" }));
    }

    [Test]
    public async Task RowsOfNewAndOfStoredTypes_InterleavedInOneWrite_GetDistinctIds_AndLinkAsNamed()
    {
        var store = new SqliteResourceStore(TestDirectory.File("mixed.db"));
        await InsertAndCommitAsync(store, 0, "User", "u1");

        var membership = new EntityAssociationKeys("Membership", "Group", "User");
        await using (var writer = await store.BeginApplyAsync("AD", 1, None))
        {
            await writer.InsertAsync("Group", [Change("g1"), Change("g2")], None);
            await writer.InsertAsync("User", [Change("u2")], None);
            await writer.InsertAsync("Group", [Change("g3")], None);
            await writer.InsertAsync("User", [Change("u3")], None);
            await writer.AddLinksAsync(membership, [new LinkChange("g1", "u1"), new LinkChange("g3", "u2"), new LinkChange("g2", "u3")], None);
            await writer.CommitAsync(new ConnectorState(2, "b2", [], null), None);
        }

        var ids = new Dictionary<long, string>();
        foreach (var (type, key) in new[] { ("User", "u1"), ("User", "u2"), ("User", "u3"), ("Group", "g1"), ("Group", "g2"), ("Group", "g3") })
        {
            var resource = await store.FindResourceAsync(type, key, None);
            Assert.That(resource, Is.Not.Null, key);
            Assert.That(ids.TryAdd(resource!.Id, key), Is.True, $"{key} has an id of its own");
        }

        var links = new List<string>();
        await foreach (var link in store.GetLinksAsync("Membership", None))
        {
            links.Add($"{ids[link.FirstId]}|{ids[link.SecondId]}");
        }

        links.Sort(StringComparer.Ordinal);
        Assert.That(links, Is.EqualTo(new[] { "g1|u1", "g2|u3", "g3|u2" }));
    }

    [Test]
    public async Task AFirstLoadOfManySets_WritesEverySetBothWays_AndALaterWriteMergesIntoThem()
    {
        var store = new SqliteResourceStore(TestDirectory.File("sets.db"));
        var membership = new EntityAssociationKeys("Membership", "Group", "User");
        var users = Enumerable.Range(0, 40_000).Select(static i => $"u{i:D5}").ToList();
        var groups = Enumerable.Range(0, 50).Select(static i => $"g{i:D2}").ToList();
        var given = users.SelectMany((u, i) => Enumerable.Range(0, 1 + (i % 3)).Select(k => new LinkChange(groups[(i + (k * 17)) % 50], u))).ToList();
        await using (var writer = await store.BeginApplyAsync("AD", 0, None))
        {
            await writer.InsertAsync("User", [.. users.Select(Change)], None);
            await writer.InsertAsync("Group", [.. groups.Select(Change)], None);
            foreach (var chunk in given.Chunk(10_000))
            {
                await writer.AddLinksAsync(membership, chunk, None);
            }

            await writer.CommitAsync(new ConnectorState(1, "b1", [], null), None);
        }

        var added = new LinkChange("g49", "u00000");
        await using (var writer = await store.BeginApplyAsync("AD", 1, None))
        {
            await writer.AddLinksAsync(membership, [added], None);
            await writer.CommitAsync(new ConnectorState(2, "b2", [], null), None);
        }

        var keys = new Dictionary<long, string>();
        await foreach (var resource in store.GetResourcesAsync("User", None))
        {
            keys[resource.Id] = resource.Key;
        }

        await foreach (var resource in store.GetResourcesAsync("Group", None))
        {
            keys[resource.Id] = resource.Key;
        }

        var stored = new List<string>();
        await foreach (var link in store.GetLinksAsync("Membership", None))
        {
            stored.Add($"{keys[link.FirstId]}|{keys[link.SecondId]}");
        }

        var expected = given.Append(added).Select(static l => $"{l.FirstKey}|{l.SecondKey}").Distinct().Order(StringComparer.Ordinal).ToList();
        stored.Sort(StringComparer.Ordinal);

        // The other way: each user's groups, every 97th user and the one that gained a group.
        var byUser = new List<string>();
        var expectedByUser = new List<string>();
        foreach (var (id, key) in keys.Where(static k => k.Value.StartsWith('u')).OrderBy(static k => k.Value, StringComparer.Ordinal).Where((_, i) => i % 97 == 0))
        {
            var linked = await store.GetLinkedResourcesAsync("Membership", id, LinkDirection.SecondToFirst, None);
            byUser.AddRange(linked.Select(g => $"{g.Key}|{key}").Order(StringComparer.Ordinal));
            expectedByUser.AddRange(expected.Where(e => e.EndsWith("|" + key, StringComparison.Ordinal)));
        }

        Assert.Multiple(async () =>
        {
            Assert.That(stored, Is.EqualTo(expected), "each group's set");
            Assert.That(await store.CountLinksAsync("Membership", None), Is.EqualTo(expected.Count));
            Assert.That(byUser, Is.EqualTo(expectedByUser), "each user's set");
            Assert.That(expectedByUser, Does.Contain("g49|u00000"));
        });
    }

    [Test]
    public async Task TypeNames_CompareAsSqliteNoCase_AsciiLettersFoldAndOthersDoNot()
    {
        var store = new SqliteResourceStore(TestDirectory.File("names.db"));
        await InsertAndCommitAsync(store, 0, "User", "u1");

        await using (var writer = await store.BeginApplyAsync("AD", 1, None))
        {
            await writer.InsertAsync("USER", [Change("u2")], None);
            await writer.InsertAsync("Äpfel", [Change("a")], None);
            await writer.InsertAsync("äpfel", [Change("b")], None);
            await writer.CommitAsync(new ConnectorState(2, "b2", [], null), None);
        }

        Assert.Multiple(async () =>
        {
            Assert.That(await KeysAsync(store, "user"), Is.EqualTo(new[] { "u1", "u2" }), "one type, whatever the case of its ASCII letters");
            Assert.That(await KeysAsync(store, "Äpfel"), Is.EqualTo(new[] { "a" }));
            Assert.That(await KeysAsync(store, "äpfel"), Is.EqualTo(new[] { "b" }), "SQLite folds no other letter: two types");
        });
    }

    private static ResourceChange Change(string key) => new(key, 1, [key], [], 0);

    /// <summary>One write that inserts resources and commits the connector's next version.</summary>
    private static async Task InsertAndCommitAsync(SqliteResourceStore store, long version, string entityType, params string[] keys)
    {
        await using var writer = await store.BeginApplyAsync("AD", version, None);
        await writer.InsertAsync(entityType, [.. keys.Select(Change)], None);
        await writer.CommitAsync(new ConnectorState(version + 1, $"b{version + 1}", [], null), None);
    }

    private static async Task<List<string>> KeysAsync(SqliteResourceStore store, string entityType)
    {
        var keys = new List<string>();
        await foreach (var resource in store.GetResourcesAsync(entityType, None))
        {
            keys.Add(resource.Key);
        }

        keys.Sort(StringComparer.Ordinal);
        return keys;
    }
}
