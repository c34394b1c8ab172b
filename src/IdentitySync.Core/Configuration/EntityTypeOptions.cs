namespace IdentitySync.Configuration;

/// <summary>The configuration of an entity type.</summary>
public sealed class EntityTypeOptions
{
    /// <summary>Gets or sets the identifier: letters, digits and '_', not starting with a digit.</summary>
    public string? Name { get; set; }

    /// <summary>Gets the scalar properties.</summary>
    public IList<ScalarPropertyOptions> Properties { get; } = [];

    /// <summary>Gets the navigation properties.</summary>
    public IList<NavigationPropertyOptions> NavigationProperties { get; } = [];
}
