using IdentitySync.ChangeSets;

namespace IdentitySync.Storage.ConformanceTests;

/// <summary>What every store does with connector state, change-set apply, blocked change sets and the run lock (<see cref="ISyncStateStore"/>); each store's test project derives a fixture.</summary>
/// <typeparam name="TStore">Creates and reopens the store under test.</typeparam>
public abstract class SyncStateStoreConformanceTests<TStore> : StoreConformanceTests<TStore>
    where TStore : IStoreUnderTest, new()
{
    /// <summary>Resources streamed for comparison are the resources streamed for reading, values included.</summary>
    [Test]
    public async Task GetResourcesToCompare_GivesWhatGetResourcesGives()
    {
        await ApplyAsync("AD", 0, w => w.InsertAsync("User", [Change("u1", ["one", 1], digest: 5), Change("u2", [null, new object[] { "a", "b" }], digest: 6)], None).AsTask());

        var read = new List<string>();
        await foreach (var resource in Reopen().GetResourcesAsync("User", None))
        {
            read.Add($"{resource.Id}|{resource.Key}|{resource.Digest}|{string.Join(",", resource.Values.Select(Describe))}");
        }

        var compared = new List<string>();
        await foreach (var resource in Reopen().GetResourcesToCompareAsync("User", None))
        {
            compared.Add($"{resource.Id}|{resource.Key}|{resource.Digest}|{string.Join(",", resource.Values.Select(Describe))}");
        }

        Assert.Multiple(() =>
        {
            Assert.That(compared.Order(), Is.EqualTo(read.Order()));
            Assert.That(read, Has.Count.EqualTo(2));
            Assert.That(read.Order().First(), Does.EndWith("|u1|5|one,1"));
        });

        static string Describe(object? value) => value is object[] items ? "[" + string.Join(";", items) + "]" : value?.ToString() ?? "null";
    }

    /// <summary>Digests are every resource of the type with its id, key and digest, after updates and deletes; none of another type or of a type never stored.</summary>
    [Test]
    public async Task GetResourceDigests_GivesEveryResourcesIdKeyAndDigest()
    {
        await ApplyAsync("AD", 0, async w =>
        {
            await w.InsertAsync("User", [Change("u1", ["one"], digest: 5), Change("u2", ["two"], digest: 6), Change("u3", ["three"], digest: 7)], None);
            await w.InsertAsync("Group", [Change("g1", ["group"], digest: 8)], None);
        });
        await ApplyAsync("AD", 1, async w =>
        {
            await w.UpdateAsync("User", [Change("u1", ["uno"], digest: ulong.MaxValue)], None);
            await w.DeleteAsync("User", ["u2"], None);
        });

        var expected = new List<string>();
        await foreach (var resource in Reopen().GetResourcesAsync("User", None))
        {
            expected.Add($"{resource.Id}|{resource.Key}|{resource.Digest}");
        }

        var digests = new List<string>();
        await foreach (var (id, key, digest) in Reopen().GetResourceDigestsAsync("User", None))
        {
            digests.Add($"{id}|{key}|{digest}");
        }

        var unknown = new List<ResourceDigest>();
        await foreach (var digest in Reopen().GetResourceDigestsAsync("Nobody", None))
        {
            unknown.Add(digest);
        }

        Assert.Multiple(() =>
        {
            Assert.That(digests.Order(), Is.EqualTo(expected.Order()));
            Assert.That(digests.Select(static d => d[(d.IndexOf('|', StringComparison.Ordinal) + 1)..]).Order(), Is.EqualTo(new[] { $"u1|{ulong.MaxValue}", "u3|7" }));
            Assert.That(unknown, Is.Empty);
        });
    }


    /// <summary>Inserts, updates and deletes become visible together at commit, with the connector's new state.</summary>
    [Test]
    public async Task Apply_InsertUpdateDelete_CommitsAllWithTheState()
    {
        await ApplyAsync("AD", 0, w => w.InsertAsync("User", [Change("u1", ["one"]), Change("u2", ["two"]), Change("u3", ["three"])], None).AsTask());

        await ApplyAsync("AD", 1, async w =>
        {
            await w.UpdateAsync("User", [Change("u1", ["uno"], digest: 7)], None);
            await w.DeleteAsync("User", ["u2"], None);
            await w.InsertAsync("User", [Change("u4", ["four"])], None);
        }, new ConnectorState(2, "batch-2", ["batch-2"], null));

        var state = await Store.GetConnectorStateAsync("AD", None);
        Assert.Multiple(async () =>
        {
            Assert.That(await KeysAsync("User"), Is.EqualTo(new[] { "u1", "u3", "u4" }));
            Assert.That((await Store.FindResourceAsync("User", "u1", None))!.Values, Is.EqualTo(new object[] { "uno" }));
            Assert.That((await Store.FindResourceAsync("User", "u1", None))!.Digest, Is.EqualTo(7));
            Assert.That(await Store.CountResourcesAsync("User", None), Is.EqualTo(3));
            Assert.That((state.Version, state.LastBatchId, state.IncrementalBatchIds), Is.EqualTo((2L, "batch-2", new[] { "batch-2" })));
            Assert.That(await Store.GetConnectorStateAsync("HR", None), Is.EqualTo(ConnectorState.Empty));
        });
    }


    /// <summary>
    /// A deleted resource's id is never given to another one: categorizations, provisioning states and orders name
    /// owners and accounts by id, so a newcomer given a leaver's id would inherit the leaver's history. Checked for
    /// the newest resource (the id a store counting from its largest id would give again), in the apply that deletes
    /// it, in a later one and after the store is opened again.
    /// </summary>
    [Test]
    public async Task DeletedResourcesId_IsNeverGivenAgain()
    {
        await ApplyAsync("AD", 0, w => w.InsertAsync("User", [Change("u1", ["one"]), Change("u2", ["two"])], None).AsTask());
        var gone = new List<long> { (await Store.FindResourceAsync("User", "u2", None))!.Id };

        await ApplyAsync("AD", 1, async w =>
        {
            await w.DeleteAsync("User", ["u2"], None);
            await w.InsertAsync("User", [Change("u3", ["three"])], None);
        });
        var u3 = (await Store.FindResourceAsync("User", "u3", None))!.Id;
        gone.Add(u3);

        await ApplyAsync("AD", 2, w => w.DeleteAsync("User", ["u3"], None).AsTask());
        await ApplyAsync("AD", 3, w => w.InsertAsync("User", [Change("u4", ["four"])], None).AsTask());
        var u4 = (await Store.FindResourceAsync("User", "u4", None))!.Id;
        gone.Add(u4);

        await ApplyAsync("AD", 4, w => w.DeleteAsync("User", ["u4"], None).AsTask());
        var reopened = Reopen();
        await using (var writer = await reopened.BeginApplyAsync("AD", 5, None))
        {
            await writer.InsertAsync("Group", [Change("g1", ["first"])], None);
            await writer.CommitAsync(new ConnectorState(6, null, [], null), None);
        }

        var g1 = (await reopened.FindResourceAsync("Group", "g1", None))!.Id;

        Assert.Multiple(() =>
        {
            Assert.That(u3, Is.Not.EqualTo(gone[0]), "the id of a resource deleted in the same apply");
            Assert.That(u4, Is.Not.AnyOf(gone[0], gone[1]), "the id of a resource deleted in an earlier apply");
            Assert.That(g1, Is.Not.AnyOf([.. gone]), "the id of a resource deleted before the store was opened again");
        });
    }

    /// <summary>
    /// A type's count is its resources, whatever the write went through: inserts and deletes in one apply (a key
    /// deleted named twice is deleted once), a refused insert (none of its rows), a write that was not committed, and a
    /// store opened again.
    /// </summary>
    [Test]
    public async Task CountResources_FollowsEveryCommittedInsertAndDelete()
    {
        await ApplyAsync("AD", 0, async w =>
        {
            await w.InsertAsync("User", [Change("u1", ["one"]), Change("u2", ["two"]), Change("u3", ["three"])], None);
            await w.InsertAsync("Group", [Change("g1", ["first"])], None);
        });
        var afterLoad = (await Store.CountResourcesAsync("User", None), await Store.CountResourcesAsync("Group", None));

        await ApplyAsync("AD", 1, async w =>
        {
            Assert.ThrowsAsync<StoreConflictException>(async () => await w.InsertAsync("User", [Change("u4", ["four"]), Change("u1", ["again"])], None));
            await w.DeleteAsync("User", ["u2", "u3", "u2"], None);
            await w.InsertAsync("User", [Change("u5", ["five"])], None);
            await w.DeleteAsync("Group", ["g1"], None);
        });
        var afterChanges = (await Store.CountResourcesAsync("User", None), await Store.CountResourcesAsync("Group", None));

        await using (var writer = await Store.BeginApplyAsync("AD", 2, None))
        {
            await writer.InsertAsync("User", [Change("u6", ["six"])], None);
            await writer.DeleteAsync("User", ["u1"], None);
            await writer.InsertAsync("Group", [Change("g2", ["second"])], None);
        }

        var reopened = Reopen();
        Assert.Multiple(async () =>
        {
            Assert.That(afterLoad, Is.EqualTo((3L, 1L)));
            Assert.That(afterChanges, Is.EqualTo((2L, 0L)), "u1 and u5: the refused insert counts for nothing, u2 once");
            Assert.That(await Store.CountResourcesAsync("User", None), Is.EqualTo(2), "the write not committed moves nothing");
            Assert.That(await Store.CountResourcesAsync("Group", None), Is.Zero);
            Assert.That(await reopened.CountResourcesAsync("user", None), Is.EqualTo(2), "by name, as the store compares names");
            Assert.That(await reopened.CountResourcesAsync("Nobody", None), Is.Zero, "a type never written");
        });
    }

    /// <summary>
    /// A refused call writes none of its rows, whichever of them is refused: an insert naming an existing key after a
    /// new one, an update and a delete naming a missing key after an existing one, links naming a missing key after a
    /// valid one. The rest of the write commits.
    /// </summary>
    [Test]
    public async Task RefusedCall_WritesNoneOfItsRows()
    {
        await ApplyAsync("AD", 0, async w =>
        {
            await w.InsertAsync("User", [Change("u1", ["one"]), Change("u2", ["two"])], None);
            await w.InsertAsync("Group", [Change("staff", ["Staff"])], None);
        });

        await ApplyAsync("AD", 1, async w =>
        {
            Assert.Multiple(() =>
            {
                Assert.ThrowsAsync<StoreConflictException>(async () => await w.InsertAsync("User", [Change("u3", ["three"]), Change("u1", ["again"])], None));
                Assert.ThrowsAsync<StoreConflictException>(async () => await w.UpdateAsync("User", [Change("u1", ["changed"], digest: 9), Change("nobody", ["x"])], None));
                Assert.ThrowsAsync<StoreConflictException>(async () => await w.DeleteAsync("User", ["u2", "nobody"], None));
                Assert.ThrowsAsync<StoreConflictException>(async () => await w.AddLinksAsync(Membership, [new LinkChange("staff", "u1"), new LinkChange("staff", "nobody")], None));
            });
            await w.InsertAsync("User", [Change("u4", ["four"])], None);

            // A type this write created: the refused delete leaves g1 known to the write, so inserting it again is refused.
            await w.InsertAsync("Team", [Change("g1", ["first"]), Change("g2", ["second"])], None);
            Assert.ThrowsAsync<StoreConflictException>(async () => await w.DeleteAsync("Team", ["g1", "nobody"], None));
            Assert.ThrowsAsync<StoreConflictException>(async () => await w.InsertAsync("Team", [Change("g1", ["again"])], None));
        });

        var links = await LinksAsync(Membership.Association);

        var u1 = await Store.FindResourceAsync("User", "u1", None);
        Assert.Multiple(async () =>
        {
            Assert.That(await KeysAsync("User"), Is.EqualTo(new[] { "u1", "u2", "u4" }), "u3 not inserted, u2 not deleted");
            Assert.That((u1!.Values[0], u1.Digest), Is.EqualTo(("one", 1UL)), "u1 not updated");
            Assert.That(links, Is.Empty, "the valid link of the refused call not added");
            Assert.That(await Store.CountResourcesAsync("User", None), Is.EqualTo(3));
            Assert.That(await KeysAsync("Team"), Is.EqualTo(new[] { "g1", "g2" }));
            Assert.That((await Store.FindResourceAsync("Team", "g1", None))!.Values, Is.EqualTo(new object[] { "first" }));
        });
    }

    /// <summary>
    /// How many links a write says will come (<see cref="IChangeSetWriter.ExpectLinksAsync"/>) is only a hint: fewer,
    /// more, none or a hint for an association that never gets a link give the links the calls add and remove.
    /// </summary>
    [Test]
    public async Task ExpectedLinks_AreOnlyAHint()
    {
        var users = Enumerable.Range(0, 300).Select(static i => $"u{i:000}").ToList();
        await ApplyAsync("AD", 0, async w =>
        {
            await w.ExpectLinksAsync(Membership, added: 10, removed: 0, None);
            await w.ExpectLinksAsync(new EntityAssociationKeys("Ghost", "Group", "User"), added: 1_000, removed: 1_000, None);
            await w.InsertAsync("User", [.. users.Select(static u => Change(u, [u]))], None);
            await w.InsertAsync("Group", [Change("staff", ["Staff"]), Change("admins", ["Admins"])], None);
            await w.AddLinksAsync(Membership, [.. users.Select(static u => new LinkChange("staff", u))], None);
            await w.AddLinksAsync(Membership, [.. users.Take(100).Select(static u => new LinkChange("admins", u))], None);
        });
        await ApplyAsync("AD", 1, async w =>
        {
            await w.ExpectLinksAsync(Membership, added: 5_000_000, removed: 1, None);
            await w.RemoveLinksAsync(Membership, [.. users.Take(50).Select(static u => new LinkChange("staff", u))], None);
            await w.AddLinksAsync(Membership, [new LinkChange("admins", "u299")], None);
        });

        var links = await LinksAsync("Membership");
        var staff = await Store.FindResourceAsync("Group", "staff", None);
        var admins = await Store.FindResourceAsync("Group", "admins", None);
        Assert.Multiple(async () =>
        {
            Assert.That(links, Has.Count.EqualTo(250 + 101));
            Assert.That(links.Count(l => l.FirstId == staff!.Id), Is.EqualTo(250));
            Assert.That(links.Count(l => l.FirstId == admins!.Id), Is.EqualTo(101));
            Assert.That(await Store.CountLinksAsync("Ghost", None), Is.Zero);
        });
    }

    /// <summary>
    /// Calls that repeat themselves or ask for what is already so are applied as if one came after the other: a key
    /// updated twice in one call keeps the later values; a link added that exists, or twice in one call, is one link; a
    /// link removed that does not exist, or twice, is no change; a key deleted and inserted again is a new resource.
    /// Keys compare as written: <c>U1</c> is not <c>u1</c>.
    /// </summary>
    [Test]
    public async Task RepeatedCalls_AreAppliedOneAfterTheOther()
    {
        await TwoUsersOneInStaffAsync();
        var u2Before = (await Store.FindResourceAsync("User", "u2", None))!.Id;

        await ApplyAsync("AD", 1, async w =>
        {
            await w.InsertAsync("User", [Change("U1", ["upper"])], None);
            await w.UpdateAsync("User", [Change("u1", ["first"], digest: 4), Change("u1", ["second"], digest: 5)], None);
            await w.AddLinksAsync(Membership, [new LinkChange("staff", "u1")], None);
            await w.AddLinksAsync(Membership, [new LinkChange("staff", "U1"), new LinkChange("staff", "U1")], None);
            await w.RemoveLinksAsync(Membership, [new LinkChange("staff", "u2"), new LinkChange("staff", "u2")], None);
            await w.DeleteAsync("User", ["u2"], None);
            await w.InsertAsync("User", [Change("u2", ["again"])], None);
        });

        var links = await LinksAsync(Membership.Association);

        var staff = (await Store.FindResourceAsync("Group", "staff", None))!.Id;
        var u1 = (await Store.FindResourceAsync("User", "u1", None))!;
        var upper = (await Store.FindResourceAsync("User", "U1", None))!;
        var u2 = (await Store.FindResourceAsync("User", "u2", None))!;
        links.Sort(static (a, b) => a.SecondId.CompareTo(b.SecondId));
        Assert.Multiple(async () =>
        {
            Assert.That(await KeysAsync("User"), Is.EqualTo(new[] { "U1", "u1", "u2" }));
            Assert.That((u1.Values[0], u1.Digest), Is.EqualTo(("second", 5UL)), "the later of two updates of one key");
            Assert.That(upper.Values[0], Is.EqualTo("upper"));
            Assert.That(links, Is.EquivalentTo(new[] { new StoredLink(staff, u1.Id), new StoredLink(staff, upper.Id) }), "each link once");
            Assert.That(u2.Id, Is.Not.EqualTo(u2Before), "deleted and inserted again: a new resource");
            Assert.That(await Store.CountResourcesAsync("User", None), Is.EqualTo(3));
        });
    }

    /// <summary>A writer disposed without commit leaves nothing behind.</summary>
    [Test]
    public async Task Apply_DisposedWithoutCommit_ChangesNothing()
    {
        await ApplyAsync("AD", 0, w => w.InsertAsync("User", [Change("u1", ["one"])], None).AsTask());

        await using (var writer = await Store.BeginApplyAsync("AD", 1, None))
        {
            await writer.InsertAsync("User", [Change("u2", ["two"])], None);
            await writer.UpdateAsync("User", [Change("u1", ["changed"])], None);
            await writer.InsertAsync("Group", [Change("g1", ["new type"])], None);
        }

        Assert.Multiple(async () =>
        {
            Assert.That(await KeysAsync("User"), Is.EqualTo(new[] { "u1" }));
            Assert.That((await Store.FindResourceAsync("User", "u1", None))!.Values, Is.EqualTo(new object[] { "one" }));
            Assert.That(await Store.CountResourcesAsync("Group", None), Is.Zero);
            Assert.That((await Store.GetConnectorStateAsync("AD", None)).Version, Is.EqualTo(1));
        });
    }


    /// <summary>A change set computed against another version is refused.</summary>
    [Test]
    public async Task BeginApply_StaleVersion_IsRefused()
    {
        await ApplyAsync("AD", 0, w => w.InsertAsync("User", [Change("u1", ["one"])], None).AsTask());

        var exception = Assert.ThrowsAsync<StoreConflictException>(async () => await Store.BeginApplyAsync("AD", 0, None));

        Assert.That(exception!.Message, Is.EqualTo("Connector 'AD' changed since the change set was computed (version 0, now 1); synchronize again."));
    }


    /// <summary>Inserting an existing key, or updating or deleting a missing one, is a conflict.</summary>
    [Test]
    public async Task Apply_InconsistentChange_IsAConflict()
    {
        await ApplyAsync("AD", 0, w => w.InsertAsync("User", [Change("u1", ["one"])], None).AsTask());
        await using var writer = await Store.BeginApplyAsync("AD", 1, None);

        Assert.Multiple(() =>
        {
            Assert.ThrowsAsync<StoreConflictException>(async () => await writer.InsertAsync("User", [Change("u1", ["again"])], None));
            Assert.ThrowsAsync<StoreConflictException>(async () => await writer.UpdateAsync("User", [Change("nobody", ["x"])], None));
            Assert.ThrowsAsync<StoreConflictException>(async () => await writer.DeleteAsync("User", ["nobody"], None));
        });
    }


    /// <summary>A commit asked with a cancelled token commits nothing, however far the write's statements got.</summary>
    [Test]
    public async Task Commit_WithACancelledToken_CommitsNothing()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await using (var writer = await Store.BeginApplyAsync("AD", 0, None))
        {
            await writer.InsertAsync("User", [Change("u1", ["one"]), Change("u2", ["two"])], None);
            Assert.CatchAsync<OperationCanceledException>(async () => await writer.CommitAsync(new ConnectorState(1, "b1", [], null), cancelled.Token));
        }

        Assert.Multiple(async () =>
        {
            Assert.That(await Store.CountResourcesAsync("User", None), Is.Zero);
            Assert.That((await Store.GetConnectorStateAsync("AD", None)).Version, Is.Zero);
        });
    }

    /// <summary>
    /// A refused call leaves the write usable: after an update of a missing key as the write's first call, updates
    /// and links of existing keys succeed and commit with it.
    /// </summary>
    [Test]
    public async Task Apply_AfterARefusedFirstCall_LaterCallsSucceedAndCommit()
    {
        await TwoUsersOneInStaffAsync();

        await ApplyAsync("AD", 1, async w =>
        {
            Assert.ThrowsAsync<StoreConflictException>(async () => await w.UpdateAsync("User", [Change("nobody", ["x"])], None));
            await w.UpdateAsync("User", [Change("u1", ["uno"], digest: 2)], None);
            await w.RemoveLinksAsync(Membership, [new LinkChange("staff", "u1")], None);
            await w.AddLinksAsync(Membership, [new LinkChange("staff", "u2")], None);
        });

        var links = await LinksAsync(Membership.Association);

        var staff = (await Store.FindResourceAsync("Group", "staff", None))!.Id;
        var u2 = (await Store.FindResourceAsync("User", "u2", None))!.Id;
        var u1 = await Store.FindResourceAsync("User", "u1", None);
        Assert.Multiple(() =>
        {
            Assert.That(u1!.Values[0], Is.EqualTo("uno"), "the update after the refused one");
            Assert.That(links, Is.EqualTo(new[] { new StoredLink(staff, u2) }), "the link removed and the link added");
        });
    }


    /// <summary>
    /// Links handed as <see cref="INumberedLinks"/> (ends as ordinals into key lists that every chunk shares) are the
    /// links their keys name: ends inserted in the same write and before it, over several chunks; a key deleted in the
    /// write no longer resolves (a writer that resolved it earlier in the write must not keep its id), and a key that
    /// does not exist is a conflict that names it.
    /// </summary>
    [Test]
    public async Task Links_Numbered_AreTheLinksTheirKeysName_AndADeletedKeyNoLongerResolves()
    {
        string[] groups = ["g-new", "g-old", "g-unused"];
        string[] users = ["u3", "u1", "u2", "ghost"];
        await ApplyAsync("AD", 0, async w =>
        {
            await w.InsertAsync("User", [Change("u1", ["one"]), Change("u2", ["two"])], None);
            await w.InsertAsync("Group", [Change("g-old", ["Old"])], None);
        });
        await ApplyAsync("AD", 1, async w =>
        {
            await w.InsertAsync("User", [Change("u3", ["three"])], None);
            await w.InsertAsync("Group", [Change("g-new", ["New"])], None);
            await w.AddLinksAsync(Membership, new NumberedLinks(groups, users, (1, 1), (0, 0)), None);
            await w.AddLinksAsync(Membership, new NumberedLinks(groups, users, (0, 1), (1, 2)), None);
        });

        var afterAdd = await LinkKeysAsync();
        await using (var writer = await Store.BeginApplyAsync("AD", 2, None))
        {
            await writer.RemoveLinksAsync(Membership, new NumberedLinks(groups, users, (1, 2)), None);
            await writer.DeleteAsync("User", ["u2"], None);
            var deleted = Assert.ThrowsAsync<StoreConflictException>(async () => await writer.AddLinksAsync(Membership, new NumberedLinks(groups, users, (0, 2)), None));
            var missing = Assert.ThrowsAsync<StoreConflictException>(async () => await writer.AddLinksAsync(Membership, new NumberedLinks(groups, users, (0, 3)), None));
            Assert.Multiple(() =>
            {
                Assert.That(deleted!.Message, Does.Contain("'u2'"), "deleted in this write: its id no longer resolves");
                Assert.That(missing!.Message, Does.Contain("'ghost'"));
            });
        }

        Assert.That(afterAdd, Is.EqualTo(new[] { "g-new|u1", "g-new|u3", "g-old|u1", "g-old|u2" }));

        async Task<List<string>> LinkKeysAsync()
        {
            var keys = new List<string>();
            await foreach (var link in Reopen().GetLinksAsync(Membership.Association, None))
            {
                keys.Add($"{(await Store.FindResourceByIdAsync(link.FirstId, None))!.Key}|{(await Store.FindResourceByIdAsync(link.SecondId, None))!.Key}");
            }

            keys.Sort(StringComparer.Ordinal);
            return keys;
        }
    }

    /// <summary>
    /// Links read in batches are the links read one by one, however the sets split across batches: a group of 5,000
    /// members (larger than a default batch), groups of one and of 4,095, and an association nobody wrote.
    /// </summary>
    [Test]
    public async Task LinkBatches_AreTheLinksReadOneByOne_WhateverTheSizeOfTheSets()
    {
        var users = Enumerable.Range(0, 5_000).Select(static i => $"u{i:D4}").ToList();
        await ApplyAsync("AD", 0, async w =>
        {
            await w.InsertAsync("User", [.. users.Select(static u => Change(u, [u]))], None);
            await w.InsertAsync("Group", [Change("big", ["Big"]), Change("one", ["One"]), Change("almost", ["Almost"])], None);
            await w.AddLinksAsync(Membership, [.. users.Select(static u => new LinkChange("big", u))], None);
            await w.AddLinksAsync(Membership, [new LinkChange("one", "u0001")], None);
            await w.AddLinksAsync(Membership, [.. users.Take(4_095).Select(static u => new LinkChange("almost", u))], None);
        });

        var store = Reopen();
        var oneByOne = new List<StoredLink>();
        await foreach (var link in store.GetLinksAsync(Membership.Association, None))
        {
            oneByOne.Add(link);
        }

        var batched = new List<StoredLink>();
        var batches = 0;
        await foreach (var batch in store.GetLinkBatchesAsync(Membership.Association, None))
        {
            batches++;
            Assert.That(batch.Length, Is.Positive, "no empty batch");
            batched.AddRange(batch.ToArray());
        }

        var none = 0;
        await foreach (var batch in store.GetLinkBatchesAsync("NoSuchAssociation", None))
        {
            none += batch.Length;
        }

        Assert.Multiple(() =>
        {
            Assert.That(oneByOne, Has.Count.EqualTo(5_000 + 1 + 4_095));
            Assert.That(batched.OrderBy(static l => (l.FirstId, l.SecondId)).ToList(), Is.EqualTo(oneByOne.OrderBy(static l => (l.FirstId, l.SecondId)).ToList()));
            Assert.That(batches, Is.GreaterThan(1));
            Assert.That(none, Is.Zero);
        });
    }

    /// <summary>A blocked change set is kept with every value and change, and cleared.</summary>
    [Test]
    public async Task BlockedChangeSet_KeptAndCleared_RoundTrips()
    {
        var changeSet = new ChangeSet(
            "AD",
            SyncMode.Complete,
            "abc",
            3,
            new DateTimeOffset(2026, 11, 22, 8, 0, 0, TimeSpan.Zero),
            [new EntityTypeChanges(
                "User",
                [Change("u9", ["nine", new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc)])],
                [new ResourceChange("u1", 5, ["uno", 3], [new PropertyChange("Name", "one", "uno"), new PropertyChange("Count", null, 3)], 12)],
                [new ResourceChange("u2", 6, ["two", null], [], 0)],
                40)],
            [new AssociationChanges(Membership, [new LinkChange("staff", "u9")], [new LinkChange("staff", "u2")], 7)]);

        await Store.SetBlockedChangeSetAsync("AD", changeSet, None);
        var kept = (await Reopen().GetConnectorStateAsync("AD", None)).Blocked;
        await Store.SetBlockedChangeSetAsync("AD", null, None);

        Assert.Multiple(async () =>
        {
            Assert.That(kept?.Connector, Is.EqualTo("AD"), "the blocked change set was kept");
            Assert.That(kept!.EntityTypes[0].Updated[0].Changes, Is.EqualTo(changeSet.EntityTypes[0].Updated[0].Changes));
            Assert.That(kept.EntityTypes[0].Inserted[0].Values, Is.EqualTo(changeSet.EntityTypes[0].Inserted[0].Values));
            Assert.That(kept.EntityTypes[0].Deleted[0].Values, Is.EqualTo(new object?[] { "two", null }));
            Assert.That((kept.BatchId, kept.BaseVersion, kept.CreatedAt, kept.EntityTypes[0].Unchanged), Is.EqualTo(("abc", 3L, changeSet.CreatedAt, 40L)));
            Assert.That(kept.Associations[0], Is.EqualTo(changeSet.Associations[0]).Using<AssociationChanges>((a, b) =>
                a.Association == b.Association && a.Added.SequenceEqual(b.Added) && a.Removed.SequenceEqual(b.Removed) && a.Unchanged == b.Unchanged));
            Assert.That((await Store.GetConnectorStateAsync("AD", None)).Blocked, Is.Null);
        });
    }


    /// <summary>
    /// A blocked change set of several thousand rows (pages, in a store that spools them) reads back whole: every
    /// row in order by enumeration, and any row by index, in any order, after a reopen.
    /// </summary>
    [Test]
    public async Task BlockedChangeSet_OfThousandsOfRows_ReadsEveryRowBackInOrder()
    {
        var changeSet = Blocked("a", inserted: 2_345, updated: 1_001, links: 2_100);

        await Store.SetBlockedChangeSetAsync("AD", changeSet, None);
        var kept = (await Reopen().GetConnectorStateAsync("AD", None)).Blocked!;

        var expected = changeSet.EntityTypes[0];
        var read = kept.EntityTypes[0];
        Assert.Multiple(() =>
        {
            Assert.That((read.Inserted.Count, read.Updated.Count, read.Deleted.Count, kept.Associations[0].Added.Count, kept.Associations[0].Removed.Count), Is.EqualTo((2_345, 1_001, 3, 2_100, 1)));
            Assert.That(read.Inserted.Select(static r => r.Key), Is.EqualTo(expected.Inserted.Select(static r => r.Key)), "enumerated in order");
            Assert.That(read.Inserted[2_344].Values, Is.EqualTo(expected.Inserted[2_344].Values), "the last row of the last page, by index");
            Assert.That(read.Inserted[999].Key, Is.EqualTo("a999"));
            Assert.That(read.Inserted[1_000].Key, Is.EqualTo("a1000"));
            Assert.That(read.Inserted[0].LineNumber, Is.EqualTo(2));
            Assert.That(read.Updated[1_000].Changes, Is.EqualTo(expected.Updated[1_000].Changes));
            Assert.That(read.Deleted.Select(static r => r.Key), Is.EqualTo(expected.Deleted.Select(static r => r.Key)));
            Assert.That(kept.Associations[0].Added, Is.EqualTo(changeSet.Associations[0].Added));
            Assert.That(kept.Associations[0].Removed, Is.EqualTo(changeSet.Associations[0].Removed));
        });
    }

    /// <summary>
    /// A blocked change set replaced while someone reads it never gives the other one's rows: a row is the one
    /// read's, or the read is refused as a conflict.
    /// </summary>
    [Test]
    public async Task BlockedChangeSet_ReplacedWhileRead_NeverGivesTheOtherRows()
    {
        await Store.SetBlockedChangeSetAsync("AD", Blocked("a", inserted: 2_500, updated: 0, links: 0), None);
        var kept = (await Reopen().GetConnectorStateAsync("AD", None)).Blocked!;
        var first = kept.EntityTypes[0].Inserted[0].Key;

        await Store.SetBlockedChangeSetAsync("AD", Blocked("b", inserted: 2_500, updated: 0, links: 0), None);
        string? later = null;
        StoreConflictException? conflict = null;
        try
        {
            later = kept.EntityTypes[0].Inserted[1_500].Key;
        }
        catch (StoreConflictException exception)
        {
            conflict = exception;
        }

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo("a0"));
            Assert.That(later is "a1500" || conflict is not null, Is.True, $"read '{later}' from the change set that replaced it");
            Assert.That(conflict?.Message ?? "AD", Does.Contain("AD"));
        });
    }

    /// <summary>
    /// A write that commits the connector's state with its blocked change set still in it (a repository edit
    /// while a synchronization is blocked) keeps every row of that change set.
    /// </summary>
    [Test]
    public async Task Commit_KeepingTheBlockedChangeSet_KeepsEveryRow()
    {
        await Store.SetBlockedChangeSetAsync("AD", Blocked("a", inserted: 2_500, updated: 0, links: 1_200), None);
        var state = await Reopen().GetConnectorStateAsync("AD", None);

        await ApplyAsync("AD", 0, w => w.InsertAsync("User", [Change("edited", ["by hand"])], None).AsTask(), state with { Version = 1 });
        var after = (await Reopen().GetConnectorStateAsync("AD", None)).Blocked;

        Assert.Multiple(() =>
        {
            Assert.That(after?.EntityTypes[0].Inserted.Select(static r => r.Key), Is.EqualTo(Enumerable.Range(0, 2_500).Select(static i => $"a{i}")));
            Assert.That(after?.Associations[0].Added, Has.Count.EqualTo(1_200));
            Assert.That(after?.Associations[0].Added[1_199], Is.EqualTo(new LinkChange("g1199", "a1199")));
        });
    }


    /// <summary>One run per connector: a second lock is refused at once, and free again once released.</summary>
    [Test]
    public async Task LockConnector_WhileHeld_IsRefusedThenFreed()
    {
        var first = await Store.LockConnectorAsync("AD", None);

        Assert.ThrowsAsync<ConnectorBusyException>(async () => await Store.LockConnectorAsync("AD", None));
        await using (await Store.LockConnectorAsync("HR", None))
        {
        }

        await first.DisposeAsync();
        await using var again = await Store.LockConnectorAsync("AD", None);
        Assert.That(again, Is.Not.SameAs(first));
    }


    /// <summary>Readers see the committed state while a change set is being written.</summary>
    [Test]
    public async Task Read_DuringAnOpenApply_SeesTheCommittedState()
    {
        await ApplyAsync("AD", 0, w => w.InsertAsync("User", [Change("u1", ["one"])], None).AsTask());
        await using var writer = await Store.BeginApplyAsync("AD", 1, None);
        await writer.InsertAsync("User", [Change("u2", ["two"])], None);
        await writer.UpdateAsync("User", [Change("u1", ["changed"])], None);

        var during = await Task.Run(async () => (await KeysAsync("User"), (await Store.FindResourceAsync("User", "u1", None))!.Values[0]));
        await writer.CommitAsync(new ConnectorState(2, null, [], null), None);

        Assert.Multiple(async () =>
        {
            Assert.That(during, Is.EqualTo((new[] { "u1" }, (object)"one")));
            Assert.That(await KeysAsync("User"), Is.EqualTo(new[] { "u1", "u2" }));
        });
    }

    /// <summary>Table watermarks are committed with the state and kept with a blocked change set, after a reopen.</summary>
    [Test]
    public async Task Watermarks_CommittedAndStaged_RoundTrip()
    {
        TableWatermark[] applied = [new("Export", "users", "usn:100"), new("Export", "groups", "AAEC/w==")];
        await ApplyAsync("AD", 0, static _ => Task.CompletedTask, new ConnectorState(1, "b1", [], null) { Watermarks = applied });
        var blocked = new ChangeSet("AD", SyncMode.Complete, "b2", 1, DateTimeOffset.UnixEpoch, [], []) { Watermarks = [new("Export", "users", "usn:300")] };
        await Store.SetBlockedChangeSetAsync("AD", blocked, None);

        var state = await Reopen().GetConnectorStateAsync("AD", None);

        Assert.Multiple(() =>
        {
            Assert.That(state.Watermarks, Is.EqualTo(applied));
            Assert.That(state.Blocked!.Watermarks, Is.EqualTo(blocked.Watermarks));
        });
    }

    private static ChangeSet Blocked(string prefix, int inserted, int updated, int links) =>
        new(
            "AD",
            SyncMode.Complete,
            $"batch-{prefix}",
            0,
            new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero),
            [new EntityTypeChanges(
                "User",
                [.. Enumerable.Range(0, inserted).Select(i => new ResourceChange($"{prefix}{i}", (ulong)i, [$"name {i}", i], [], i + 2))],
                [.. Enumerable.Range(0, updated).Select(i => new ResourceChange($"{prefix}u{i}", (ulong)i, [$"new {i}", i], [new PropertyChange("Name", $"old {i}", $"new {i}")], i + 2))],
                [.. Enumerable.Range(0, 3).Select(i => new ResourceChange($"{prefix}d{i}", 9, [$"gone {i}", null], [], 0))],
                10)],
            [new AssociationChanges(Membership, [.. Enumerable.Range(0, links).Select(i => new LinkChange($"g{i}", $"{prefix}{i}"))], [new LinkChange("g0", $"{prefix}d0")], 4)]);

    /// <summary>Version 1 of connector AD: users u1 and u2, group staff, u1 in staff.</summary>
    private Task TwoUsersOneInStaffAsync() => ApplyAsync("AD", 0, async w =>
    {
        await w.InsertAsync("User", [Change("u1", ["one"]), Change("u2", ["two"])], None);
        await w.InsertAsync("Group", [Change("staff", ["Staff"])], None);
        await w.AddLinksAsync(Membership, [new LinkChange("staff", "u1")], None);
    });
}
