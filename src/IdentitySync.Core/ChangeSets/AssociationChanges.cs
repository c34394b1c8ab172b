namespace IdentitySync.ChangeSets;

/// <summary>The link changes of one association in a change set.</summary>
public sealed record AssociationChanges
{
    /// <summary>Initializes a new instance of the <see cref="AssociationChanges"/> class.</summary>
    /// <param name="association">The association and its sides' entity types.</param>
    /// <param name="added">The added links.</param>
    /// <param name="removed">The removed links.</param>
    /// <param name="unchanged">How many links stay.</param>
    public AssociationChanges(EntityAssociationKeys association, IReadOnlyList<LinkChange> added, IReadOnlyList<LinkChange> removed, long unchanged)
    {
        Association = association;
        Added = added;
        Removed = removed;
        Unchanged = unchanged;
    }

    /// <summary>Gets the association and its sides' entity types.</summary>
    public EntityAssociationKeys Association { get; }

    /// <summary>Gets the added links.</summary>
    public IReadOnlyList<LinkChange> Added { get; }

    /// <summary>Gets the removed links.</summary>
    public IReadOnlyList<LinkChange> Removed { get; }

    /// <summary>Gets how many links stay.</summary>
    public long Unchanged { get; }
}
