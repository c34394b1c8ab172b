namespace IdentitySync.Model;

/// <summary>One side of an association: a navigation property of an entity type.</summary>
public sealed record AssociationEnd
{
    internal AssociationEnd(string entityType, string navigationProperty)
    {
        EntityType = entityType;
        NavigationProperty = navigationProperty;
    }

    /// <summary>Gets the name of the entity type that declares the navigation property.</summary>
    public string EntityType { get; }

    /// <summary>Gets the name of the navigation property.</summary>
    public string NavigationProperty { get; }

    /// <inheritdoc />
    public override string ToString() => EntityType + "." + NavigationProperty;
}
