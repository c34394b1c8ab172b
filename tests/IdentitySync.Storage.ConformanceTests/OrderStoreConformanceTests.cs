using IdentitySync.Orders;

namespace IdentitySync.Storage.ConformanceTests;

/// <summary>What every store does with orders and provisioning states (<see cref="IOrderStore"/>); each store's test project derives a fixture.</summary>
/// <typeparam name="TStore">Creates and reopens the store under test.</typeparam>
public abstract class OrderStoreConformanceTests<TStore> : StoreConformanceTests<TStore>
    where TStore : IStoreUnderTest, new()
{
    /// <summary>Orders get increasing ids, keep every value shape, are replaced by id and filtered by type and state; states replace per owner.</summary>
    [Test]
    public async Task Orders_AndProvisioningStates_RoundTrip()
    {
        var at = new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);
        var added = new ProvisioningOrder
        {
            ChangeType = OrderChangeType.Added,
            Connector = "AD",
            ResourceType = "AD_User",
            Owner = new OrderOwner(7, "E7", "Zoë Martin"),
            Changes = new Dictionary<string, object?> { ["Sam"] = "zmartin", ["Proxies"] = new[] { "smtp:a", "sip:b" }, ["Manager"] = null },
            Navigation = new Dictionary<string, NavigationChange> { ["MemberOf"] = new(["Staff"], ["Old"]) },
            Arguments = new Dictionary<string, string> { ["Sam"] = "zmartin" },
            Reason = "because",
            State = OrderState.Pending,
            CreatedAt = at,
            StateChangedAt = at,
            History = [new(OrderState.Pending, at, "generated")],
        };
        var deleted = added with { ChangeType = OrderChangeType.Deleted, ResourceType = "App_User", Owner = null, Resource = new(9, "u9", new Dictionary<string, object?> { ["Login"] = "u9" }) };
        var state = new OwnerProvisioningState("AD_User", 7, ulong.MaxValue, true, new Dictionary<string, object?> { ["Sam"] = "zmartin", ["Proxies"] = new[] { "a" } },
            new Dictionary<string, IReadOnlyList<string>> { ["MemberOf"] = ["Staff"] });

        var saved = await Store.SaveOrdersAsync([added, deleted], [state], None);
        await Store.SaveOrdersAsync([saved[0].MoveTo(OrderState.Executed, at.AddHours(1), "applied"), added], [state with { Entitled = false }], None);
        var reopened = Reopen();
        var all = await reopened.GetOrdersAsync(null, null, None);
        var executed = await reopened.GetOrdersAsync("ad_user", [OrderState.Executed], None);
        var none = await reopened.GetOrdersAsync(null, [], None);
        var first = (await reopened.GetOrderAsync(saved[0].Id, None))!;
        var states = await reopened.GetProvisioningStatesAsync("ad_user", None);

        Assert.Multiple(async () =>
        {
            Assert.That(saved.Select(static o => o.Id), Is.EqualTo(new long[] { 1, 2 }));
            Assert.That(all.Select(static o => (o.Id, o.State)), Is.EqualTo(new[] { (1L, OrderState.Executed), (2L, OrderState.Pending), (3L, OrderState.Pending) }));
            Assert.That(executed.Select(static o => o.Id), Is.EqualTo(new long[] { 1 }));
            Assert.That(none, Is.Empty);
            Assert.That(first.Changes["Sam"], Is.EqualTo("zmartin"));
            Assert.That(first.Changes["Proxies"], Is.EqualTo(new[] { "smtp:a", "sip:b" }));
            Assert.That(first.Changes["Manager"], Is.Null);
            Assert.That(first.Navigation["MemberOf"].Removed, Is.EqualTo(new[] { "Old" }));
            Assert.That((first.Owner, first.CreatedAt, first.History.Count), Is.EqualTo((new OrderOwner(7, "E7", "Zoë Martin"), at, 2)));
            Assert.That(all[1].Resource!.Values["Login"], Is.EqualTo("u9"));
            Assert.That(await reopened.GetOrderAsync(99, None), Is.Null);
            Assert.That(states.Select(static s => (s.OwnerId, s.InputDigest, s.Entitled)), Is.EqualTo(new[] { (7L, ulong.MaxValue, false) }));
            Assert.That(states[0].Values["Proxies"], Is.EqualTo(new[] { "a" }));
            Assert.That(states[0].Links["MemberOf"], Is.EqualTo(new[] { "Staff" }));
        });
    }

    /// <summary>
    /// A generation reads every owner's digest and the values and links of only the owners it evaluates again:
    /// digests to the last bit (above 2^63 too) across read pages, states by id in any type case, unknown and
    /// repeated ids ignored, another type's states untouched, a replaced state read as replaced, after a reopen.
    /// </summary>
    [Test]
    public async Task ProvisioningStates_DigestsOfEveryOwner_AndTheStatesOfChosenOwners()
    {
        static OwnerProvisioningState State(string type, long owner, ulong digest) => new(
            type,
            owner,
            digest,
            owner % 2 == 0,
            new Dictionary<string, object?> { ["Sam"] = "u" + owner, ["Proxies"] = new[] { "smtp:" + owner, "sip:" + owner }, ["Manager"] = null },
            new Dictionary<string, IReadOnlyList<string>> { ["MemberOf"] = ["G" + owner, "Staff"] });

        // More owners than a page of the smallest page size any store runs this suite with.
        var users = Enumerable.Range(1, 150).Select(i => State("AD_User", i, i == 150 ? ulong.MaxValue : (ulong)i * 0x9E3779B97F4A7C15UL)).ToList();
        await Store.SaveOrdersAsync([], [.. users, State("App_User", 3, 33)], None);
        await Store.SaveOrdersAsync([], [State("AD_User", 4, 44) with { Entitled = false, Values = new Dictionary<string, object?>(), Links = new Dictionary<string, IReadOnlyList<string>>() }], None);
        var reopened = Reopen();

        var digests = new List<OwnerStateDigest>();
        await foreach (var digest in reopened.GetProvisioningDigestsAsync("ad_user", None))
        {
            digests.Add(digest);
        }

        var chosen = await reopened.GetProvisioningStatesAsync("AD_USER", [150, 4, 3, 3, 999], None);
        var app = await reopened.GetProvisioningStatesAsync("App_User", [3], None);
        var none = await reopened.GetProvisioningStatesAsync("AD_User", [], None);

        Assert.Multiple(() =>
        {
            Assert.That(
                digests.OrderBy(static d => d.OwnerId),
                Is.EqualTo(users.Select(static s => new OwnerStateDigest(s.OwnerId, s.OwnerId == 4 ? 44 : s.InputDigest))));
            Assert.That(chosen.OrderBy(static s => s.OwnerId).Select(static s => (s.OwnerId, s.InputDigest, s.Entitled)), Is.EqualTo(new[] { (3L, unchecked(3 * 0x9E3779B97F4A7C15UL), false), (4L, 44UL, false), (150L, ulong.MaxValue, true) }));
            var third = chosen.Single(static s => s.OwnerId == 3);
            Assert.That((third.Values["Sam"], third.Values["Proxies"], third.Values["Manager"]), Is.EqualTo(("u3", (object?)new[] { "smtp:3", "sip:3" }, (object?)null)));
            Assert.That(third.Links["MemberOf"], Is.EqualTo(new[] { "G3", "Staff" }));
            Assert.That((chosen.Single(static s => s.OwnerId == 4).Values, chosen.Single(static s => s.OwnerId == 4).Links), Is.EqualTo((new Dictionary<string, object?>(), new Dictionary<string, IReadOnlyList<string>>())), "replaced");
            Assert.That(app.Select(static s => (s.OwnerId, s.InputDigest)), Is.EqualTo(new[] { (3L, 33UL) }));
            Assert.That(none, Is.Empty);
        });
    }

    /// <summary>
    /// Hundreds of states saved at once (a full generation saves one per owner; a store may write them in bulk): every
    /// field reads back, an owner named twice keeps the later state, another type's state with the same owner is its own,
    /// and a second bulk save replaces them.
    /// </summary>
    [Test]
    public async Task ProvisioningStates_SavedInBulk_RoundTrip_TheLaterOfTwoWins()
    {
        static OwnerProvisioningState State(string type, long owner, ulong digest, string sam) => new(
            type,
            owner,
            digest,
            owner % 3 != 0,
            new Dictionary<string, object?> { ["Sam"] = sam, ["Proxies"] = new[] { "smtp:" + owner, "sip:\"" + owner + "\"" }, ["Manager"] = null },
            new Dictionary<string, IReadOnlyList<string>> { ["MemberOf"] = ["G" + owner, "Staff"] });

        List<OwnerProvisioningState> first = [.. Enumerable.Range(1, 700).Select(static i => State("AD_User", i, i == 700 ? ulong.MaxValue : (ulong)i, "u" + i))];
        first.Add(State("App_User", 7, 77, "app7"));
        first.Add(State("AD_User", 7, 707, "later"));
        await Store.SaveOrdersAsync([], first, None);
        var firstRead = (await Reopen().GetProvisioningStatesAsync("AD_User", [1, 7, 9, 700], None)).ToDictionary(static s => s.OwnerId);
        var app = await Store.GetProvisioningStatesAsync("App_User", [7], None);
        await Store.SaveOrdersAsync([], [.. Enumerable.Range(1, 600).Select(static i => State("AD_User", i, 5_000 + (ulong)i, "again" + i))], None);
        var secondRead = (await Reopen().GetProvisioningStatesAsync("AD_User", [1, 650], None)).ToDictionary(static s => s.OwnerId);

        Assert.Multiple(() =>
        {
            Assert.That(firstRead.Values.Select(static s => (s.OwnerId, s.InputDigest, s.Entitled)).OrderBy(static s => s.OwnerId), Is.EqualTo(new[] { (1L, 1UL, true), (7L, 707UL, true), (9L, 9UL, false), (700L, ulong.MaxValue, true) }));
            Assert.That(firstRead[7].Values["Sam"], Is.EqualTo("later"), "the later of the two for one owner");
            Assert.That((firstRead[9].Values["Proxies"], firstRead[9].Values["Manager"]), Is.EqualTo(((object?)new[] { "smtp:9", "sip:\"9\"" }, (object?)null)));
            Assert.That(firstRead[9].Links["MemberOf"], Is.EqualTo(new[] { "G9", "Staff" }));
            Assert.That(app.Select(static s => (s.OwnerId, s.InputDigest, s.Values["Sam"])), Is.EqualTo(new[] { (7L, 77UL, (object?)"app7") }), "another type's state of the same owner");
            Assert.That((secondRead[1].InputDigest, secondRead[1].Values["Sam"]), Is.EqualTo((5_001UL, (object?)"again1")), "replaced");
            Assert.That((secondRead[650].InputDigest, secondRead[650].Values["Sam"]), Is.EqualTo((650UL, (object?)"u650")), "not in the second save: kept");
        });
    }

    /// <summary>Every field of an order reads back as saved, times to the tick (a store may not round them), after a reopen.</summary>
    [Test]
    public async Task Orders_EveryField_ReadsBackToTheTick()
    {
        var at = new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero).AddTicks(1234567);
        var order = new ProvisioningOrder
        {
            ChangeType = OrderChangeType.Modified,
            Kind = OrderKind.NonConforming,
            Connector = "AD",
            ResourceType = "AD_User",
            Owner = new OrderOwner(5, "E5", "Ève"),
            Resource = new OrderResource(6, "CN=e", new Dictionary<string, object?> { ["Mail"] = null, ["Proxies"] = new[] { "smtp:e" } }),
            Changes = new Dictionary<string, object?> { ["Mail"] = "eve@corp.test" },
            Navigation = new Dictionary<string, NavigationChange> { ["MemberOf"] = new(["Staff"], []) },
            Arguments = new Dictionary<string, string> { ["Template"] = "std" },
            Reason = "Mail should be eve@corp.test",
            State = OrderState.Pending,
            CreatedAt = at,
            StateChangedAt = at.AddTicks(1),
            Attempts = 4,
            NextAttemptAt = at.AddTicks(2),
            PostponedUntil = at.AddTicks(3),
            IsManual = true,
            Message = "retrying",
            History = [new(OrderState.Pending, at, "generated"), new(OrderState.Transmitted, at.AddTicks(1), null)],
        };

        var saved = (await Store.SaveOrdersAsync([order], [], None)).Single();
        var read = (await Reopen().GetOrderAsync(saved.Id, None))!;
        var listed = (await Reopen().GetOrdersAsync("AD_USER", [OrderState.Pending], None)).Single();

        Assert.Multiple(() =>
        {
            Assert.That(StoredJson.Serialize(read), Is.EqualTo(StoredJson.Serialize(saved)));
            Assert.That(StoredJson.Serialize(listed), Is.EqualTo(StoredJson.Serialize(saved)));
            Assert.That(read.CreatedAt.UtcTicks, Is.EqualTo(at.UtcTicks));
        });
    }

    /// <summary>
    /// The orders about one resource are those naming it as account or as owner, each once, newest first; those about
    /// several resources the same, oldest first.
    /// </summary>
    [Test]
    public async Task OrdersOfResource_AsAccountOrOwner_NewestFirst()
    {
        var at = new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);
        ProvisioningOrder Order(long? owner, long? resource) => new()
        {
            ChangeType = resource is null ? OrderChangeType.Added : OrderChangeType.Modified,
            Connector = "AD",
            ResourceType = "AD_User",
            Owner = owner is { } o ? new OrderOwner(o, "E" + o, "Someone") : null,
            Resource = resource is { } r ? new OrderResource(r, "u" + r, new Dictionary<string, object?>()) : null,
            Reason = "because",
            CreatedAt = at,
            StateChangedAt = at,
        };

        await Store.SaveOrdersAsync([Order(7, null), Order(8, 70), Order(null, 7), Order(7, 7), Order(9, 90)], [], None);
        var reopened = Reopen();

        var ofSeven = await reopened.GetOrdersOfResourceAsync(7, None);
        var ofSeventy = await reopened.GetOrdersOfResourceAsync(70, None);
        var ofNothing = await reopened.GetOrdersOfResourceAsync(12345, None);
        var ofSevenAndNinety = await reopened.GetOrdersOfResourcesAsync([90, 7, 12345], None);
        var ofEightAndSeventy = await reopened.GetOrdersOfResourcesAsync([70, 8], None);
        var ofNone = await reopened.GetOrdersOfResourcesAsync([], None);

        Assert.Multiple(() =>
        {
            Assert.That(ofSeven.Select(static o => o.Id), Is.EqualTo(new long[] { 4, 3, 1 }));
            Assert.That(ofSeventy.Select(static o => o.Id), Is.EqualTo(new long[] { 2 }));
            Assert.That(ofNothing, Is.Empty);
            Assert.That(ofSevenAndNinety.Select(static o => o.Id), Is.EqualTo(new long[] { 1, 3, 4, 5 }), "as owner or account, each once, oldest first");
            Assert.That(ofEightAndSeventy.Select(static o => o.Id), Is.EqualTo(new long[] { 2 }), "one order found as owner and as account is read once");
            Assert.That(ofNone, Is.Empty);
            Assert.That(StoredJson.Serialize(ofSevenAndNinety.Single(static o => o.Id == 4)), Is.EqualTo(StoredJson.Serialize(ofSeven.Single(static o => o.Id == 4))), "read whole");
        });
    }

    /// <summary>
    /// Archiving moves a type's ended orders whose state changed before the time, and only those, out of the
    /// working orders; they read back whole, by id in pages; ids are never reused; archiving again moves nothing.
    /// </summary>
    [Test]
    public async Task ArchiveOrders_MovesOnlyEndedOrdersOfTheTypeBeforeTheTime_AndIdsAreNeverReused()
    {
        var now = new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero).AddTicks(4321);
        var cutoff = now.AddDays(-5);
        ProvisioningOrder Order(OrderState state, DateTimeOffset changed, string type = "AD_User", long resource = 70) => new()
        {
            ChangeType = OrderChangeType.Modified,
            Connector = "AD",
            ResourceType = type,
            Owner = new OrderOwner(7, "E7", "Zoë Martin"),
            Resource = new OrderResource(resource, "u" + resource, new Dictionary<string, object?> { ["Mail"] = "z@corp.test" }),
            Changes = new Dictionary<string, object?> { ["Mail"] = "zoe@corp.test" },
            Reason = "Mail should be zoe@corp.test",
            State = state,
            CreatedAt = changed.AddHours(-1),
            StateChangedAt = changed,
            Attempts = 2,
            Message = state.ToString(),
            History = [new(OrderState.Pending, changed.AddHours(-1), "generated"), new(state, changed, "ended")],
        };

        var saved = await Store.SaveOrdersAsync(
            [
                Order(OrderState.Verified, now.AddDays(-10), resource: 71),
                Order(OrderState.Declined, now.AddDays(-10)),
                Order(OrderState.Error, now.AddDays(-10)),
                Order(OrderState.Verified, now.AddDays(-1)),
                Order(OrderState.Pending, now.AddDays(-10)),
                Order(OrderState.Verified, now.AddDays(-10), "App_User"),
                Order(OrderState.Verified, cutoff),
                Order(OrderState.Declined, now.AddDays(-6)),
            ],
            [],
            None);

        var archived = await Store.ArchiveOrdersAsync("ad_user", cutoff, None);
        var again = await Store.ArchiveOrdersAsync("AD_User", cutoff, None);
        var reopened = Reopen();
        var working = await reopened.GetOrdersAsync(null, null, None);
        var firstPage = await reopened.GetArchivedOrdersAsync(null, 0, 3, None);
        var secondPage = await reopened.GetArchivedOrdersAsync("AD_USER", firstPage[^1].Id, 3, None);
        var ofOtherType = await reopened.GetArchivedOrdersAsync("App_User", 0, 10, None);
        var next = (await reopened.SaveOrdersAsync([Order(OrderState.Pending, now)], [], None)).Single();

        Assert.Multiple(async () =>
        {
            Assert.That(archived, Is.EqualTo(4), "verified, declined and in error before the time, of AD_User");
            Assert.That(again, Is.Zero);
            Assert.That(working.Select(static o => o.Id), Is.EqualTo(new long[] { 4, 5, 6, 7 }), "too recent, not ended, another type, changed exactly at the time");
            Assert.That(await reopened.GetOrderAsync(1, None), Is.Null);
            Assert.That(await reopened.GetOrdersOfResourceAsync(71, None), Is.Empty);
            Assert.That(firstPage.Select(static o => o.Id), Is.EqualTo(new long[] { 1, 2, 3 }));
            Assert.That(secondPage.Select(static o => o.Id), Is.EqualTo(new long[] { 8 }));
            Assert.That(ofOtherType, Is.Empty);
            Assert.That(StoredJson.Serialize(firstPage[2]), Is.EqualTo(StoredJson.Serialize(saved[2])), "every field, times to the tick");
            Assert.That(next.Id, Is.EqualTo(9), "the archived order 8 keeps its id");
        });
    }
}
