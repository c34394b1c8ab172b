using IdentitySync.ChangeSets;
using IdentitySync.Internal;
using IdentitySync.Storage;
using IdentitySync.Synchronization;

namespace IdentitySync.Tests.Synchronization.Stages;

public sealed class ChangeSetWriterTests
{
    [Test]
    public async Task ApplyAsync_AChangeSet_WritesLinksOutResourcesOutChangedInLinksInInChunksThenCommits()
    {
        var store = new InMemoryResourceStore();
        var recording = new RecordingStore(store);
        var keys = new EntityAssociationKeys("AD_Membership", "AD_Group", "AD_User");
        var changeSet = new ChangeSet(
            "AD",
            SyncMode.Incremental,
            "b2",
            0,
            DateTimeOffset.UnixEpoch,
            [new EntityTypeChanges("AD_Group", [Change("g1")], [], [], 0), new EntityTypeChanges("AD_User", [Change("u1"), Change("u2"), Change("u3")], [], [], 0)],
            [new AssociationChanges(keys, [new LinkChange("g1", "u1"), new LinkChange("g1", "u2"), new LinkChange("g1", "u3")], [], 0)]);
        var state = new ConnectorState(0, null, ["b1"], null);

        await new ChangeSetWriter(recording, chunkSize: 2).ApplyAsync(changeSet, state, "fingerprint", CancellationToken.None);

        var committed = await store.GetConnectorStateAsync("AD", CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(recording.Calls, Is.EqualTo(new[] { "Insert AD_Group 1", "Insert AD_User 2", "Insert AD_User 1", "AddLinks AD_Membership 2", "AddLinks AD_Membership 1", "Commit 1" }));
            Assert.That(committed.IncrementalBatchIds, Is.EqualTo(new[] { "b1", "b2" }), "an incremental batch's id is kept, so it is never applied twice");
            Assert.That(committed.ExportFingerprint, Is.EqualTo("fingerprint"));
        });
    }

    /// <summary>Packed links reach the writer in chunks that stay numbered, over the same key lists (decision 99).</summary>
    [Test]
    public async Task ApplyAsync_PackedLinks_ReachTheWriterNumbered_InChunksOverTheSameKeys()
    {
        var store = new InMemoryResourceStore();
        var recording = new RecordingStore(store);
        var keys = new EntityAssociationKeys("AD_Membership", "AD_Group", "AD_User");
        var groups = new TextInterner();
        var users = new TextInterner();
        List<long> packed = [.. new[] { ("g1", "u1"), ("g1", "u2"), ("g2", "u3") }.Select(l => OrdinalPair.Pack(groups.Intern(l.Item1), users.Intern(l.Item2)))];
        var changeSet = new ChangeSet(
            "AD",
            SyncMode.Initial,
            "b1",
            0,
            DateTimeOffset.UnixEpoch,
            [new EntityTypeChanges("AD_Group", [Change("g1"), Change("g2")], [], [], 0), new EntityTypeChanges("AD_User", [Change("u1"), Change("u2"), Change("u3")], [], [], 0)],
            [new AssociationChanges(keys, new PackedLinkList(packed, groups, users), [], 0)]);

        await new ChangeSetWriter(recording, chunkSize: 2).ApplyAsync(changeSet, ConnectorState.Empty, null, CancellationToken.None);

        var named = recording.Numbered.SelectMany(static n => Enumerable.Range(0, n.Count).Select(i => $"{n.FirstKeys[n.FirstOrdinal(i)]}|{n.SecondKeys[n.SecondOrdinal(i)]}")).ToList();
        var stored = new List<StoredLink>();
        await foreach (var link in store.GetLinksAsync("AD_Membership", CancellationToken.None))
        {
            stored.Add(link);
        }

        Assert.Multiple(() =>
        {
            Assert.That(recording.Numbered.Select(static n => n.Count), Is.EqualTo(new[] { 2, 1 }), "two chunks, both numbered");
            Assert.That(recording.Numbered.Select(static n => n.FirstKeys).Distinct(), Has.Exactly(1).Items, "the chunks share one list of first keys");
            Assert.That(recording.Numbered.Select(static n => n.SecondKeys).Distinct(), Has.Exactly(1).Items);
            Assert.That(named, Is.EqualTo(new[] { "g1|u1", "g1|u2", "g2|u3" }), "the ordinals name the links, in order");
            Assert.That(stored, Has.Count.EqualTo(3));
        });
    }

    [Test]
    public async Task ApplyAsync_RemovalsAndDeletions_ComeBeforeUpdatesAndInsertions()
    {
        var store = new InMemoryResourceStore();
        var recording = new RecordingStore(store);
        var keys = new EntityAssociationKeys("AD_Membership", "AD_Group", "AD_User");
        var loaded = new ChangeSet(
            "AD",
            SyncMode.Initial,
            "a",
            0,
            DateTimeOffset.UnixEpoch,
            [new EntityTypeChanges("AD_Group", [Change("g1")], [], [], 0), new EntityTypeChanges("AD_User", [Change("u1"), Change("u2")], [], [], 0)],
            [new AssociationChanges(keys, [new LinkChange("g1", "u1")], [], 0)]);
        await new ChangeSetWriter(store, chunkSize: 10).ApplyAsync(loaded, ConnectorState.Empty, null, CancellationToken.None);
        var changeSet = new ChangeSet(
            "AD",
            SyncMode.Complete,
            "b",
            1,
            DateTimeOffset.UnixEpoch,
            [new EntityTypeChanges("AD_User", [Change("u3")], [Change("u2")], [Change("u1")], 0)],
            [new AssociationChanges(keys, [new LinkChange("g1", "u3")], [new LinkChange("g1", "u1")], 0)]);

        await new ChangeSetWriter(recording, chunkSize: 10).ApplyAsync(changeSet, await store.GetConnectorStateAsync("AD", CancellationToken.None), null, CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(recording.Calls, Is.EqualTo(new[]
            {
                "RemoveLinks AD_Membership 1", "Delete AD_User 1", "Update AD_User 1", "Insert AD_User 1", "AddLinks AD_Membership 1", "Commit 2",
            }));
            Assert.That(await store.FindResourceAsync("AD_User", "u1", CancellationToken.None), Is.Null);
            Assert.That(await store.CountLinksAsync("AD_Membership", CancellationToken.None), Is.EqualTo(1));
        });
    }

    private static ResourceChange Change(string key) => new(key, 1, [key], [], 0);

    /// <summary>The in-memory store, with every call its change-set writer receives written down.</summary>
    private sealed class RecordingStore(InMemoryResourceStore inner) : ISyncStateStore
    {
        public List<string> Calls { get; } = [];

        public List<INumberedLinks> Numbered { get; } = [];

        public async ValueTask<IChangeSetWriter> BeginApplyAsync(string connector, long expectedVersion, CancellationToken cancellationToken) =>
            new RecordingWriter(await inner.BeginApplyAsync(connector, expectedVersion, cancellationToken), Calls, Numbered);

        public ValueTask<IAsyncDisposable> LockConnectorAsync(string connector, CancellationToken cancellationToken) => inner.LockConnectorAsync(connector, cancellationToken);

        public ValueTask<ConnectorState> GetConnectorStateAsync(string connector, CancellationToken cancellationToken) => inner.GetConnectorStateAsync(connector, cancellationToken);

        public ValueTask SetBlockedChangeSetAsync(string connector, ChangeSet? blocked, CancellationToken cancellationToken) => inner.SetBlockedChangeSetAsync(connector, blocked, cancellationToken);

        public ValueTask<long> CountResourcesAsync(string entityType, CancellationToken cancellationToken) => inner.CountResourcesAsync(entityType, cancellationToken);

        public ValueTask<long> CountLinksAsync(string association, CancellationToken cancellationToken) => inner.CountLinksAsync(association, cancellationToken);

        public IAsyncEnumerable<StoredResource> GetResourcesAsync(string entityType, CancellationToken cancellationToken) => inner.GetResourcesAsync(entityType, cancellationToken);

        public ValueTask<StoredResource?> FindResourceAsync(string entityType, string key, CancellationToken cancellationToken) => inner.FindResourceAsync(entityType, key, cancellationToken);

        public ValueTask<StoredResource?> FindResourceByIdAsync(long id, CancellationToken cancellationToken) => inner.FindResourceByIdAsync(id, cancellationToken);

        public ValueTask<IReadOnlyList<StoredResource>> GetResourcePageAsync(string entityType, string? afterKey, int limit, CancellationToken cancellationToken) => inner.GetResourcePageAsync(entityType, afterKey, limit, cancellationToken);

        public ValueTask<IReadOnlyList<StoredResource>> GetLinkedResourcesAsync(string association, long resourceId, LinkDirection direction, CancellationToken cancellationToken) => inner.GetLinkedResourcesAsync(association, resourceId, direction, cancellationToken);

        public IAsyncEnumerable<StoredLink> GetLinksAsync(string association, CancellationToken cancellationToken) => inner.GetLinksAsync(association, cancellationToken);

        public ValueTask<IReadOnlyDictionary<long, string>> GetLayoutsAsync(CancellationToken cancellationToken) => inner.GetLayoutsAsync(cancellationToken);
    }

    private sealed class RecordingWriter(IChangeSetWriter inner, List<string> calls, List<INumberedLinks> numbered) : IChangeSetWriter
    {
        public ValueTask InsertAsync(string entityType, IReadOnlyList<ResourceChange> resources, CancellationToken cancellationToken) =>
            Record($"Insert {entityType} {resources.Count}", inner.InsertAsync(entityType, resources, cancellationToken));

        public ValueTask UpdateAsync(string entityType, IReadOnlyList<ResourceChange> resources, CancellationToken cancellationToken) =>
            Record($"Update {entityType} {resources.Count}", inner.UpdateAsync(entityType, resources, cancellationToken));

        public ValueTask DeleteAsync(string entityType, IReadOnlyList<string> keys, CancellationToken cancellationToken) =>
            Record($"Delete {entityType} {keys.Count}", inner.DeleteAsync(entityType, keys, cancellationToken));

        public ValueTask AddLinksAsync(EntityAssociationKeys association, IReadOnlyList<LinkChange> links, CancellationToken cancellationToken)
        {
            if (links is INumberedLinks packed)
            {
                numbered.Add(packed);
            }

            return Record($"AddLinks {association.Association} {links.Count}", inner.AddLinksAsync(association, links, cancellationToken));
        }

        public ValueTask RemoveLinksAsync(EntityAssociationKeys association, IReadOnlyList<LinkChange> links, CancellationToken cancellationToken) =>
            Record($"RemoveLinks {association.Association} {links.Count}", inner.RemoveLinksAsync(association, links, cancellationToken));

        public ValueTask SetSourcesAsync(string entityType, string key, IReadOnlyList<PropertySource> sources, CancellationToken cancellationToken) =>
            inner.SetSourcesAsync(entityType, key, sources, cancellationToken);

        public ValueTask SaveLayoutAsync(long id, string layout, CancellationToken cancellationToken) => inner.SaveLayoutAsync(id, layout, cancellationToken);

        public ValueTask CommitAsync(ConnectorState state, CancellationToken cancellationToken) =>
            Record($"Commit {state.Version}", inner.CommitAsync(state, cancellationToken));

        public ValueTask DisposeAsync() => inner.DisposeAsync();

        private ValueTask Record(string call, ValueTask inner)
        {
            calls.Add(call);
            return inner;
        }
    }
}
