using System.Runtime.CompilerServices;
using IdentitySync.Orders;

namespace IdentitySync.Storage;

/// <summary>Keeps provisioning orders and what the rules asked for each owner (provisioning states).</summary>
public interface IOrderStore
{
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

    /// <summary>
    /// Reads the orders about one resource, as the account they change or as the owner they are for, newest
    /// first. The default reads every order and filters them; a store with owner and resource columns answers
    /// through their indexes.
    /// </summary>
    /// <param name="resourceId">The resource's id.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The orders, newest first.</returns>
    async ValueTask<IReadOnlyList<ProvisioningOrder>> GetOrdersOfResourceAsync(long resourceId, CancellationToken cancellationToken) =>
        [.. (await GetOrdersAsync(null, null, cancellationToken).ConfigureAwait(false))
            .Where(o => o.Resource?.Id == resourceId || o.Owner?.Id == resourceId)
            .OrderByDescending(static o => o.Id)];

    /// <summary>
    /// Reads the orders about any of some resources, as the account they change or as the owner they are for, oldest
    /// first: what a generation that evaluates only the owners a change reached needs, however many orders the store
    /// holds (decision 104). The default reads every order and filters them; a store with owner and resource columns
    /// answers through their indexes.
    /// </summary>
    /// <param name="resourceIds">The resources' ids, accounts and owners alike; ids of no resource find nothing.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The orders, by id, each once.</returns>
    async ValueTask<IReadOnlyList<ProvisioningOrder>> GetOrdersOfResourcesAsync(IReadOnlyCollection<long> resourceIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resourceIds);
        var ids = resourceIds as IReadOnlySet<long> ?? resourceIds.ToHashSet();
        return ids.Count == 0
            ? []
            : [.. (await GetOrdersAsync(null, null, cancellationToken).ConfigureAwait(false))
                .Where(o => (o.Resource is { } resource && ids.Contains(resource.Id)) || (o.Owner is { } owner && ids.Contains(owner.Id)))
                .OrderBy(static o => o.Id)];
    }

    /// <summary>
    /// Moves a resource type's ended orders (<see cref="StoredOrder.EndedStates"/>: verified, declined, in
    /// error) whose state changed before a time from the working orders to the archive, in one transaction.
    /// Archived orders keep their ids (no new order reuses one), leave <see cref="GetOrdersAsync"/>,
    /// <see cref="GetOrderAsync"/> and <see cref="GetOrdersOfResourceAsync"/>, and are read with
    /// <see cref="GetArchivedOrdersAsync"/>. A store that does not archive keeps every order (the default).
    /// </summary>
    /// <param name="resourceType">The resource type, in any case.</param>
    /// <param name="endedBefore">Orders whose state changed at or after this time stay.</param>
    /// <param name="cancellationToken">Cancels the move; nothing is archived then.</param>
    /// <returns>The number of orders archived.</returns>
    ValueTask<int> ArchiveOrdersAsync(string resourceType, DateTimeOffset endedBefore, CancellationToken cancellationToken) => ValueTask.FromResult(0);

    /// <summary>Reads archived orders in pages, by id.</summary>
    /// <param name="resourceType">Only orders of this resource type, in any case; all when null.</param>
    /// <param name="afterId">Only orders with a larger id: 0 for the first page, then the last id read.</param>
    /// <param name="limit">The most orders to return.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Up to <paramref name="limit"/> archived orders, by ascending id.</returns>
    ValueTask<IReadOnlyList<ProvisioningOrder>> GetArchivedOrdersAsync(string? resourceType, long afterId, int limit, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<ProvisioningOrder>>([]);

    /// <summary>Reads the owners' provisioning states of a resource type.</summary>
    /// <param name="resourceType">The resource type.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The states, in no particular order.</returns>
    ValueTask<IReadOnlyList<OwnerProvisioningState>> GetProvisioningStatesAsync(string resourceType, CancellationToken cancellationToken);

    /// <summary>
    /// Reads, for each owner of a resource type that has a provisioning state, the digest of the inputs its last
    /// evaluation read: a generation skips the owners whose digest is unchanged without reading their values and
    /// links. The default reads every state; a store that keeps the digest as a column reads only that.
    /// </summary>
    /// <param name="resourceType">The resource type, in any case.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The digests, in no particular order.</returns>
    async IAsyncEnumerable<OwnerStateDigest> GetProvisioningDigestsAsync(string resourceType, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var state in await GetProvisioningStatesAsync(resourceType, cancellationToken).ConfigureAwait(false))
        {
            yield return new OwnerStateDigest(state.OwnerId, state.InputDigest);
        }
    }

    /// <summary>
    /// Reads the provisioning states of some owners of a resource type: those a generation evaluates again. The
    /// default reads every state and keeps the asked ones; a store answers through its primary key.
    /// </summary>
    /// <param name="resourceType">The resource type, in any case.</param>
    /// <param name="ownerIds">The owners' ids; an id without a state is left out of the answer.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The states found, in no particular order.</returns>
    async ValueTask<IReadOnlyList<OwnerProvisioningState>> GetProvisioningStatesAsync(string resourceType, IReadOnlyCollection<long> ownerIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ownerIds);
        var wanted = ownerIds as IReadOnlySet<long> ?? new HashSet<long>(ownerIds);
        return [.. (await GetProvisioningStatesAsync(resourceType, cancellationToken).ConfigureAwait(false)).Where(s => wanted.Contains(s.OwnerId))];
    }

}
