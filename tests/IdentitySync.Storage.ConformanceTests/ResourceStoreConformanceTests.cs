using IdentitySync.Orders;

using IdentitySync.JobRuns;

using IdentitySync.Categorizations;
using IdentitySync.ChangeSets;

namespace IdentitySync.Storage.ConformanceTests;

/// <summary>What every <see cref="IResourceStore"/> must do; each store's test project derives a fixture.</summary>
public abstract class ResourceStoreConformanceTests
{
    private static readonly EntityAssociationKeys s_membership = new("Membership", "Group", "User");
    private static readonly CancellationToken s_none = CancellationToken.None;

    /// <summary>Gets the store under test, new and empty for each test.</summary>
    protected IResourceStore Store { get; private set; } = null!;

    /// <summary>Creates a new, empty store.</summary>
    /// <returns>The store.</returns>
    protected abstract IResourceStore CreateStore();

    /// <summary>Opens the same data again, as a new process would; in-memory stores return the same instance.</summary>
    /// <returns>The store.</returns>
    protected abstract IResourceStore Reopen();

    /// <summary>Creates the store.</summary>
    [SetUp]
    public void CreateStoreForTest() => Store = CreateStore();

    /// <summary>Every value type comes back as written, after a reopen.</summary>
    [Test]
    public async Task Apply_ValuesOfEveryType_RoundTrip()
    {
        object?[] values =
        [
            "Zoë \"x\"", 42, 9_000_000_000L, true, new DateTime(2024, 2, 29, 10, 15, 0, DateTimeKind.Utc),
            new Guid("6F9619FF-8B86-D011-B42D-00C04FC964FF"), 0.25, new byte[] { 0, 1, 255 }, new object[] { "a", "b" }, null,
        ];
        await ApplyAsync("AD", 0, w => w.InsertAsync("User", [Change("u1", values, digest: ulong.MaxValue)], s_none).AsTask());

        var found = await Reopen().FindResourceAsync("User", "u1", s_none);

        Assert.Multiple(() =>
        {
            Assert.That(found!.Values, Is.EqualTo(values));
            Assert.That(found.Digest, Is.EqualTo(ulong.MaxValue));
            Assert.That(found.EntityType, Is.EqualTo("User"));
        });
    }

