using IdentitySync.Categorization;
using IdentitySync.Categorizations;
using IdentitySync.ChangeSets;
using IdentitySync.Configuration;
using IdentitySync.Model;
using IdentitySync.Orders;

namespace IdentitySync.Storage.ConformanceTests;

/// <summary>What every store records in its change feed (<see cref="IChangeFeedStore"/>); each store's test project derives a fixture.</summary>
/// <typeparam name="TStore">Creates and reopens the store under test.</typeparam>
public abstract class ChangeFeedStoreConformanceTests<TStore> : StoreConformanceTests<TStore>
    where TStore : IStoreUnderTest, new()
{
    /// <summary>
    /// Links written as <see cref="INumberedLinks"/> put both ends of every link in the feed, also when a chunk of the
    /// same write was refused after one of its ends was resolved (a writer that remembers resolved ids must still
    /// record an end the refused chunk resolved and a later chunk writes).
    /// </summary>
    [Test]
    public async Task ChangeFeed_NumberedLinks_RecordBothEndsOfEveryLink_AfterARefusedChunk()
    {
        string[] groups = ["g1"];
        string[] users = ["u1", "ghost", "u2"];
        await ApplyAsync("AD", 0, async w =>
        {
            await w.InsertAsync("User", [Change("u1", ["one"]), Change("u2", ["two"])], None);
            await w.InsertAsync("Group", [Change("g1", ["staff"])], None);
        });
        var head = await Store.GetChangeFeedHeadAsync(None);
        await ApplyAsync("AD", 1, async w =>
        {
            Assert.ThrowsAsync<StoreConflictException>(async () => await w.AddLinksAsync(Membership, new NumberedLinks(groups, users, (0, 0), (0, 1)), None));
            await w.AddLinksAsync(Membership, new NumberedLinks(groups, users, (0, 2)), None);
        });

        var after = await Store.GetChangeFeedHeadAsync(None);
        var changed = new HashSet<long>();
        await foreach (var id in Reopen().GetChangedResourceIdsAsync(head.Version, after.Version, None))
        {
            changed.Add(id);
        }

        var g1 = (await Store.FindResourceAsync("Group", "g1", None))!.Id;
        var u2 = (await Store.FindResourceAsync("User", "u2", None))!.Id;
        Assert.That(changed, Is.SupersetOf(new[] { g1, u2 }), "both ends of the link written");
    }

    /// <summary>
    /// Each committed write is one version holding the resources it touched: inserted, updated and deleted resources,
    /// both ends of changed links, a categorization's account with its owner and candidates before and after, an
    /// existing order's account (a new order records nothing), an archived order's, a deleted resource's
    /// categorization's owner and candidates and the other ends of its links; a write that changes
    /// no resource and an apply never committed take no version. Read after a reopen, by version range.
    /// </summary>
    [Test]
    public async Task ChangeFeed_EveryWrite_RecordsTheResourcesItTouched()
    {
        var empty = await Store.GetChangeFeedHeadAsync(None);
        await ApplyAsync("AD", 0, async w =>
        {
            await w.InsertAsync("Person", [Change("p1", ["one"]), Change("p2", ["two"])], None);
            await w.InsertAsync("User", [Change("u1", ["one"]), Change("u2", ["two"]), Change("u3", ["three"])], None);
            await w.InsertAsync("Group", [Change("g1", ["staff"])], None);
            await w.AddLinksAsync(Membership, [new LinkChange("g1", "u1")], None);
        });
        var id = new Dictionary<string, long>();
        foreach (var (type, key) in new[] { ("Person", "p1"), ("Person", "p2"), ("User", "u1"), ("User", "u2"), ("User", "u3"), ("Group", "g1") })
        {
            id[key] = (await Store.FindResourceAsync(type, key, None))!.Id;
        }

        await ApplyAsync("AD", 1, w => w.UpdateAsync("User", [Change("u2", ["second"], digest: 2)], None).AsTask());
        await ApplyAsync("AD", 2, async w =>
        {
            await w.RemoveLinksAsync(Membership, [new LinkChange("g1", "u1")], None);
            await w.AddLinksAsync(Membership, [new LinkChange("g1", "u3")], None);
        });
        await ApplyAsync("AD", 3, static _ => Task.CompletedTask);
        await using (var abandoned = await Store.BeginApplyAsync("AD", 4, None))
        {
            await abandoned.UpdateAsync("User", [Change("u1", ["never"], digest: 9)], None);
        }

        var at = new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);
        await Store.SaveCategorizationsAsync([new AccountCategorization(id["u1"], "User", CategorizationStatus.Correlated, "AD_User", id["p1"], 100, [], "rule 1", 1, 1, at)], None);
        await Store.SaveCategorizationsAsync([new AccountCategorization(id["u1"], "User", CategorizationStatus.Suggested, "AD_User", null, 50, [id["p2"]], "rule 2", 1, 1, at)], None);
        var order = new ProvisioningOrder
        {
            ChangeType = OrderChangeType.Modified,
            Connector = "AD",
            ResourceType = "AD_User",
            Owner = new OrderOwner(id["p1"], "p1", "One"),
            Resource = new OrderResource(id["u2"], "u2", new Dictionary<string, object?>()),
            Changes = new Dictionary<string, object?> { ["Name"] = "one" },
            Reason = "Name should be one",
            State = OrderState.Pending,
            CreatedAt = at,
            StateChangedAt = at,
        };
        var saved = (await Store.SaveOrdersAsync([order], [], None)).Single();
        await Store.SaveOrdersAsync([saved.MoveTo(OrderState.Verified, at.AddHours(1), "verified")], [], None);
        await Store.ArchiveOrdersAsync("AD_User", at.AddDays(1), None);
        await ApplyAsync("AD", 4, w => w.DeleteAsync("User", ["u1"], None).AsTask());
        await ApplyAsync("AD", 5, w => w.DeleteAsync("Group", ["g1"], None).AsTask());

        var reopened = Reopen();
        var head = await reopened.GetChangeFeedHeadAsync(None);
        var versions = new List<long[]>();
        for (var version = 1; version <= head.Version; version++)
        {
            var ids = new List<long>();
            await foreach (var changed in reopened.GetChangedResourceIdsAsync(version - 1, version, None))
            {
                ids.Add(changed);
            }

            versions.Add([.. ids.Distinct().Order()]);
        }

        var all = new List<long>();
        await foreach (var changed in reopened.GetChangedResourceIdsAsync(2, head.Version, None))
        {
            all.Add(changed);
        }

        long[] Ids(params string[] keys) => [.. keys.Select(k => id[k]).Order()];
        Assert.Multiple(() =>
        {
            Assert.That(empty, Is.EqualTo(new ChangeFeedHead(0, 0)), "a new store's feed");
            Assert.That(empty.Covers(0), Is.True);
            Assert.That(head.Version, Is.EqualTo(9));
            Assert.That(head.Covers(0), Is.True, "nothing pruned within the default retention");
            Assert.That(versions, Is.EqualTo(new[]
            {
                Ids("p1", "p2", "u1", "u2", "u3", "g1"),
                Ids("u2"),
                Ids("g1", "u1", "u3"),
                Ids("u1", "p1"),
                Ids("u1", "p1", "p2"),
                Ids("u2"),
                Ids("u2"),
                Ids("u1", "p2"),
                Ids("g1", "u3"),
            }), "one version per write that touched a resource; the empty apply, the abandoned one and the new order took none");
            Assert.That(all.Distinct().Order(), Is.EqualTo(Ids("g1", "u1", "u3", "p1", "p2", "u2")), "versions 3 to 9 in one read");
        });
    }

    /// <summary>
    /// A resource one write touches several ways is recorded once in its version, and the write commits: linked then
    /// updated in one write; linked, then a refused step, then linked again in another.
    /// </summary>
    [Test]
    public async Task ChangeFeed_ResourceTouchedSeveralWaysInOneWrite_RecordedOnce()
    {
        await ApplyAsync("AD", 0, async w =>
        {
            await w.InsertAsync("User", [Change("u1", ["one"]), Change("u2", ["two"])], None);
            await w.InsertAsync("Group", [Change("g1", ["staff"]), Change("g2", ["sales"])], None);
        });
        var first = (await Store.GetChangeFeedHeadAsync(None)).Version;
        await ApplyAsync("AD", 1, async w =>
        {
            await w.AddLinksAsync(Membership, [new LinkChange("g1", "u1")], None);
            await w.UpdateAsync("User", [Change("u1", ["first"], digest: 2)], None);
        });
        await ApplyAsync("AD", 2, async w =>
        {
            await w.AddLinksAsync(Membership, [new LinkChange("g2", "u2")], None);
            Assert.ThrowsAsync<StoreConflictException>(async () => await w.InsertAsync("User", [Change("u2", ["again"])], None));
            await w.AddLinksAsync(Membership, [new LinkChange("g2", "u1")], None);
        });

        var id = new Dictionary<string, long>();
        foreach (var (type, key) in new[] { ("User", "u1"), ("User", "u2"), ("Group", "g1"), ("Group", "g2") })
        {
            id[key] = (await Store.FindResourceAsync(type, key, None))!.Id;
        }

        async Task<long[]> VersionAsync(long version)
        {
            var ids = new List<long>();
            await foreach (var changed in Store.GetChangedResourceIdsAsync(version - 1, version, None))
            {
                ids.Add(changed);
            }

            return [.. ids.Order()];
        }

        long[] Ids(params string[] keys) => [.. keys.Select(k => id[k]).Order()];
        var head = await Store.GetChangeFeedHeadAsync(None);
        var updated = await VersionAsync(first + 1);
        var relinked = await VersionAsync(first + 2);
        Assert.Multiple(() =>
        {
            Assert.That(head.Version, Is.EqualTo(first + 2));
            Assert.That(updated, Is.EqualTo(Ids("g1", "u1")), "linked then updated: once each");
            Assert.That(relinked, Is.EqualTo(Ids("g2", "u1", "u2")), "linked, refused step, linked again: once each");
        });
    }

    /// <summary>
    /// A write that touches thousands of resources inserted one after another (ids in a run) and a few scattered older
    /// ones records each exactly once, the first and last of the run included, and nothing else.
    /// </summary>
    [Test]
    public async Task ChangeFeed_ALongRunOfNewResourcesAndAFewScatteredOnes_RecordedEachOnce()
    {
        await ApplyAsync("AD", 0, async w => await w.InsertAsync("User", [.. Enumerable.Range(0, 40).Select(static i => Change($"old{i:D2}", [$"{i}"]))], None));
        await ApplyAsync("AD", 1, async w =>
        {
            await w.InsertAsync("User", [.. Enumerable.Range(0, 3_000).Select(static i => Change($"new{i:D4}", [$"{i}"]))], None);
            await w.UpdateAsync("User", [Change("old03", ["three"], digest: 2), Change("old17", ["seventeen"], digest: 2), Change("old18", ["eighteen"], digest: 2)], None);
        });

        var head = await Store.GetChangeFeedHeadAsync(None);
        var recorded = new List<long>();
        await foreach (var changed in Store.GetChangedResourceIdsAsync(head.Version - 1, head.Version, None))
        {
            recorded.Add(changed);
        }

        var expected = new List<long>();
        await foreach (var (id, key, _) in Store.GetResourceDigestsAsync("User", None))
        {
            if (key.StartsWith("new", StringComparison.Ordinal) || key is "old03" or "old17" or "old18")
            {
                expected.Add(id);
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(expected, Has.Count.EqualTo(3_003));
            Assert.That(recorded.Order().ToList(), Is.EqualTo(expected.Order().ToList()));
        });
    }

    /// <summary>
    /// A first categorization (nothing categorized before) that names one account twice records the account and both
    /// categorizations' owners and candidates, as a save over stored rows would, and keeps the later of the two, also
    /// when the accounts come out of order.
    /// </summary>
    [Test]
    public async Task ChangeFeed_FirstCategorizationNamingAnAccountTwice_RecordsEveryOwnerAndCandidate()
    {
        await ApplyAsync("AD", 0, async w =>
        {
            await w.InsertAsync("Person", [Change("p1", ["one"]), Change("p2", ["two"]), Change("p3", ["three"])], None);
            await w.InsertAsync("User", [Change("u1", ["one"]), Change("u2", ["two"])], None);
        });
        var id = new Dictionary<string, long>();
        foreach (var (type, key) in new[] { ("Person", "p1"), ("Person", "p2"), ("Person", "p3"), ("User", "u1"), ("User", "u2") })
        {
            id[key] = (await Store.FindResourceAsync(type, key, None))!.Id;
        }

        var at = new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
        await Store.SaveCategorizationsAsync(
            [
                new AccountCategorization(id["u1"], "User", CategorizationStatus.Correlated, "AD_User", id["p1"], 100, [], "rule 1", 1, 1, at),
                new AccountCategorization(id["u1"], "User", CategorizationStatus.Suggested, "AD_User", null, 50, [id["p2"]], "rule 2", 1, 1, at),
            ],
            None);

        var head = await Store.GetChangeFeedHeadAsync(None);
        var recorded = new List<long>();
        await foreach (var changed in Store.GetChangedResourceIdsAsync(head.Version - 1, head.Version, None))
        {
            recorded.Add(changed);
        }

        var afterFirst = (await Store.GetCategorizationsAsync("User", None)).Single();

        // Out of order this time: the account named twice still keeps its later categorization.
        await Store.SaveCategorizationsAsync(
            [
                new AccountCategorization(id["u2"], "User", CategorizationStatus.Correlated, "AD_User", id["p3"], 100, [], "rule 1", 1, 1, at),
                new AccountCategorization(id["u1"], "User", CategorizationStatus.Suggested, "AD_User", null, 40, [id["p3"]], "rule 3", 1, 1, at),
                new AccountCategorization(id["u1"], "User", CategorizationStatus.Correlated, "AD_User", id["p2"], 90, [], "rule 4", 1, 1, at),
            ],
            None);
        var afterSecond = (await Store.GetCategorizationsAsync("User", None)).ToDictionary(static c => c.ResourceId);

        Assert.Multiple(() =>
        {
            Assert.That(recorded.Order(), Is.EqualTo(new[] { id["p1"], id["p2"], id["u1"] }.Order()));
            Assert.That((afterFirst.Status, afterFirst.Reason), Is.EqualTo((CategorizationStatus.Suggested, "rule 2")), "the later of the two");
            Assert.That((afterSecond[id["u1"]].Status, afterSecond[id["u1"]].OwnerId), Is.EqualTo((CategorizationStatus.Correlated, (long?)id["p2"])), "the later of the two, out of order");
            Assert.That(afterSecond[id["u2"]].OwnerId, Is.EqualTo(id["p3"]));
        });
    }

    /// <summary>A consumer's position is kept by name (as written) with its fingerprint to the last bit, replaced, and absent until set.</summary>
    [Test]
    public async Task ChangeFeed_ConsumerPositions_KeptByName()
    {
        var before = await Store.GetChangeFeedPositionAsync("provisioning:AD_User", None);
        await Store.SetChangeFeedPositionAsync("provisioning:AD_User", new ChangeFeedPosition(3, ulong.MaxValue), None);
        await Store.SetChangeFeedPositionAsync("provisioning:App_User", new ChangeFeedPosition(1, 1), None);
        await Store.SetChangeFeedPositionAsync("provisioning:AD_User", new ChangeFeedPosition(5, 1UL << 63), None);
        var reopened = Reopen();

        Assert.Multiple(async () =>
        {
            Assert.That(before, Is.Null);
            Assert.That(await reopened.GetChangeFeedPositionAsync("provisioning:AD_User", None), Is.EqualTo(new ChangeFeedPosition(5, 1UL << 63)));
            Assert.That(await reopened.GetChangeFeedPositionAsync("provisioning:App_User", None), Is.EqualTo(new ChangeFeedPosition(1, 1)));
            Assert.That(await reopened.GetChangeFeedPositionAsync("provisioning:AD_USER", None), Is.Null, "names are compared as written");
        });
    }

    /// <summary>
    /// Versions older than the retention are pruned when the next write commits, and the head says so: with no
    /// retention, each write prunes every version before it, and only changes since the newest can be read in full.
    /// </summary>
    [Test]
    public async Task ChangeFeed_VersionsPastTheRetention_ArePrunedAndTheHeadSaysSo()
    {
        var store = Reopen(TimeSpan.Zero);
        await using (var writer = await store.BeginApplyAsync("AD", 0, None))
        {
            await writer.InsertAsync("User", [Change("u1", ["one"])], None);
            await writer.CommitAsync(new ConnectorState(1, null, [], null), None);
        }

        await using (var writer = await store.BeginApplyAsync("AD", 1, None))
        {
            await writer.InsertAsync("User", [Change("u2", ["two"])], None);
            await writer.CommitAsync(new ConnectorState(2, null, [], null), None);
        }

        var head = await store.GetChangeFeedHeadAsync(None);
        var kept = new List<long>();
        await foreach (var changed in store.GetChangedResourceIdsAsync(0, head.Version, None))
        {
            kept.Add(changed);
        }

        var u2 = (await store.FindResourceAsync("User", "u2", None))!.Id;
        Assert.Multiple(() =>
        {
            Assert.That(head, Is.EqualTo(new ChangeFeedHead(2, 1)));
            Assert.That(head.Covers(0), Is.False, "version 1 is gone");
            Assert.That(head.Covers(1), Is.True);
            Assert.That(head.Covers(3), Is.False, "a position past the head (a store restored from an older copy)");
            Assert.That(kept, Is.EqualTo(new[] { u2 }), "only the newest version's entries are left");
        });
    }

    /// <summary>
    /// Categorization follows the feed on every store: after its first pass, a joiner's account and the unsettled one
    /// (the owners changed) are all it examines, and each run's position moves past its own save, which the store's
    /// feed records as exactly the accounts, owners and candidates the save touched.
    /// </summary>
    [Test]
    public async Task ChangeFeed_Categorization_ExaminesWhatChanged_AndMovesPastItsOwnSave()
    {
        var model = new IdentityModelBuilder()
            .AddEntityType("Person", static e => e.AddProperty("EmployeeId"))
            .AddEntityType("Account", static e => e.AddProperty("Login").AddProperty("EmployeeId"))
            .AddConnector("AD", static c => c
                .AddConnection("Export", "Memory")
                .MapEntityType("Account", "Export", "users", static m => m.Map("Login", key: PropertyKey.Primary).Map("EmployeeId")))
            .AddResourceType("AD_Account", "AD", "Person", "Account", static r =>
                r.CorrelationRules.Add(new CorrelationRuleOptions { Owner = "Owner.EmployeeId", Account = "Account.EmployeeId", Confidence = 100 }))
            .Build();
        await ApplyAsync("HR", 0, w => w.InsertAsync("Person", [.. Enumerable.Range(1, 20).Select(static i => Change($"P{i}", [$"{i}"]))], None).AsTask());
        await ApplyAsync("AD", 0, w => w.InsertAsync("Account", [.. Enumerable.Range(1, 20).Select(static i => Change($"a{i}", [$"a{i}", $"{i}"])), Change("svc", ["svc", null])], None).AsTask());
        var engine = new CategorizationEngine(model, Store);

        var first = await engine.CategorizeAsync();
        var headAfterFirst = (await Store.GetChangeFeedHeadAsync(None)).Version;
        var positionAfterFirst = await Store.GetChangeFeedPositionAsync("categorization:Account", None);
        await ApplyAsync("HR", 1, w => w.InsertAsync("Person", [Change("P21", ["21"])], None).AsTask());
        await ApplyAsync("AD", 1, w => w.InsertAsync("Account", [Change("a21", ["a21", "21"])], None).AsTask());
        var second = await engine.CategorizeAsync();
        var headAfterSecond = (await Store.GetChangeFeedHeadAsync(None)).Version;
        var positionAfterSecond = await Store.GetChangeFeedPositionAsync("categorization:Account", None);
        var joiner = (await Store.FindResourceAsync("Account", "a21", None))!.Id;
        var owner = (await Store.FindResourceAsync("Person", "P21", None))!.Id;
        var categorized = (await Store.GetCategorizationsAsync(new CategorizationQuery("Account") { ResourceIds = [joiner] }, None)).Single();

        Assert.Multiple(() =>
        {
            Assert.That((first.Considered, first.Kept), Is.EqualTo((21L, 0L)));
            Assert.That(positionAfterFirst?.Version, Is.EqualTo(headAfterFirst), "past the first pass's own save");
            Assert.That((second.Considered, second.Kept), Is.EqualTo((2L, 20L)), "the joiner's account and the uncategorized one");
            Assert.That((categorized.Status, categorized.OwnerId), Is.EqualTo((CategorizationStatus.Correlated, (long?)owner)));
            Assert.That(positionAfterSecond?.Version, Is.EqualTo(headAfterSecond));
        });
    }
}
