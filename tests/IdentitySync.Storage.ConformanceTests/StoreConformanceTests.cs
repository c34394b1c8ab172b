using IdentitySync.ChangeSets;

namespace IdentitySync.Storage.ConformanceTests;

/// <summary>
/// The store conformance suite's shared part: a new, empty store for each test, opened again as a new
/// process would. The tests themselves are organized by store role, one class each.
/// </summary>
/// <typeparam name="TStore">Creates and reopens the store under test.</typeparam>
public abstract class StoreConformanceTests<TStore>
    where TStore : IStoreUnderTest, new()
{
    private TStore _fixture = default!;

    /// <summary>Gets the membership association used by the link tests.</summary>
    protected static EntityAssociationKeys Membership { get; } = new("Membership", "Group", "User");

    /// <summary>Gets a token that never cancels.</summary>
    protected static CancellationToken None => CancellationToken.None;

    /// <summary>Gets the store under test, new and empty for each test.</summary>
    protected IResourceStore Store { get; private set; } = null!;

    /// <summary>Creates the store.</summary>
    [SetUp]
    public void CreateStoreForTest()
    {
        _fixture = new TStore();
        Store = _fixture.Create();
    }

    /// <summary>Lets go of the store's files.</summary>
    [TearDown]
    public void DisposeStore() => _fixture.Dispose();

    /// <summary>Opens the same data again, as a new process would; in-memory stores return the same instance.</summary>
    /// <returns>The store.</returns>
    protected IResourceStore Reopen() => _fixture.Reopen();

    /// <summary>Opens the same data again with another change feed retention.</summary>
    /// <param name="changeFeedRetention">How long the change feed keeps a version.</param>
    /// <returns>The store.</returns>
    protected IResourceStore Reopen(TimeSpan changeFeedRetention) => _fixture.Reopen(changeFeedRetention);

    /// <summary>A change for the resource table, with the given values.</summary>
    /// <param name="key">The key.</param>
    /// <param name="values">The values.</param>
    /// <param name="digest">The digest.</param>
    /// <returns>The change.</returns>
    protected static ResourceChange Change(string key, object?[] values, ulong digest = 1) => new(key, digest, values, [], 0);

    protected async Task ApplyAsync(string connector, long version, Func<IChangeSetWriter, Task> write, ConnectorState? state = null)
    {
        await using var writer = await Store.BeginApplyAsync(connector, version, None);
        await write(writer);
        await writer.CommitAsync(state ?? new ConnectorState(version + 1, null, [], null), None);
    }

    /// <summary>Every stored link of an association, as the store streams them.</summary>
    /// <param name="association">The association.</param>
    /// <returns>The links, in the store's order.</returns>
    protected async Task<List<StoredLink>> LinksAsync(string association)
    {
        var links = new List<StoredLink>();
        await foreach (var link in Store.GetLinksAsync(association, None))
        {
            links.Add(link);
        }

        return links;
    }

    protected async Task<List<string>> KeysAsync(string entityType)
    {
        var keys = new List<string>();
        await foreach (var resource in Store.GetResourcesAsync(entityType, None))
        {
            keys.Add(resource.Key);
        }

        keys.Sort(StringComparer.Ordinal);
        return keys;
    }
}