    /// <summary>Resources streamed for comparison are the resources streamed for reading, values included.</summary>
    [Test]
    public async Task GetResourcesToCompare_GivesWhatGetResourcesGives()
    {
        await ApplyAsync("AD", 0, w => w.InsertAsync("User", [Change("u1", ["one", 1], digest: 5), Change("u2", [null, new object[] { "a", "b" }], digest: 6)], s_none).AsTask());

        var read = new List<string>();
        await foreach (var resource in Reopen().GetResourcesAsync("User", s_none))
        {
            read.Add($"{resource.Id}|{resource.Key}|{resource.Digest}|{string.Join(",", resource.Values.Select(Describe))}");
        }

        var compared = new List<string>();
        await foreach (var resource in Reopen().GetResourcesToCompareAsync("User", s_none))
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

    /// <summary>Inserts, updates and deletes become visible together at commit, with the connector's new state.</summary>
    [Test]
    public async Task Apply_InsertUpdateDelete_CommitsAllWithTheState()
    {
        await ApplyAsync("AD", 0, w => w.InsertAsync("User", [Change("u1", ["one"]), Change("u2", ["two"]), Change("u3", ["three"])], s_none).AsTask());

        await ApplyAsync("AD", 1, async w =>
        {
            await w.UpdateAsync("User", [Change("u1", ["uno"], digest: 7)], s_none);
            await w.DeleteAsync("User", ["u2"], s_none);
            await w.InsertAsync("User", [Change("u4", ["four"])], s_none);
        }, new ConnectorState(2, "batch-2", ["batch-2"], null));

        var state = await Store.GetConnectorStateAsync("AD", s_none);
        Assert.Multiple(async () =>
        {
            Assert.That(await KeysAsync("User"), Is.EqualTo(new[] { "u1", "u3", "u4" }));
            Assert.That((await Store.FindResourceAsync("User", "u1", s_none))!.Values, Is.EqualTo(new object[] { "uno" }));
            Assert.That((await Store.FindResourceAsync("User", "u1", s_none))!.Digest, Is.EqualTo(7));
            Assert.That(await Store.CountResourcesAsync("User", s_none), Is.EqualTo(3));
            Assert.That((state.Version, state.LastBatchId, state.IncrementalBatchIds), Is.EqualTo((2L, "batch-2", new[] { "batch-2" })));
            Assert.That(await Store.GetConnectorStateAsync("HR", s_none), Is.EqualTo(ConnectorState.Empty));
        });
    }

    /// <summary>A writer disposed without commit leaves nothing behind.</summary>
    [Test]
    public async Task Apply_DisposedWithoutCommit_ChangesNothing()
    {
        await ApplyAsync("AD", 0, w => w.InsertAsync("User", [Change("u1", ["one"])], s_none).AsTask());

        await using (var writer = await Store.BeginApplyAsync("AD", 1, s_none))
        {
            await writer.InsertAsync("User", [Change("u2", ["two"])], s_none);
            await writer.UpdateAsync("User", [Change("u1", ["changed"])], s_none);
            await writer.InsertAsync("Group", [Change("g1", ["new type"])], s_none);
        }

        Assert.Multiple(async () =>
        {
            Assert.That(await KeysAsync("User"), Is.EqualTo(new[] { "u1" }));
            Assert.That((await Store.FindResourceAsync("User", "u1", s_none))!.Values, Is.EqualTo(new object[] { "one" }));
            Assert.That(await Store.CountResourcesAsync("Group", s_none), Is.Zero);
            Assert.That((await Store.GetConnectorStateAsync("AD", s_none)).Version, Is.EqualTo(1));
        });
    }

    /// <summary>A change set computed against another version is refused.</summary>
    [Test]
    public async Task BeginApply_StaleVersion_IsRefused()
    {
        await ApplyAsync("AD", 0, w => w.InsertAsync("User", [Change("u1", ["one"])], s_none).AsTask());

        var exception = Assert.ThrowsAsync<StoreConflictException>(async () => await Store.BeginApplyAsync("AD", 0, s_none));

        Assert.That(exception!.Message, Is.EqualTo("Connector 'AD' changed since the change set was computed (version 0, now 1); synchronize again."));
    }

    /// <summary>Inserting an existing key, or updating or deleting a missing one, is a conflict.</summary>
    [Test]
    public async Task Apply_InconsistentChange_IsAConflict()
    {
        await ApplyAsync("AD", 0, w => w.InsertAsync("User", [Change("u1", ["one"])], s_none).AsTask());
        await using var writer = await Store.BeginApplyAsync("AD", 1, s_none);

        Assert.Multiple(() =>
        {
            Assert.ThrowsAsync<StoreConflictException>(async () => await writer.InsertAsync("User", [Change("u1", ["again"])], s_none));
            Assert.ThrowsAsync<StoreConflictException>(async () => await writer.UpdateAsync("User", [Change("nobody", ["x"])], s_none));
            Assert.ThrowsAsync<StoreConflictException>(async () => await writer.DeleteAsync("User", ["nobody"], s_none));
        });
    }

    /// <summary>Links resolve by key (including resources inserted in the same transaction) and follow both ways.</summary>
    [Test]
    public async Task Links_AddedAndRemoved_AreReadableBothWays()
    {
        await ApplyAsync("AD", 0, async w =>
        {
            await w.InsertAsync("User", [Change("u1", ["one"]), Change("u2", ["two"])], s_none);
            await w.InsertAsync("Group", [Change("staff", ["Staff"]), Change("admins", ["Admins"])], s_none);
            await w.AddLinksAsync(s_membership, [new("staff", "u1"), new("staff", "u2"), new("admins", "u2"), new("admins", "u2")], s_none);
        });
        await ApplyAsync("AD", 1, w => w.RemoveLinksAsync(s_membership, [new("staff", "u1")], s_none).AsTask());

        var staff = await Store.FindResourceAsync("Group", "staff", s_none);
        var u2 = await Store.FindResourceAsync("User", "u2", s_none);
        Assert.Multiple(async () =>
        {
            Assert.That(await Store.CountLinksAsync("Membership", s_none), Is.EqualTo(2));
            Assert.That((await Store.GetLinkedResourcesAsync("Membership", staff!.Id, LinkDirection.FirstToSecond, s_none)).Select(static r => r.Key), Is.EqualTo(new[] { "u2" }));
            Assert.That((await Store.GetLinkedResourcesAsync("Membership", u2!.Id, LinkDirection.SecondToFirst, s_none)).Select(static r => (r.EntityType, r.Key)), Is.EqualTo(new[] { ("Group", "admins"), ("Group", "staff") }));
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
            await w.InsertAsync("User", [.. users.Select(static u => Change(u, [u]))], s_none);
            await w.InsertAsync("Group", [Change("staff", ["Staff"]), Change("admins", ["Admins"]), Change("guests", ["Guests"])], s_none);
            await w.AddLinksAsync(s_membership, [.. first, .. first.Take(10)], s_none);
        });

        // Again the staff links (held already) and every user into guests.
        await ApplyAsync("AD", 1, w => w.AddLinksAsync(s_membership, [.. users.Select(static u => new LinkChange("guests", u)), .. first.Where(static l => l.FirstKey == "staff")], s_none).AsTask());

        var u149 = await Store.FindResourceAsync("User", "u149", s_none);
        var guests = await Store.FindResourceAsync("Group", "guests", s_none);
        Assert.Multiple(async () =>
        {
            Assert.That(await Store.CountLinksAsync("Membership", s_none), Is.EqualTo(450));
            Assert.That((await Store.GetLinkedResourcesAsync("Membership", u149!.Id, LinkDirection.SecondToFirst, s_none)).Select(static r => r.Key), Is.EqualTo(new[] { "admins", "guests", "staff" }));
            Assert.That((await Store.GetLinkedResourcesAsync("Membership", guests!.Id, LinkDirection.FirstToSecond, s_none)).Select(static r => r.Key), Is.EqualTo(users));
        });
    }

    /// <summary>Deleting a resource deletes every link that touches it, on either side.</summary>
    [Test]
    public async Task Delete_ResourceWithLinks_RemovesItsLinks()
    {
        await ApplyAsync("AD", 0, async w =>
        {
            await w.InsertAsync("User", [Change("u1", ["one"]), Change("u2", ["two"])], s_none);
            await w.InsertAsync("Group", [Change("staff", ["Staff"])], s_none);
            await w.AddLinksAsync(s_membership, [new("staff", "u1"), new("staff", "u2")], s_none);
        });

        await ApplyAsync("AD", 1, w => w.DeleteAsync("User", ["u1"], s_none).AsTask());

        var links = new List<StoredLink>();
        await foreach (var link in Store.GetLinksAsync("Membership", s_none))
        {
            links.Add(link);
        }

        var u2 = await Store.FindResourceAsync("User", "u2", s_none);
        Assert.That(links.Select(static l => l.SecondId), Is.EqualTo(new[] { u2!.Id }));
    }

    /// <summary>Pages follow key order without gaps or repeats.</summary>
    [Test]
    public async Task GetResourcePage_ManyResources_PagesInKeyOrder()
    {
        var keys = Enumerable.Range(0, 25).Select(static i => $"k{i:00}").Reverse().ToList();
        await ApplyAsync("AD", 0, w => w.InsertAsync("User", [.. keys.Select(k => Change(k, [k]))], s_none).AsTask());

        var pages = new List<IReadOnlyList<string>>();
        string? after = null;
        while (true)
        {
            var page = await Store.GetResourcePageAsync("User", after, 10, s_none);
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
            [new AssociationChanges(s_membership, [new LinkChange("staff", "u9")], [new LinkChange("staff", "u2")], 7)]);

        await Store.SetBlockedChangeSetAsync("AD", changeSet, s_none);
        var kept = (await Reopen().GetConnectorStateAsync("AD", s_none)).Blocked;
        await Store.SetBlockedChangeSetAsync("AD", null, s_none);

        Assert.Multiple(async () =>
        {
            Assert.That(kept?.Connector, Is.EqualTo("AD"), "the blocked change set was kept");
            Assert.That(kept!.EntityTypes[0].Updated[0].Changes, Is.EqualTo(changeSet.EntityTypes[0].Updated[0].Changes));
            Assert.That(kept.EntityTypes[0].Inserted[0].Values, Is.EqualTo(changeSet.EntityTypes[0].Inserted[0].Values));
            Assert.That(kept.EntityTypes[0].Deleted[0].Values, Is.EqualTo(new object?[] { "two", null }));
            Assert.That((kept.BatchId, kept.BaseVersion, kept.CreatedAt, kept.EntityTypes[0].Unchanged), Is.EqualTo(("abc", 3L, changeSet.CreatedAt, 40L)));
            Assert.That(kept.Associations[0], Is.EqualTo(changeSet.Associations[0]).Using<AssociationChanges>((a, b) =>
                a.Association == b.Association && a.Added.SequenceEqual(b.Added) && a.Removed.SequenceEqual(b.Removed) && a.Unchanged == b.Unchanged));
            Assert.That((await Store.GetConnectorStateAsync("AD", s_none)).Blocked, Is.Null);
        });
    }

    /// <summary>One run per connector: a second lock is refused at once, and free again once released.</summary>
    [Test]
    public async Task LockConnector_WhileHeld_IsRefusedThenFreed()
    {
        var first = await Store.LockConnectorAsync("AD", s_none);

        Assert.ThrowsAsync<ConnectorBusyException>(async () => await Store.LockConnectorAsync("AD", s_none));
        await using (await Store.LockConnectorAsync("HR", s_none))
        {
        }

        await first.DisposeAsync();
        await using var again = await Store.LockConnectorAsync("AD", s_none);
        Assert.That(again, Is.Not.SameAs(first));
    }

    /// <summary>Readers see the committed state while a change set is being written.</summary>
    [Test]
    public async Task Read_DuringAnOpenApply_SeesTheCommittedState()
    {
        await ApplyAsync("AD", 0, w => w.InsertAsync("User", [Change("u1", ["one"])], s_none).AsTask());
        await using var writer = await Store.BeginApplyAsync("AD", 1, s_none);
        await writer.InsertAsync("User", [Change("u2", ["two"])], s_none);
        await writer.UpdateAsync("User", [Change("u1", ["changed"])], s_none);

        var during = await Task.Run(async () => (await KeysAsync("User"), (await Store.FindResourceAsync("User", "u1", s_none))!.Values[0]));
        await writer.CommitAsync(new ConnectorState(2, null, [], null), s_none);

        Assert.Multiple(async () =>
        {
            Assert.That(during, Is.EqualTo((new[] { "u1" }, (object)"one")));
            Assert.That(await KeysAsync("User"), Is.EqualTo(new[] { "u1", "u2" }));
        });
    }

    /// <summary>Categorizations are kept per account, replaced, and deleted with their account.</summary>
    [Test]
    public async Task Categorizations_SavedReplacedAndDeletedWithTheAccount_RoundTrip()
    {
        await ApplyAsync("AD", 0, w => w.InsertAsync("User", [Change("u1", ["one"]), Change("u2", ["two"])], s_none).AsTask());
        var u1 = (await Store.FindResourceAsync("User", "u1", s_none))!.Id;
        var u2 = (await Store.FindResourceAsync("User", "u2", s_none))!.Id;
        var at = new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);
        var first = new AccountCategorization(u1, "User", CategorizationStatus.Ambiguous, "AD_Nominative", null, 90, [7, 8], "rule 2 matched 'zoe'", ulong.MaxValue, 42, at);
        var second = new AccountCategorization(u2, "User", CategorizationStatus.Correlated, "AD_Nominative", 7, 120, [], "rule 1", 3, 42, at);

        await Store.SaveCategorizationsAsync([first, second], s_none);
        await Store.SaveCategorizationsAsync([first with { Status = CategorizationStatus.Reviewed, OwnerId = 8, Candidates = [] }], s_none);
        var kept = await Reopen().GetCategorizationsAsync("user", s_none);
        await ApplyAsync("AD", 1, w => w.DeleteAsync("User", ["u2"], s_none).AsTask());

        var afterDelete = await Store.GetCategorizationsAsync("User", s_none);
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

        var saved = await Store.SaveOrdersAsync([added, deleted], [state], s_none);
        await Store.SaveOrdersAsync([saved[0].MoveTo(OrderState.Executed, at.AddHours(1), "applied"), added], [state with { Entitled = false }], s_none);
        var reopened = Reopen();
        var all = await reopened.GetOrdersAsync(null, null, s_none);
        var executed = await reopened.GetOrdersAsync("ad_user", [OrderState.Executed], s_none);
        var none = await reopened.GetOrdersAsync(null, [], s_none);
        var first = (await reopened.GetOrderAsync(saved[0].Id, s_none))!;
        var states = await reopened.GetProvisioningStatesAsync("ad_user", s_none);

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
            Assert.That(await reopened.GetOrderAsync(99, s_none), Is.Null);
            Assert.That(states.Select(static s => (s.OwnerId, s.InputDigest, s.Entitled)), Is.EqualTo(new[] { (7L, ulong.MaxValue, false) }));
            Assert.That(states[0].Values["Proxies"], Is.EqualTo(new[] { "a" }));
            Assert.That(states[0].Links["MemberOf"], Is.EqualTo(new[] { "Staff" }));
        });
    }

    /// <summary>Property sources are written in the change set's transaction, replaced per property, and deleted with their resource.</summary>
    [Test]
    public async Task PropertySources_WrittenWithTheirResource_ReplacedAndDeletedWithIt()
    {
        var at = new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);
        var rule = new PropertySource(0, "Name", PropertySourceKind.Rule, "HR / HR_Identity", "Owner.Name", 4, at);
        await ApplyAsync("(repository)", 0, async w =>
        {
            await w.InsertAsync("User", [Change("u1", ["one"])], s_none);
            await w.SetSourcesAsync("User", "u1", [rule, rule with { Property = "Phone", OrderId = 5 }], s_none);
        });
        var id = (await Store.FindResourceAsync("User", "u1", s_none))!.Id;
        await ApplyAsync("(repository)", 1, w => w.SetSourcesAsync("User", "u1", [new PropertySource(0, "Name", PropertySourceKind.Manual, "alice", "married", null, at.AddHours(1))], s_none).AsTask());
        var kept = await Reopen().GetSourcesAsync(id, s_none);
        var missing = Assert.ThrowsAsync<StoreConflictException>(() => ApplyAsync("(repository)", 2, w => w.SetSourcesAsync("User", "nobody", [rule], s_none).AsTask()));
        await ApplyAsync("(repository)", 2, w => w.DeleteAsync("User", ["u1"], s_none).AsTask());

        Assert.Multiple(async () =>
        {
            Assert.That(kept, Is.EqualTo(new[]
            {
                new PropertySource(id, "Name", PropertySourceKind.Manual, "alice", "married", null, at.AddHours(1)),
                new PropertySource(id, "Phone", PropertySourceKind.Rule, "HR / HR_Identity", "Owner.Name", 5, at),
            }));
            Assert.That(missing!.Message, Is.EqualTo("User 'nobody' does not exist; its sources cannot be recorded."));
            Assert.That(await Store.GetSourcesAsync(id, s_none), Is.Empty);
        });
    }

    /// <summary>Job runs are kept, replaced by id, and listed newest first.</summary>
    [Test]
    public async Task JobRuns_SavedAndUpdated_AreReadBackNewestFirst()
    {
        var day = new DateTimeOffset(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);
        var first = new JobRun("r1", "nightly", day, JobStatus.Blocked, [new("synchronize AD", JobTaskStatus.Blocked, "Blocked by ...", TimeSpan.FromSeconds(3))], ["08:00 started"]);
        var second = new JobRun("r2", "nightly", day.AddDays(1), JobStatus.Succeeded, [new("synchronize AD", JobTaskStatus.Succeeded, null, TimeSpan.FromSeconds(2))], []);

        await Store.SaveJobRunAsync(first, s_none);
        await Store.SaveJobRunAsync(second, s_none);
        await Store.SaveJobRunAsync(first with { Status = JobStatus.Succeeded }, s_none);

        var reopened = Reopen();
        var latest = await reopened.GetJobRunsAsync(10, s_none);
        var one = await reopened.GetJobRunAsync("r1", s_none);
        Assert.Multiple(async () =>
        {
            Assert.That(latest.Select(static r => (r.Id, r.Status)), Is.EqualTo(new[] { ("r2", JobStatus.Succeeded), ("r1", JobStatus.Succeeded) }));
            Assert.That(one!.Tasks, Is.EqualTo(first.Tasks));
            Assert.That(one.Log, Is.EqualTo(first.Log));
            Assert.That(one.StartedAt, Is.EqualTo(day));
            Assert.That(await reopened.GetJobRunAsync("nope", s_none), Is.Null);
            Assert.That(await reopened.GetJobRunsAsync(1, s_none), Has.Count.EqualTo(1));
        });
    }

    /// <summary>A change for the resource table, with the given values.</summary>
    /// <param name="key">The key.</param>
    /// <param name="values">The values.</param>
    /// <param name="digest">The digest.</param>
    /// <returns>The change.</returns>
    protected static ResourceChange Change(string key, object?[] values, ulong digest = 1) => new(key, digest, values, [], 0);

    private async Task ApplyAsync(string connector, long version, Func<IChangeSetWriter, Task> write, ConnectorState? state = null)
    {
        await using var writer = await Store.BeginApplyAsync(connector, version, s_none);
        await write(writer);
        await writer.CommitAsync(state ?? new ConnectorState(version + 1, null, [], null), s_none);
    }

    private async Task<List<string>> KeysAsync(string entityType)
    {
        var keys = new List<string>();
        await foreach (var resource in Store.GetResourcesAsync(entityType, s_none))
        {
            keys.Add(resource.Key);
        }

        keys.Sort(StringComparer.Ordinal);
        return keys;
    }
}
