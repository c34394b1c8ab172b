using System.Runtime.CompilerServices;
using IdentitySync.Categorizations;
using IdentitySync.Model;
using IdentitySync.Orders;
using IdentitySync.Storage;

namespace IdentitySync.Reading;

/// <summary>
/// Reads the repository by the model's names: resources by id, by key and by page with filters, their
/// values by property name (<see cref="RepositoryResource"/>), their links by navigation property, and what
/// categorization and provisioning recorded about them. It only reads (the read-only store role
/// <see cref="IResourceReader"/>, plus the categorization and order roles for those views), so it can run
/// beside jobs: each call sees the store as the last committed apply left it.
/// </summary>
public sealed class RepositoryReader
{
    /// <summary>The largest page <see cref="GetPageAsync"/> returns.</summary>
    public const int MaxPageSize = 10_000;

    private const int ScanPageSize = 1_000;

    private readonly IdentityModel _model;
    private readonly IResourceReader _resources;
    private readonly ICategorizationStore? _categorizations;
    private readonly IOrderStore? _orders;

    /// <summary>Initializes a new instance of the <see cref="RepositoryReader"/> class.</summary>
    /// <param name="model">The model whose names the reads use.</param>
    /// <param name="resources">The store's read role.</param>
    /// <param name="categorizations">The store's categorization role, for <see cref="GetCategorizationAsync"/>; optional.</param>
    /// <param name="orders">The store's order role, for <see cref="GetOrdersAsync"/>; optional.</param>
    public RepositoryReader(IdentityModel model, IResourceReader resources, ICategorizationStore? categorizations = null, IOrderStore? orders = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(resources);
        _model = model;
        _resources = resources;
        _categorizations = categorizations;
        _orders = orders;
    }

    /// <summary>Finds a resource by its entity type and primary key (through the store's index).</summary>
    /// <param name="entityType">The entity type's name (case ignored).</param>
    /// <param name="key">The primary key, exactly.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The resource, or null when there is none.</returns>
    /// <exception cref="ArgumentException">The model has no such entity type.</exception>
    public async Task<RepositoryResource?> FindAsync(string entityType, string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var type = TypeOf(entityType);
        await ResourceLayout.LearnAsync(_resources, cancellationToken).ConfigureAwait(false);
        var stored = await _resources.FindResourceAsync(type.Name, key, cancellationToken).ConfigureAwait(false);
        return stored is null ? null : new RepositoryResource(type, stored);
    }

    /// <summary>Finds a resource by its internal id, whatever its entity type.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The resource, or null when there is none (or its entity type is no longer in the model).</returns>
    public async Task<RepositoryResource?> FindAsync(long id, CancellationToken cancellationToken = default)
    {
        await ResourceLayout.LearnAsync(_resources, cancellationToken).ConfigureAwait(false);
        var stored = await _resources.FindResourceByIdAsync(id, cancellationToken).ConfigureAwait(false);
        return stored is not null && ModelLookup.Find(_model.EntityTypes, stored.EntityType, static e => e.Name) is { } type ? new RepositoryResource(type, stored) : null;
    }

    /// <summary>
    /// Reads a page of an entity type's resources in key order (ordinal) that meet every filter: a
    /// <see cref="ResourceFilter.KeyIs"/> filter is looked up in the index; the others are checked while
    /// the page is read, so a selective filter may read many resources to fill a page.
    /// </summary>
    /// <param name="entityType">The entity type's name (case ignored).</param>
    /// <param name="afterKey">The <see cref="ResourcePage.NextAfterKey"/> of the previous page, or null for the first.</param>
    /// <param name="limit">The most resources to return, from 1 to <see cref="MaxPageSize"/>.</param>
    /// <param name="filters">The filters, all of which a resource meets; none for every resource.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The page.</returns>
    /// <exception cref="ArgumentException">The model has no such entity type, or a filter names a property it lacks.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is out of range.</exception>
    public async Task<ResourcePage> GetPageAsync(string entityType, string? afterKey = null, int limit = 100, IReadOnlyList<ResourceFilter>? filters = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxPageSize);
        var type = TypeOf(entityType);
        filters ??= [];
        foreach (var filter in filters)
        {
            filter.Check(type);
        }

        await ResourceLayout.LearnAsync(_resources, cancellationToken).ConfigureAwait(false);
        if (filters.FirstOrDefault(static f => f.Property is null) is { } keyFilter)
        {
            var key = (string)keyFilter.Value!;
            var stored = afterKey is not null && string.CompareOrdinal(key, afterKey) <= 0
                ? null
                : await _resources.FindResourceAsync(type.Name, key, cancellationToken).ConfigureAwait(false);
            var resource = stored is null ? null : new RepositoryResource(type, stored);
            return new ResourcePage { Resources = resource is not null && filters.All(f => f.Matches(resource)) ? [resource] : [] };
        }

