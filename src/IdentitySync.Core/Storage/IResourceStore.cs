using IdentitySync.Orders;

using IdentitySync.JobRuns;

using IdentitySync.ChangeSets;

using IdentitySync.Categorizations;

namespace IdentitySync.Storage;

/// <summary>
/// Holds resources, links and each connector's synchronization state. Every change set is applied
/// in one transaction through <see cref="BeginApplyAsync"/>.
/// </summary>
public interface IResourceStore
{
    /// <summary>Takes the connector's run lock: one synchronization of a connector at a time.</summary>
    /// <param name="connector">The connector.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <returns>The lock; disposing it releases it.</returns>
    /// <exception cref="ConnectorBusyException">Another run of the connector holds the lock.</exception>
    ValueTask<IAsyncDisposable> LockConnectorAsync(string connector, CancellationToken cancellationToken);

    /// <summary>Reads a connector's synchronization state.</summary>
    /// <param name="connector">The connector.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The state; <see cref="ConnectorState.Empty"/> for a connector never synchronized.</returns>
    ValueTask<ConnectorState> GetConnectorStateAsync(string connector, CancellationToken cancellationToken);

    /// <summary>Keeps, replaces or (with <see langword="null"/>) clears the connector's blocked change set, outside any apply.</summary>
    /// <param name="connector">The connector.</param>
    /// <param name="blocked">The blocked change set, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the write.</param>
    /// <returns>A task that completes when the state is saved.</returns>
    ValueTask SetBlockedChangeSetAsync(string connector, ChangeSet? blocked, CancellationToken cancellationToken);

    /// <summary>Counts the resources of an entity type.</summary>
    /// <param name="entityType">The entity type.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The count.</returns>
    ValueTask<long> CountResourcesAsync(string entityType, CancellationToken cancellationToken);

    /// <summary>Counts the links of an association.</summary>
    /// <param name="association">The association.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The count.</returns>
    ValueTask<long> CountLinksAsync(string association, CancellationToken cancellationToken);

    /// <summary>Streams the resources of an entity type.</summary>
    /// <param name="entityType">The entity type.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The resources, in no particular order.</returns>
    IAsyncEnumerable<StoredResource> GetResourcesAsync(string entityType, CancellationToken cancellationToken);

    /// <summary>
    /// Streams the resources of an entity type for a consumer that compares digests first and reads the
    /// values of few of them (a synchronization): a store may hand the values out packed, unpacked on
    /// first read (<see cref="ResourceValueCodec.DecodeLazily"/>). By default, <see cref="GetResourcesAsync"/>.
    /// </summary>
    /// <param name="entityType">The entity type.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The resources, in no particular order.</returns>
    IAsyncEnumerable<StoredResource> GetResourcesToCompareAsync(string entityType, CancellationToken cancellationToken) =>
        GetResourcesAsync(entityType, cancellationToken);

    /// <summary>Finds a resource by its primary key.</summary>
    /// <param name="entityType">The entity type.</param>
    /// <param name="key">The primary key's value.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The resource, or <see langword="null"/>.</returns>
    ValueTask<StoredResource?> FindResourceAsync(string entityType, string key, CancellationToken cancellationToken);

    /// <summary>Reads a page of an entity type's resources in key order (ordinal), after a given key.</summary>
    /// <param name="entityType">The entity type.</param>
    /// <param name="afterKey">The last key of the previous page, or <see langword="null"/> for the first page.</param>
    /// <param name="limit">The most resources to return.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The page; fewer than <paramref name="limit"/> resources on the last page.</returns>
    ValueTask<IReadOnlyList<StoredResource>> GetResourcePageAsync(string entityType, string? afterKey, int limit, CancellationToken cancellationToken);

    /// <summary>Reads the resources linked to one resource through an association, in either direction.</summary>
    /// <param name="association">The association.</param>
    /// <param name="resourceId">The resource's id.</param>
    /// <param name="direction">Which side the resource is on.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The linked resources, in key order.</returns>
    ValueTask<IReadOnlyList<StoredResource>> GetLinkedResourcesAsync(string association, long resourceId, LinkDirection direction, CancellationToken cancellationToken);

