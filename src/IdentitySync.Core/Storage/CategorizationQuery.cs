using IdentitySync.Categorizations;

namespace IdentitySync.Storage;

/// <summary>
/// Which categorizations to read (<see cref="ICategorizationStore.GetCategorizationsAsync(CategorizationQuery, CancellationToken)"/>):
/// those of one entity type's accounts, narrowed by any of the accounts, their owners, their statuses and their resource
/// type; a filter left null does not narrow.
/// </summary>
/// <param name="EntityType">The accounts' entity type, in any case.</param>
public sealed record CategorizationQuery(string EntityType)
{
    /// <summary>Gets the accounts (<see cref="AccountCategorization.ResourceId"/>); all when null.</summary>
    public IReadOnlyCollection<long>? ResourceIds { get; init; }

    /// <summary>Gets the owners (<see cref="AccountCategorization.OwnerId"/>); any owner, or none, when null.</summary>
    public IReadOnlyCollection<long>? OwnerIds { get; init; }

    /// <summary>Gets the statuses; all when null.</summary>
    public IReadOnlyCollection<CategorizationStatus>? Statuses { get; init; }

    /// <summary>Gets the resource type, in any case; any (or none) when null.</summary>
    public string? ResourceType { get; init; }

    /// <summary>Gets a value indicating whether only categorizations with an owner are named.</summary>
    public bool OwnedOnly { get; init; }

    /// <summary>
    /// Gets a value indicating whether only categorizations whose owner no longer exists are named (the accounts of an
    /// owner deleted since they were categorized: a leaver's accounts, which a rehire may claim). Checked against the
    /// store's resources, so <see cref="Matches"/>, which sees one categorization, checks only that it has an owner.
    /// </summary>
    public bool OwnerMissing { get; init; }

    /// <summary>
    /// Gets a value indicating whether the reasons may be left out (<see cref="AccountCategorization.Reason"/> null): a
    /// caller that decides from the other fields (order generation reads every categorization of a type) then reads a
    /// million categorizations without a million reason texts. A store may give them anyway; it names the same ones.
    /// </summary>
    public bool WithoutReasons { get; init; }

    /// <summary>
    /// Whether a categorization of <see cref="EntityType"/> passes the other filters, for a store that filters in memory;
    /// with <see cref="OwnerMissing"/>, the store then keeps those whose owner it does not hold.
    /// </summary>
    /// <param name="categorization">A categorization of the entity type.</param>
    /// <returns><see langword="true"/> when every filter set lets it through.</returns>
    public bool Matches(AccountCategorization categorization)
    {
        ArgumentNullException.ThrowIfNull(categorization);
        return (ResourceIds is null || ResourceIds.Contains(categorization.ResourceId))
            && (OwnerIds is null || (categorization.OwnerId is { } owner && OwnerIds.Contains(owner)))
            && (Statuses is null || Statuses.Contains(categorization.Status))
            && (ResourceType is null || string.Equals(categorization.ResourceType, ResourceType, StringComparison.OrdinalIgnoreCase))
            && (!(OwnedOnly || OwnerMissing) || categorization.OwnerId is not null);
    }
}
