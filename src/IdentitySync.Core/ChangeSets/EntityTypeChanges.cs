namespace IdentitySync.ChangeSets;

/// <summary>The changes of one entity type in a change set.</summary>
public sealed record EntityTypeChanges
{
    /// <summary>Initializes a new instance of the <see cref="EntityTypeChanges"/> class.</summary>
    /// <param name="entityType">The entity type.</param>
    /// <param name="inserted">The inserted resources.</param>
    /// <param name="updated">The updated resources, with their changed properties.</param>
    /// <param name="deleted">The deleted resources, with their last values.</param>
    /// <param name="unchanged">How many resources stay as they are.</param>
    public EntityTypeChanges(string entityType, IReadOnlyList<ResourceChange> inserted, IReadOnlyList<ResourceChange> updated, IReadOnlyList<ResourceChange> deleted, long unchanged)
    {
        EntityType = entityType;
        Inserted = inserted;
        Updated = updated;
        Deleted = deleted;
        Unchanged = unchanged;
    }

    /// <summary>Gets the entity type.</summary>
    public string EntityType { get; }

    /// <summary>Gets the inserted resources.</summary>
    public IReadOnlyList<ResourceChange> Inserted { get; }

    /// <summary>Gets the updated resources; an entry without <see cref="ResourceChange.Changes"/> only refreshes the stored digest (the text changed, not the values).</summary>
    public IReadOnlyList<ResourceChange> Updated { get; }

    /// <summary>Gets the deleted resources.</summary>
    public IReadOnlyList<ResourceChange> Deleted { get; }

    /// <summary>Gets how many resources stay as they are.</summary>
    public long Unchanged { get; }
}
