using IdentitySync.ChangeSets;

namespace IdentitySync.Storage;

/// <summary>
/// One transaction that applies a change set: nothing is visible until <see cref="CommitAsync"/>,
/// and disposing without committing leaves the store exactly as it was.
/// </summary>
/// <remarks>
/// A call refused with <see cref="StoreConflictException"/> (a key inserted that exists, a key updated or deleted that
/// does not, a link naming a missing key) writes none of its rows, whichever of them was refused, and leaves the
/// transaction usable: later calls and the commit go on. The store conformance suite checks it on every store.
/// </remarks>
public interface IChangeSetWriter : IAsyncDisposable
{
    /// <summary>Inserts resources; each gets a new id.</summary>
    /// <param name="entityType">The entity type.</param>
    /// <param name="resources">The resources (key, digest, values).</param>
    /// <param name="cancellationToken">Stops the write.</param>
    /// <returns>A task that completes when the resources are written in the transaction.</returns>
    ValueTask InsertAsync(string entityType, IReadOnlyList<ResourceChange> resources, CancellationToken cancellationToken);

    /// <summary>Replaces the digest and values of existing resources, found by key.</summary>
    /// <param name="entityType">The entity type.</param>
    /// <param name="resources">The resources with their new digest and values.</param>
    /// <param name="cancellationToken">Stops the write.</param>
    /// <returns>A task that completes when the resources are written in the transaction.</returns>
    ValueTask UpdateAsync(string entityType, IReadOnlyList<ResourceChange> resources, CancellationToken cancellationToken);

    /// <summary>Deletes resources by key, with every link that touches them.</summary>
    /// <param name="entityType">The entity type.</param>
    /// <param name="keys">The primary keys.</param>
    /// <param name="cancellationToken">Stops the write.</param>
    /// <returns>A task that completes when the resources are deleted in the transaction.</returns>
    ValueTask DeleteAsync(string entityType, IReadOnlyList<string> keys, CancellationToken cancellationToken);

    /// <summary>Adds links, its sides found by primary key (including resources inserted in this transaction).</summary>
    /// <param name="association">The association.</param>
    /// <param name="links">The links.</param>
    /// <param name="cancellationToken">Stops the write.</param>
    /// <returns>A task that completes when the links are written in the transaction.</returns>
    ValueTask AddLinksAsync(EntityAssociationKeys association, IReadOnlyList<LinkChange> links, CancellationToken cancellationToken);

    /// <summary>Removes links, its sides found by primary key.</summary>
    /// <param name="association">The association.</param>
    /// <param name="links">The links.</param>
    /// <param name="cancellationToken">Stops the write.</param>
    /// <returns>A task that completes when the links are removed in the transaction.</returns>
    ValueTask RemoveLinksAsync(EntityAssociationKeys association, IReadOnlyList<LinkChange> links, CancellationToken cancellationToken);

    /// <summary>
    /// Says, before the first of them, how many links the calls to come will add and remove for an association: a writer
    /// that gathers them may size its buffers once (ten million links at a time) instead of growing them (decision 121).
    /// Only a hint: the calls may add or remove fewer or more, and results never depend on it. By default, nothing.
    /// </summary>
    /// <param name="association">The association.</param>
    /// <param name="added">The links the calls to come will add.</param>
    /// <param name="removed">The links the calls to come will remove.</param>
    /// <param name="cancellationToken">Stops the write.</param>
    /// <returns>A task that completes when the hint is taken.</returns>
    ValueTask ExpectLinksAsync(EntityAssociationKeys association, long added, long removed, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Records where property values of a resource came from (repository resources), replacing the source of the same property; deleting the resource deletes them.</summary>
    /// <param name="entityType">The resource's entity type.</param>
    /// <param name="key">The resource's primary key (inserted in this change set or before).</param>
    /// <param name="sources">The sources; their <see cref="PropertySource.ResourceId"/> is ignored.</param>
    /// <param name="cancellationToken">Stops the write.</param>
    /// <returns>A task that completes when they are written in the transaction.</returns>
    ValueTask SetSourcesAsync(string entityType, string key, IReadOnlyList<PropertySource> sources, CancellationToken cancellationToken);

    /// <summary>
    /// Keeps, in the transaction, a layout the values written in it carry in their header (the entity type's
    /// properties at the time, as text). Saving a layout the store already keeps changes nothing.
    /// </summary>
    /// <param name="id">The layout's id, as the packed values carry it.</param>
    /// <param name="layout">The layout's text, kept as it is.</param>
    /// <param name="cancellationToken">Stops the write.</param>
    /// <returns>A task that completes when it is written in the transaction.</returns>
    ValueTask SaveLayoutAsync(long id, string layout, CancellationToken cancellationToken);

    /// <summary>Makes every write of the transaction visible at once, with the connector's new state.</summary>
    /// <param name="state">The connector's state after this change set.</param>
    /// <param name="cancellationToken">Stops the commit before it starts.</param>
    /// <returns>A task that completes when the transaction is durable.</returns>
    ValueTask CommitAsync(ConnectorState state, CancellationToken cancellationToken);
}