        var found = new List<RepositoryResource>(Math.Min(limit, ScanPageSize));
        var after = afterKey;
        var scan = filters.Count == 0 ? limit : Math.Max(limit, ScanPageSize);
        while (true)
        {
            var page = await _resources.GetResourcePageAsync(type.Name, after, scan, cancellationToken).ConfigureAwait(false);
            foreach (var stored in page)
            {
                var resource = new RepositoryResource(type, stored);
                if (filters.All(f => f.Matches(resource)))
                {
                    found.Add(resource);
                    if (found.Count == limit)
                    {
                        return new ResourcePage { Resources = found, NextAfterKey = resource.Key };
                    }
                }
            }

            if (page.Count < scan)
            {
                return new ResourcePage { Resources = found };
            }

            after = page[^1].Key;
        }
    }

    /// <summary>Streams an entity type's resources in key order that meet every filter, a store page at a time.</summary>
    /// <param name="entityType">The entity type's name (case ignored).</param>
    /// <param name="filters">The filters, all of which a resource meets; none for every resource.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The resources.</returns>
    /// <exception cref="ArgumentException">The model has no such entity type, or a filter names a property it lacks.</exception>
    public async IAsyncEnumerable<RepositoryResource> QueryAsync(string entityType, IReadOnlyList<ResourceFilter>? filters = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? after = null;
        do
        {
            var page = await GetPageAsync(entityType, after, ScanPageSize, filters, cancellationToken).ConfigureAwait(false);
            foreach (var resource in page.Resources)
            {
                yield return resource;
            }

            after = page.NextAfterKey;
        }
        while (after is not null);
    }

    /// <summary>Reads the resources a resource is linked to through one of its navigation properties, in key order.</summary>
    /// <param name="resource">The resource.</param>
    /// <param name="navigationProperty">The navigation property's name (case ignored), such as a user's <c>Groups</c>.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The linked resources; empty when there are none.</returns>
    /// <exception cref="ArgumentException">The resource's entity type has no such navigation property.</exception>
    public async Task<IReadOnlyList<RepositoryResource>> GetLinkedAsync(RepositoryResource resource, string navigationProperty, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(navigationProperty);
        var type = resource.EntityType;
        var navigation = type.FindNavigationProperty(navigationProperty)
            ?? throw new ArgumentException($"{type.Name} has no navigation property '{navigationProperty}'; it has {(type.NavigationProperties.Count == 0 ? "none" : string.Join(", ", type.NavigationProperties.Select(static n => n.Name)))}.", nameof(navigationProperty));
        var (association, direction) = AssociationOf(type, navigation);
        var target = _model.GetEntityType(navigation.TargetEntityType);
        await ResourceLayout.LearnAsync(_resources, cancellationToken).ConfigureAwait(false);
        var linked = await _resources.GetLinkedResourcesAsync(association.Name, resource.Id, direction, cancellationToken).ConfigureAwait(false);
        return [.. linked.Select(stored => new RepositoryResource(target, stored))];
    }

    /// <summary>Gets what categorization last decided about an account: its owner, resource type, or why it has none.</summary>
    /// <param name="account">The account.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The categorization, or null when the account was never categorized.</returns>
    /// <exception cref="InvalidOperationException">The reader was made without the categorization role.</exception>
    public async Task<AccountCategorization?> GetCategorizationAsync(RepositoryResource account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        var store = _categorizations ?? throw new InvalidOperationException("This RepositoryReader was made without a categorization store (ICategorizationStore).");
        var all = await store.GetCategorizationsAsync(account.EntityType.Name, cancellationToken).ConfigureAwait(false);
        return all.FirstOrDefault(c => c.ResourceId == account.Id);
    }

    /// <summary>Gets the provisioning orders about a resource, as the resource they change or as the owner they are for, newest first.</summary>
    /// <param name="resource">The account or owner.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The orders, in every state.</returns>
    /// <exception cref="InvalidOperationException">The reader was made without the order role.</exception>
    public async Task<IReadOnlyList<ProvisioningOrder>> GetOrdersAsync(RepositoryResource resource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var store = _orders ?? throw new InvalidOperationException("This RepositoryReader was made without an order store (IOrderStore).");
        return await store.GetOrdersOfResourceAsync(resource.Id, cancellationToken).ConfigureAwait(false);
    }

    private EntityType TypeOf(string entityType)
    {
        ArgumentNullException.ThrowIfNull(entityType);
        return ModelLookup.Find(_model.EntityTypes, entityType, static e => e.Name)
            ?? throw new ArgumentException($"The model has no entity type '{entityType}'; it has {string.Join(", ", _model.EntityTypes.Select(static e => e.Name))}.", nameof(entityType));
    }

    private (EntityAssociation Association, LinkDirection Direction) AssociationOf(EntityType type, NavigationProperty navigation)
    {
        foreach (var association in _model.Associations)
        {
            if (Is(association.First, type, navigation))
            {
                return (association, LinkDirection.FirstToSecond);
            }

            if (Is(association.Second, type, navigation))
            {
                return (association, LinkDirection.SecondToFirst);
            }
        }

        throw new InvalidOperationException($"No association of the model has {type.Name}.{navigation.Name}; the model is inconsistent.");

        static bool Is(AssociationEnd end, EntityType type, NavigationProperty navigation) =>
            string.Equals(end.EntityType, type.Name, StringComparison.OrdinalIgnoreCase)
            && string.Equals(end.NavigationProperty, navigation.Name, StringComparison.OrdinalIgnoreCase);
    }
}