    /// <summary>Streams the links of an association.</summary>
    /// <param name="association">The association.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The links, in no particular order.</returns>
    IAsyncEnumerable<StoredLink> GetLinksAsync(string association, CancellationToken cancellationToken);

    /// <summary>Keeps categorizations, replacing those of the same accounts.</summary>
    /// <param name="categorizations">The categorizations.</param>
    /// <param name="cancellationToken">Stops the write.</param>
    /// <returns>A task that completes when they are saved, all or none.</returns>
    ValueTask SaveCategorizationsAsync(IReadOnlyList<AccountCategorization> categorizations, CancellationToken cancellationToken);

    /// <summary>Reads the categorizations of an entity type's accounts; deleting an account deletes its categorization.</summary>
    /// <param name="entityType">The accounts' entity type.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The categorizations, in no particular order.</returns>
    ValueTask<IReadOnlyList<AccountCategorization>> GetCategorizationsAsync(string entityType, CancellationToken cancellationToken);

    /// <summary>Keeps a job run, replacing the one with the same id.</summary>
    /// <param name="run">The run.</param>
    /// <param name="cancellationToken">Stops the write.</param>
    /// <returns>A task that completes when the run is saved.</returns>
    ValueTask SaveJobRunAsync(JobRun run, CancellationToken cancellationToken);

    /// <summary>Reads a job run by id.</summary>
    /// <param name="id">The run's id.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The run, or <see langword="null"/>.</returns>
    ValueTask<JobRun?> GetJobRunAsync(string id, CancellationToken cancellationToken);

    /// <summary>Reads the latest job runs, newest first.</summary>
    /// <param name="limit">The most runs to return.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The runs.</returns>
    ValueTask<IReadOnlyList<JobRun>> GetJobRunsAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Keeps provisioning orders and owners' provisioning states together, all or none: new orders (id 0) get the next ids, others replace the order with their id.</summary>
    /// <param name="orders">The orders.</param>
    /// <param name="states">The provisioning states, replacing those of the same resource type and owner.</param>
    /// <param name="cancellationToken">Stops the write.</param>
    /// <returns>The orders as saved, with their ids.</returns>
    ValueTask<IReadOnlyList<ProvisioningOrder>> SaveOrdersAsync(
        IReadOnlyList<ProvisioningOrder> orders,
        IReadOnlyList<OwnerProvisioningState> states,
        CancellationToken cancellationToken);

    /// <summary>Reads orders, oldest first.</summary>
    /// <param name="resourceType">Only this resource type's orders; all when <see langword="null"/>.</param>
    /// <param name="states">Only orders in these states; all when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The orders, by id.</returns>
    ValueTask<IReadOnlyList<ProvisioningOrder>> GetOrdersAsync(string? resourceType, IReadOnlyCollection<OrderState>? states, CancellationToken cancellationToken);

    /// <summary>Reads an order by id.</summary>
    /// <param name="id">The order's id.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The order, or <see langword="null"/>.</returns>
    ValueTask<ProvisioningOrder?> GetOrderAsync(long id, CancellationToken cancellationToken);

    /// <summary>Reads the owners' provisioning states of a resource type.</summary>
    /// <param name="resourceType">The resource type.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The states, in no particular order.</returns>
    ValueTask<IReadOnlyList<OwnerProvisioningState>> GetProvisioningStatesAsync(string resourceType, CancellationToken cancellationToken);

    /// <summary>Reads where each property value of a repository resource came from.</summary>
    /// <param name="resourceId">The resource's id.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The sources, by property (ordinal); none for values never written by a rule or an edit.</returns>
    ValueTask<IReadOnlyList<PropertySource>> GetSourcesAsync(long resourceId, CancellationToken cancellationToken);

    /// <summary>Starts the transaction that applies one change set of a connector.</summary>
    /// <param name="connector">The connector.</param>
    /// <param name="expectedVersion">The connector version the change set was computed against.</param>
    /// <param name="cancellationToken">Stops the start.</param>
    /// <returns>The writer.</returns>
    /// <exception cref="StoreConflictException">The connector's data changed since the change set was computed.</exception>
    ValueTask<IChangeSetWriter> BeginApplyAsync(string connector, long expectedVersion, CancellationToken cancellationToken);
}
