using IdentitySync.ChangeSets;

namespace IdentitySync.Storage.ConformanceTests;

/// <summary>What every store does with resources and links (<see cref="IResourceReader"/>), written through a change set; each store's test project derives a fixture.</summary>
/// <typeparam name="TStore">Creates and reopens the store under test.</typeparam>
public abstract class ResourceReaderConformanceTests<TStore> : StoreConformanceTests<TStore>
    where TStore : IStoreUnderTest, new()
{
    /// <summary>Every value type comes back as written, after a reopen.</summary>
    [Test]
    public async Task Apply_ValuesOfEveryType_RoundTrip()
    {
        object?[] values =
        [
            "Zoë \"x\"", 42, 9_000_000_000L, true, new DateTime(2024, 2, 29, 10, 15, 0, DateTimeKind.Utc),
            new Guid("6F9619FF-8B86-D011-B42D-00C04FC964FF"), 0.25, new byte[] { 0, 1, 255 }, new object[] { "a", "b" }, null,
        ];
        await ApplyAsync("AD", 0, w => w.InsertAsync("User", [Change("u1", values, digest: ulong.MaxValue)], None).AsTask());

        var found = await Reopen().FindResourceAsync("User", "u1", None);

        Assert.Multiple(() =>
        {
            Assert.That(found!.Values, Is.EqualTo(values));
            Assert.That(found.Digest, Is.EqualTo(ulong.MaxValue));
            Assert.That(found.EntityType, Is.EqualTo("User"));
        });
    }


    /// <summary>A resource is found by its id whatever its entity type; an unknown or deleted id finds nothing.</summary>
    [Test]
    public async Task FindById_FindsAnyEntityType_AndNothingOnceDeleted()
    {
        await ApplyAsync("AD", 0, async w =>
        {
            await w.InsertAsync("User", [Change("u1", ["one"])], None);
            await w.InsertAsync("Group", [Change("staff", ["Staff"])], None);
        });
        var staff = await Store.FindResourceAsync("Group", "staff", None);
        var u1 = await Store.FindResourceAsync("User", "u1", None);
        await ApplyAsync("AD", 1, w => w.DeleteAsync("User", ["u1"], None).AsTask());

        var reopened = Reopen();
        var found = await reopened.FindResourceByIdAsync(staff!.Id, None);
        Assert.Multiple(async () =>
        {
            Assert.That((found!.EntityType, found.Key), Is.EqualTo(("Group", "staff")));
            Assert.That(found.Values, Is.EqualTo(new object?[] { "Staff" }));
            Assert.That(await reopened.FindResourceByIdAsync(u1!.Id, None), Is.Null, "deleted");
            Assert.That(await reopened.FindResourceByIdAsync(long.MaxValue, None), Is.Null, "unknown");
        });
    }

    /// <summary>Resources of any entity type are read by their ids; unknown and repeated ids are ignored, no id reads nothing.</summary>
    [Test]
    public async Task GetResourcesById_AnyEntityType_UnknownAndRepeatedIdsIgnored()
    {
        await ApplyAsync("AD", 0, async w =>
        {
            await w.InsertAsync("User", [Change("u1", ["one"]), Change("u2", ["two"])], None);
            await w.InsertAsync("Group", [Change("g1", ["staff"])], None);
        });
        var u1 = (await Store.FindResourceAsync("User", "u1", None))!;
        var g1 = (await Store.FindResourceAsync("Group", "g1", None))!;

        var found = await Reopen().GetResourcesByIdAsync([u1.Id, g1.Id, u1.Id, 999_999], None);
        var none = await Store.GetResourcesByIdAsync([], None);

        Assert.Multiple(() =>
        {
            Assert.That(found.Select(static r => (r.EntityType, r.Key, r.Digest)).Order(), Is.EqualTo(new[] { ("Group", "g1", g1.Digest), ("User", "u1", u1.Digest) }));
            Assert.That(found.Single(static r => r.Key == "u1").Values, Is.EqualTo(u1.Values));
            Assert.That(none, Is.Empty);
        });
    }

    /// <summary>
    /// Resources of one entity type are read by their primary keys, compared as written: another type's resource with
    /// the same key, a key in another case, unknown keys and repeats are not read; no key reads nothing.
    /// </summary>
    [Test]
    public async Task GetResourcesByKey_OneEntityType_KeysComparedAsWritten()
    {
        await ApplyAsync("AD", 0, async w =>
        {
            await w.InsertAsync("User", [Change("u1", ["one"]), Change("u2", ["two"]), Change("Zoë \"x\"\\", ["quoted"]), Change("U3", ["three"])], None);
            await w.InsertAsync("Group", [Change("u2", ["a group"])], None);
        });

        var reopened = Reopen();
        var found = await reopened.GetResourcesByKeyAsync("User", ["u2", "Zoë \"x\"\\", "u2", "u3", "nobody"], None);
        var none = await reopened.GetResourcesByKeyAsync("User", [], None);
        var unknownType = await reopened.GetResourcesByKeyAsync("Printer", ["u1"], None);

        Assert.Multiple(() =>
        {
            Assert.That(found.Select(static r => (r.EntityType, r.Key)).OrderBy(static r => r.Key, StringComparer.Ordinal), Is.EqualTo(new[] { ("User", "Zoë \"x\"\\"), ("User", "u2") }));
            Assert.That(found.Single(static r => r.Key == "u2").Values, Is.EqualTo(new object?[] { "two" }));
            Assert.That(none, Is.Empty);
            Assert.That(unknownType, Is.Empty);
        });
    }

    /// <summary>
    /// Layouts saved in a committed apply come back after a reopen (once, however often saved); one saved in
    /// an apply that was not committed does not; values that start with a layout header keep it.
    /// </summary>
    [Test]
    public async Task Layouts_SavedWithCommittedApply_AreKeptWithTheValuesHeader()
    {
        byte[] header = [0x80, 0x00, .. BitConverter.GetBytes(0x0102030405060708L)];
        byte[] packed = [.. header, .. ResourceValueCodec.Encode(["one", 1])];
        await ApplyAsync("AD", 0, async w =>
        {
            await w.SaveLayoutAsync(0x0102030405060708L, "{\"entityType\":\"User\"}", None);
            await w.SaveLayoutAsync(0x0102030405060708L, "{\"entityType\":\"User\"}", None);
            await w.SaveLayoutAsync(-7, "second", None);
            await w.InsertAsync("User", [new ResourceChange("u1", 1, ResourceValueCodec.DecodeLazily(packed), [], 0)], None);
        });
        await using (var abandoned = await Store.BeginApplyAsync("AD", 1, None))
        {
            await abandoned.SaveLayoutAsync(99, "never committed", None);
        }

        var reopened = Reopen();
        var layouts = await reopened.GetLayoutsAsync(None);
        var found = await reopened.FindResourceAsync("User", "u1", None);
        Assert.Multiple(() =>
        {
            Assert.That(layouts, Is.EquivalentTo(new Dictionary<long, string> { [0x0102030405060708L] = "{\"entityType\":\"User\"}", [-7] = "second" }));
            Assert.That(found!.Values, Is.EqualTo(new object?[] { "one", 1 }));
            Assert.That(ResourceValueCodec.Encode(found.Values).Take(header.Length), Is.EqualTo(header), "the values' layout header");
        });
    }

    /// <summary>Links resolve by key (including resources inserted in the same transaction) and follow both ways.</summary>
    [Test]
    public async Task Links_AddedAndRemoved_AreReadableBothWays()
    {
        await ApplyAsync("AD", 0, async w =>
        {
            await w.InsertAsync("User", [Change("u1", ["one"]), Change("u2", ["two"])], None);
            await w.InsertAsync("Group", [Change("staff", ["Staff"]), Change("admins", ["Admins"])], None);
            await w.AddLinksAsync(Membership, [new("staff", "u1"), new("staff", "u2"), new("admins", "u2"), new("admins", "u2")], None);
        });
        await ApplyAsync("AD", 1, w => w.RemoveLinksAsync(Membership, [new("staff", "u1")], None).AsTask());

        var staff = await Store.FindResourceAsync("Group", "staff", None);
        var u2 = await Store.FindResourceAsync("User", "u2", None);
        Assert.Multiple(async () =>
        {
            Assert.That(await Store.CountLinksAsync("Membership", None), Is.EqualTo(2));
            Assert.That((await Store.GetLinkedResourcesAsync("Membership", staff!.Id, LinkDirection.FirstToSecond, None)).Select(static r => r.Key), Is.EqualTo(new[] { "u2" }));
            Assert.That((await Store.GetLinkedResourcesAsync("Membership", u2!.Id, LinkDirection.SecondToFirst, None)).Select(static r => (r.EntityType, r.Key)), Is.EqualTo(new[] { ("Group", "admins"), ("Group", "staff") }));
        });
    }


    /// <summary>Hundreds of links in one call (stores may write them in runs), with repeats and links already held, are each held once.</summary>
    [Test]
    public async Task Links_ManyInOneCall_AreEachHeldOnce()
    {
        var users = Enumerable.Range(0, 150).Select(static i => $"u{i:000}").ToList();
        var first = users.SelectMany(static u => new LinkChange[] { new("staff", u), new("admins", u) }).ToList();
        await ApplyAsync("AD", 0, async w =>
        {
            await w.InsertAsync("User", [.. users.Select(static u => Change(u, [u]))], None);
            await w.InsertAsync("Group", [Change("staff", ["Staff"]), Change("admins", ["Admins"]), Change("guests", ["Guests"])], None);
            await w.AddLinksAsync(Membership, [.. first, .. first.Take(10)], None);
        });

        // Again the staff links (held already) and every user into guests.
        await ApplyAsync("AD", 1, w => w.AddLinksAsync(Membership, [.. users.Select(static u => new LinkChange("guests", u)), .. first.Where(static l => l.FirstKey == "staff")], None).AsTask());

        var u149 = await Store.FindResourceAsync("User", "u149", None);
        var guests = await Store.FindResourceAsync("Group", "guests", None);
        Assert.Multiple(async () =>
        {
            Assert.That(await Store.CountLinksAsync("Membership", None), Is.EqualTo(450));
            Assert.That((await Store.GetLinkedResourcesAsync("Membership", u149!.Id, LinkDirection.SecondToFirst, None)).Select(static r => r.Key), Is.EqualTo(new[] { "admins", "guests", "staff" }));
            Assert.That((await Store.GetLinkedResourcesAsync("Membership", guests!.Id, LinkDirection.FirstToSecond, None)).Select(static r => r.Key), Is.EqualTo(users));
        });
    }


    /// <summary>
    /// The estimate a synchronization sizes its link buffers from: 0 (unknown) is always allowed, otherwise it is near the
    /// association's count (from half to twice it), both after a first load and after links were added; an association
    /// without links, or unknown, is estimated at 0, not refused.
    /// </summary>
    [Test]
    public async Task EstimateLinkCount_IsZeroOrNearTheCount()
    {
        var users = Enumerable.Range(0, 300).Select(static i => $"u{i:000}").ToList();
        var noLinksYet = await Store.EstimateLinkCountAsync("Membership", None);
        await ApplyAsync("AD", 0, async w =>
        {
            await w.InsertAsync("User", [.. users.Select(static u => Change(u, [u]))], None);
            await w.InsertAsync("Group", [Change("staff", ["Staff"]), Change("admins", ["Admins"]), Change("guests", ["Guests"])], None);
            await w.AddLinksAsync(Membership, [.. users.Select(static u => new LinkChange("staff", u)), .. users.Select(static u => new LinkChange("admins", u))], None);
        });
        var afterLoad = await Store.EstimateLinkCountAsync("Membership", None);
        await ApplyAsync("AD", 1, w => w.AddLinksAsync(Membership, [.. users.Select(static u => new LinkChange("guests", u))], None).AsTask());
        var afterAdding = await Store.EstimateLinkCountAsync("Membership", None);

        Assert.Multiple(async () =>
        {
            Assert.That(noLinksYet, Is.Zero);
            Assert.That(afterLoad, Is.Zero.Or.InRange(300L, 1_200L), "600 links");
            Assert.That(afterAdding, Is.Zero.Or.InRange(450L, 1_800L), "900 links");
            Assert.That(await Store.EstimateLinkCountAsync("NoSuchAssociation", None), Is.Zero);
        });
    }

    /// <summary>Deleting a resource deletes every link that touches it, on either side.</summary>
    [Test]
    public async Task Delete_ResourceWithLinks_RemovesItsLinks()
    {
        await ApplyAsync("AD", 0, async w =>
        {
            await w.InsertAsync("User", [Change("u1", ["one"]), Change("u2", ["two"])], None);
            await w.InsertAsync("Group", [Change("staff", ["Staff"])], None);
            await w.AddLinksAsync(Membership, [new("staff", "u1"), new("staff", "u2")], None);
        });

        await ApplyAsync("AD", 1, w => w.DeleteAsync("User", ["u1"], None).AsTask());

        var links = await LinksAsync("Membership");

        var u2 = await Store.FindResourceAsync("User", "u2", None);
        Assert.That(links.Select(static l => l.SecondId), Is.EqualTo(new[] { u2!.Id }));
    }


    /// <summary>
    /// Deleting a resource linked through two associations, first on one side and second on the other, deletes exactly
    /// its links: the links of the other association at the same place in their own table stay.
    /// </summary>
    [Test]
    public async Task Delete_ResourceLinkedThroughTwoAssociations_RemovesExactlyItsLinks()
    {
        var manager = new EntityAssociationKeys("Manager", "User", "User");
        await ApplyAsync("AD", 0, async w =>
        {
            await w.InsertAsync("User", [Change("u1", ["one"]), Change("u2", ["two"]), Change("u3", ["three"])], None);
            await w.InsertAsync("Group", [Change("staff", ["Staff"])], None);
            await w.AddLinksAsync(Membership, [new("staff", "u1"), new("staff", "u2")], None);
            await w.AddLinksAsync(manager, [new("u3", "u2"), new("u2", "u3"), new("u1", "u3")], None);
        });

        await ApplyAsync("AD", 1, w => w.DeleteAsync("User", ["u1"], None).AsTask());

        var keys = new Dictionary<long, string>();
        foreach (var type in new[] { "User", "Group" })
        {
            await foreach (var resource in Store.GetResourcesAsync(type, None))
            {
                keys[resource.Id] = resource.Key;
            }
        }

        async Task<List<string>> LinksOf(string association)
        {
            var found = new List<string>();
            await foreach (var link in Store.GetLinksAsync(association, None))
            {
                found.Add($"{keys[link.FirstId]}->{keys[link.SecondId]}");
            }

            found.Sort(StringComparer.Ordinal);
            return found;
        }

        Assert.Multiple(async () =>
        {
            Assert.That(await LinksOf("Membership"), Is.EqualTo(new[] { "staff->u2" }));
            Assert.That(await LinksOf("Manager"), Is.EqualTo(new[] { "u2->u3", "u3->u2" }));
        });
    }

    /// <summary>Pages follow key order without gaps or repeats.</summary>
    [Test]
    public async Task GetResourcePage_ManyResources_PagesInKeyOrder()
    {
        var keys = Enumerable.Range(0, 25).Select(static i => $"k{i:00}").Reverse().ToList();
        await ApplyAsync("AD", 0, w => w.InsertAsync("User", [.. keys.Select(k => Change(k, [k]))], None).AsTask());

        var pages = new List<IReadOnlyList<string>>();
        string? after = null;
        while (true)
        {
            var page = await Store.GetResourcePageAsync("User", after, 10, None);
            if (page.Count == 0)
            {
                break;
            }

            pages.Add([.. page.Select(static r => r.Key)]);
            after = page[^1].Key;
        }

        Assert.Multiple(() =>
        {
            Assert.That(pages.Select(static p => p.Count), Is.EqualTo(new[] { 10, 10, 5 }));
            Assert.That(pages.SelectMany(static p => p), Is.EqualTo(keys.Order(StringComparer.Ordinal)));
        });
    }

}
