using IdentitySync.Categorizations;

namespace IdentitySync.Storage.ConformanceTests;

/// <summary>What every store does with categorizations (<see cref="ICategorizationStore"/>); each store's test project derives a fixture.</summary>
/// <typeparam name="TStore">Creates and reopens the store under test.</typeparam>
public abstract class CategorizationStoreConformanceTests<TStore> : StoreConformanceTests<TStore>
    where TStore : IStoreUnderTest, new()
{
    /// <summary>Categorizations are kept per account, replaced, and deleted with their account.</summary>
    [Test]
    public async Task Categorizations_SavedReplacedAndDeletedWithTheAccount_RoundTrip()
    {
        await ApplyAsync("AD", 0, w => w.InsertAsync("User", [Change("u1", ["one"]), Change("u2", ["two"])], None).AsTask());
        var u1 = (await Store.FindResourceAsync("User", "u1", None))!.Id;
        var u2 = (await Store.FindResourceAsync("User", "u2", None))!.Id;
        var at = new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);
        var first = new AccountCategorization(u1, "User", CategorizationStatus.Ambiguous, "AD_Nominative", null, 90, [7, 8], "rule 2 matched 'zoe'", ulong.MaxValue, 42, at);
        var second = new AccountCategorization(u2, "User", CategorizationStatus.Correlated, "AD_Nominative", 7, 120, [], "rule 1", 3, 42, at);

        await Store.SaveCategorizationsAsync([first, second], None);
        await Store.SaveCategorizationsAsync([first with { Status = CategorizationStatus.Reviewed, OwnerId = 8, Candidates = [] }], None);
        var kept = await Reopen().GetCategorizationsAsync("user", None);
        await ApplyAsync("AD", 1, w => w.DeleteAsync("User", ["u2"], None).AsTask());

        var afterDelete = await Store.GetCategorizationsAsync("User", None);
        Assert.Multiple(() =>
        {
            Assert.That(kept.OrderBy(static c => c.ResourceId).Select(static c => (c.Status, c.OwnerId)), Is.EqualTo(new[]
            {
                (CategorizationStatus.Reviewed, (long?)8),
                (CategorizationStatus.Correlated, (long?)7),
            }));
            Assert.That(kept.Single(c => c.ResourceId == u1).AccountDigest, Is.EqualTo(ulong.MaxValue));
            Assert.That(kept.Single(c => c.ResourceId == u2).At, Is.EqualTo(at));
            Assert.That(afterDelete.Select(static c => c.ResourceId), Is.EqualTo(new[] { u1 }));
        });
    }

    /// <summary>
    /// A query narrows an entity type's categorizations (any case) by accounts, owners, statuses and resource type
    /// (any case), alone or together; unknown and repeated ids are ignored, an empty filter finds nothing, and the
    /// count says how many the same query reads.
    /// </summary>
    [Test]
    public async Task Categorizations_Query_ByAccountsOwnersStatusesAndType()
    {
        await ApplyAsync("AD", 0, w => w.InsertAsync("User", [Change("u1", ["1"]), Change("u2", ["2"]), Change("u3", ["3"]), Change("u4", ["4"])], None).AsTask());
        await ApplyAsync("App", 0, w => w.InsertAsync("Login", [Change("l1", ["1"])], None).AsTask());
        var id = new Dictionary<string, long>();
        foreach (var (type, key) in new[] { ("User", "u1"), ("User", "u2"), ("User", "u3"), ("User", "u4"), ("Login", "l1") })
        {
            id[key] = (await Store.FindResourceAsync(type, key, None))!.Id;
        }

        var at = new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);
        await Store.SaveCategorizationsAsync(
            [
                new(id["u1"], "User", CategorizationStatus.Correlated, "AD_User", 7, 100, [], "rule 1", 1, 1, at),
                new(id["u2"], "User", CategorizationStatus.Reviewed, "AD_Admin", 7, 100, [], "review", 1, 1, at),
                new(id["u3"], "User", CategorizationStatus.Suggested, "AD_User", null, 50, [8], "rule 2", 1, 1, at),
                new(id["u4"], "User", CategorizationStatus.Correlated, "AD_User", 8, 100, [], "rule 1", 1, 1, at),
                new(id["l1"], "Login", CategorizationStatus.Correlated, "App_User", 7, 100, [], "rule 1", 1, 1, at),
            ],
            None);

        async Task<string[]> Keys(CategorizationQuery query) =>
            [.. (await Store.GetCategorizationsAsync(query, None)).Select(c => id.Single(i => i.Value == c.ResourceId).Key).Order(StringComparer.Ordinal)];
        var reopened = Reopen();

        Assert.Multiple(async () =>
        {
            Assert.That(await Keys(new CategorizationQuery("user")), Is.EqualTo(new[] { "u1", "u2", "u3", "u4" }));
            Assert.That(await Keys(new CategorizationQuery("User") { ResourceIds = [id["u1"], id["u3"], id["u3"], id["l1"], 999_999] }), Is.EqualTo(new[] { "u1", "u3" }), "another type's account and unknown ids are not read");
            Assert.That(await Keys(new CategorizationQuery("User") { OwnerIds = [7, 999_999] }), Is.EqualTo(new[] { "u1", "u2" }), "owner 7's accounts of this type; not the suggestion's candidate");
            Assert.That(await Keys(new CategorizationQuery("User") { Statuses = [CategorizationStatus.Suggested, CategorizationStatus.Ambiguous] }), Is.EqualTo(new[] { "u3" }));
            Assert.That(await Keys(new CategorizationQuery("User") { ResourceType = "ad_user", OwnerIds = [7, 8] }), Is.EqualTo(new[] { "u1", "u4" }));
            Assert.That(await Keys(new CategorizationQuery("User") { OwnerIds = [] }), Is.Empty, "an empty filter finds nothing");
            Assert.That(await reopened.CountCategorizationsAsync(new CategorizationQuery("USER") { ResourceType = "AD_User", Statuses = [CategorizationStatus.Correlated, CategorizationStatus.Reviewed] }, None), Is.EqualTo(2));
            Assert.That(await reopened.CountCategorizationsAsync(new CategorizationQuery("Nothing"), None), Is.Zero);
            Assert.That(await Keys(new CategorizationQuery("User") { OwnedOnly = true, ResourceType = "AD_User" }), Is.EqualTo(new[] { "u1", "u4" }), "the suggestion has no owner");
        });

        // Without reasons: the same categorizations, every other field as stored; a reason, when a store gives one, is the stored one.
        var full = (await reopened.GetCategorizationsAsync(new CategorizationQuery("User") { Statuses = [CategorizationStatus.Suggested, CategorizationStatus.Correlated] }, None)).OrderBy(static c => c.ResourceId).ToList();
        var lean = (await reopened.GetCategorizationsAsync(new CategorizationQuery("User") { Statuses = [CategorizationStatus.Suggested, CategorizationStatus.Correlated], WithoutReasons = true }, None)).OrderBy(static c => c.ResourceId).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(lean.Select(Fields), Is.EqualTo(full.Select(Fields)), "the same categorizations, every other field equal");
            Assert.That(lean.Zip(full).Where(static p => p.First.Reason is not null && p.First.Reason != p.Second.Reason), Is.Empty, "a reason given is the stored one");
            Assert.That(full.Select(static c => c.Reason), Has.None.Null, "the full read has them");
        });

        static string Fields(AccountCategorization c) =>
            $"{c.ResourceId}|{c.EntityType}|{c.Status}|{c.ResourceType}|{c.OwnerId}|{c.Confidence}|{string.Join(",", c.Candidates)}|{c.AccountDigest}|{c.OwnersDigest}|{c.At:O}";
    }

    /// <summary>
    /// <see cref="CategorizationQuery.OwnerMissing"/> names the categorizations whose owner the store no longer holds
    /// (an owner deleted after its accounts were categorized), with the other filters, and counts them the same way;
    /// one without an owner, or whose owner exists, is not named.
    /// </summary>
    [Test]
    public async Task Categorizations_Query_OwnerMissing_NamesTheAccountsOfDeletedOwners()
    {
        await ApplyAsync("HR", 0, w => w.InsertAsync("Person", [Change("p1", ["1"]), Change("p2", ["2"]), Change("p3", ["3"])], None).AsTask());
        await ApplyAsync("AD", 0, w => w.InsertAsync("User", [Change("u1", ["1"]), Change("u2", ["2"]), Change("u3", ["3"]), Change("u4", ["4"]), Change("u5", ["5"])], None).AsTask());
        var id = new Dictionary<string, long>();
        foreach (var (type, key) in new[] { ("Person", "p1"), ("Person", "p2"), ("Person", "p3"), ("User", "u1"), ("User", "u2"), ("User", "u3"), ("User", "u4"), ("User", "u5") })
        {
            id[key] = (await Store.FindResourceAsync(type, key, None))!.Id;
        }

        var at = new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);
        await Store.SaveCategorizationsAsync(
            [
                new(id["u1"], "User", CategorizationStatus.Correlated, "AD_User", id["p1"], 100, [], "rule 1", 1, 1, at),
                new(id["u2"], "User", CategorizationStatus.Correlated, "AD_User", id["p2"], 100, [], "rule 1", 1, 1, at),
                new(id["u3"], "User", CategorizationStatus.Reviewed, "AD_Admin", id["p2"], 100, [], "review", 1, 1, at),
                new(id["u4"], "User", CategorizationStatus.Classified, "AD_Service", null, 100, [], "rule 3", 1, 1, at),
                new(id["u5"], "User", CategorizationStatus.Correlated, "AD_User", id["p3"], 100, [], "rule 1", 1, 1, at),
            ],
            None);
        await ApplyAsync("HR", 1, w => w.DeleteAsync("Person", ["p2", "p3"], None).AsTask());

        async Task<string[]> Keys(CategorizationQuery query) =>
            [.. (await Store.GetCategorizationsAsync(query, None)).Select(c => id.Single(i => i.Value == c.ResourceId).Key).Order(StringComparer.Ordinal)];
        var reopened = Reopen();

        Assert.Multiple(async () =>
        {
            Assert.That(await Keys(new CategorizationQuery("User") { OwnerMissing = true }), Is.EqualTo(new[] { "u2", "u3", "u5" }), "p2 and p3 are gone; p1 is there; u4 has no owner");
            Assert.That(await Keys(new CategorizationQuery("user") { OwnerMissing = true, Statuses = [CategorizationStatus.Correlated] }), Is.EqualTo(new[] { "u2", "u5" }));
            Assert.That(await Keys(new CategorizationQuery("User") { OwnerMissing = true, OwnerIds = [id["p1"], id["p3"]] }), Is.EqualTo(new[] { "u5" }));
            Assert.That(await reopened.CountCategorizationsAsync(new CategorizationQuery("User") { OwnerMissing = true, ResourceType = "ad_user" }, None), Is.EqualTo(2));
            Assert.That(await Keys(new CategorizationQuery("User") { OwnedOnly = true }), Is.EqualTo(new[] { "u1", "u2", "u3", "u5" }), "without OwnerMissing, a gone owner's accounts are still owned");
        });
    }

    /// <summary>
    /// A categorization saved with an owner the store no longer holds (an orphan kept as its gone owner's) is named by
    /// <see cref="CategorizationQuery.OwnerMissing"/>; saved again with an owner that exists, or none, it is not.
    /// </summary>
    [Test]
    public async Task Categorizations_SavedWithAGoneOwner_AreOwnerMissingUntilSavedWithAnother()
    {
        await ApplyAsync("HR", 0, w => w.InsertAsync("Person", [Change("p1", ["1"]), Change("p2", ["2"])], None).AsTask());
        await ApplyAsync("AD", 0, w => w.InsertAsync("User", [Change("u1", ["1"]), Change("u2", ["2"])], None).AsTask());
        var p1 = (await Store.FindResourceAsync("Person", "p1", None))!.Id;
        var p2 = (await Store.FindResourceAsync("Person", "p2", None))!.Id;
        var u1 = (await Store.FindResourceAsync("User", "u1", None))!.Id;
        var u2 = (await Store.FindResourceAsync("User", "u2", None))!.Id;
        await ApplyAsync("HR", 1, w => w.DeleteAsync("Person", ["p2"], None).AsTask());
        var at = new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

        await Store.SaveCategorizationsAsync(
            [
                new(u1, "User", CategorizationStatus.Correlated, "AD_User", p2, 100, [], "kept as the gone owner's", 1, 1, at),
                new(u2, "User", CategorizationStatus.Correlated, "AD_User", p2, 100, [], "kept as the gone owner's", 1, 1, at),
            ],
            None);
        var kept = await Reopen().GetCategorizationsAsync(new CategorizationQuery("User") { OwnerMissing = true }, None);
        await Store.SaveCategorizationsAsync(
            [
                new(u1, "User", CategorizationStatus.Correlated, "AD_User", p1, 100, [], "rule 1", 1, 2, at),
                new(u2, "User", CategorizationStatus.Uncategorized, null, null, 0, [], null, 1, 2, at),
            ],
            None);
        var owned = await Reopen().GetCategorizationsAsync(new CategorizationQuery("User") { OwnerMissing = true }, None);

        Assert.Multiple(() =>
        {
            Assert.That(kept.Select(static c => c.ResourceId).Order(), Is.EqualTo(new[] { u1, u2 }));
            Assert.That(owned, Is.Empty);
        });
    }

    /// <summary>Every field of a categorization reads back as saved (the time to the tick, in UTC), candidates in their order, absent values absent.</summary>
    [Test]
    public async Task Categorizations_EveryField_ReadsBackToTheTick()
    {
        await ApplyAsync("AD", 0, w => w.InsertAsync("User", [Change("u1", ["one"]), Change("u2", ["two"]), Change("u3", ["three"])], None).AsTask());
        var ids = new List<long>();
        foreach (var key in new[] { "u1", "u2", "u3" })
        {
            ids.Add((await Store.FindResourceAsync("User", key, None))!.Id);
        }

        var at = new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero).AddTicks(1234567);
        AccountCategorization[] saved =
        [
            new(ids[0], "User", CategorizationStatus.Suggested, "AD_Nominative", null, 50, [9, 3, 12_345_678_901], "rule 2 (suggest): 'Zoë, \"the\" admin'", ulong.MaxValue, 1UL << 63, at.ToOffset(TimeSpan.FromHours(2))),
            new(ids[1], "User", CategorizationStatus.Uncategorized, null, null, 0, [], null, 0, 0, at),
            new(ids[2], "User", CategorizationStatus.Correlated, "AD_Admin", 7, int.MaxValue, [], string.Empty, 42, (ulong)long.MaxValue, at.AddDays(-1)),
        ];

        await Store.SaveCategorizationsAsync(saved, None);
        var read = (await Reopen().GetCategorizationsAsync("USER", None)).OrderBy(static c => c.ResourceId).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(read, Has.Count.EqualTo(3));
            for (var i = 0; i < saved.Length; i++)
            {
                var (expected, actual) = (saved[i], read[i]);
                Assert.That(
                    (actual.ResourceId, actual.EntityType, actual.Status, actual.ResourceType, actual.OwnerId, actual.Confidence, actual.Reason, actual.AccountDigest, actual.OwnersDigest),
                    Is.EqualTo((expected.ResourceId, expected.EntityType, expected.Status, expected.ResourceType, expected.OwnerId, expected.Confidence, expected.Reason, expected.AccountDigest, expected.OwnersDigest)),
                    $"categorization {i}");
                Assert.That(actual.Candidates, Is.EqualTo(expected.Candidates), $"candidates of {i}");
                Assert.That((actual.At, actual.At.UtcTicks), Is.EqualTo((expected.At, expected.At.UtcTicks)), $"time of {i}");
            }
        });
    }

    /// <summary>
    /// Hundreds of categorizations saved at once (a first categorization saves a million; a store may write them in
    /// bulk): every field reads back, an account named twice keeps the later one, a second save replaces them, and the
    /// change feed names each account with its owners before and after.
    /// </summary>
    [Test]
    public async Task Categorizations_SavedInBulk_RoundTrip_TheLaterOfTwoWins_AndTheFeedNamesOwnersBeforeAndAfter()
    {
        const int Count = 700;
        await ApplyAsync("AD", 0, w => w.InsertAsync("User", [.. Enumerable.Range(1, Count).Select(static i => Change($"u{i}", [$"user {i}"]))], None).AsTask());
        var ids = new List<long>();
        await foreach (var resource in Store.GetResourcesAsync("User", None))
        {
            ids.Add(resource.Id);
        }

        ids.Sort();
        var at = new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero).AddTicks(4321);
        AccountCategorization Correlated(int i, long owner) =>
            new(ids[i], "User", CategorizationStatus.Correlated, "AD_Nominative", owner, 100, [], $"rule 1 matched 'E{owner}', \"quoted\"\ttab", (ulong)i, ulong.MaxValue - (ulong)i, at);
        List<AccountCategorization> first = [.. Enumerable.Range(0, Count).Select(i => Correlated(i, 10_000 + i))];
        first[5] = first[5] with { Status = CategorizationStatus.Ambiguous, OwnerId = null, Candidates = [3, 12_345_678_901], Reason = null };
        first.Add(first[7] with { Status = CategorizationStatus.Reviewed, OwnerId = 42, Reason = "accepted on review" });
        await Store.SaveCategorizationsAsync(first, None);
        var firstRead = (await Reopen().GetCategorizationsAsync("User", None)).ToDictionary(static c => c.ResourceId);
        var orphansFirst = await Store.CountCategorizationsAsync(new CategorizationQuery("User") { OwnerMissing = true }, None);

        // The second save gives ten accounts an owner the store holds (other users), the rest still none it holds.
        var head = await Store.GetChangeFeedHeadAsync(None);
        await Store.SaveCategorizationsAsync([.. Enumerable.Range(0, Count).Select(i => Correlated(i, i < 100 ? 20_000 + i : i is >= 600 and < 610 ? ids[i - 600] : 10_000 + i))], None);
        var orphansSecond = await Store.CountCategorizationsAsync(new CategorizationQuery("User") { OwnerMissing = true }, None);
        var after = await Store.GetChangeFeedHeadAsync(None);
        var changed = new HashSet<long>();
        await foreach (var id in Reopen().GetChangedResourceIdsAsync(head.Version, after.Version, None))
        {
            changed.Add(id);
        }

        var secondRead = await Store.GetCategorizationsAsync("User", None);
        Assert.Multiple(() =>
        {
            Assert.That(firstRead, Has.Count.EqualTo(Count));
            Assert.That(firstRead[ids[0]], Is.EqualTo(Correlated(0, 10_000)).Using<AccountCategorization>(Same), "every field");
            Assert.That(firstRead[ids[5]].Candidates, Is.EqualTo(new long[] { 3, 12_345_678_901 }));
            Assert.That((firstRead[ids[5]].Status, firstRead[ids[5]].OwnerId, firstRead[ids[5]].Reason), Is.EqualTo((CategorizationStatus.Ambiguous, (long?)null, (string?)null)));
            Assert.That((firstRead[ids[7]].Status, firstRead[ids[7]].OwnerId), Is.EqualTo((CategorizationStatus.Reviewed, (long?)42)), "the later of the two for one account");
            Assert.That(secondRead.Single(c => c.ResourceId == ids[1]).OwnerId, Is.EqualTo(20_001), "replaced");
            Assert.That(secondRead.Single(c => c.ResourceId == ids[150]).OwnerId, Is.EqualTo(10_150));
            Assert.That(changed, Is.SupersetOf(new[] { ids[1], 10_001L, 20_001L, ids[5], 3L, 12_345_678_901L, ids[7], 42L, ids[150], 10_150L }),
                "each account, with its owner and candidates before and after");
            Assert.That((orphansFirst, orphansSecond), Is.EqualTo((Count - 1L - (ids.Contains(42) ? 1 : 0), Count - 10L)),
                "an owner the store does not hold is missing, in a bulk save's new rows and in the rows it replaces (one account of the first save has no owner, one has 42, which may be a user's id)");
        });

        static bool Same(AccountCategorization a, AccountCategorization b) =>
            a with { Candidates = [] } == b with { Candidates = [] } && a.Candidates.SequenceEqual(b.Candidates) && a.At.UtcTicks == b.At.UtcTicks;
    }
}
