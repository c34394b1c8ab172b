namespace IdentitySync.Configuration;

/// <summary>The configuration of a navigation property.</summary>
public sealed class NavigationPropertyOptions
{
    /// <summary>Gets or sets the identifier: letters, digits and '_', not starting with a digit.</summary>
    public string? Name { get; set; }

    /// <summary>Gets or sets the name of the entity type the property refers to.</summary>
    public string? Target { get; set; }

    /// <summary>Gets or sets a value indicating whether the property refers to several resources.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool IsMultiValued { get; set; }
}
