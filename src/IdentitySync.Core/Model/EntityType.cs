namespace IdentitySync.Model;

/// <summary>The shape of resources: their scalar and navigation properties.</summary>
public sealed record EntityType
{
    internal EntityType(string name, IReadOnlyList<ScalarProperty> properties, IReadOnlyList<NavigationProperty> navigationProperties)
    {
        Name = name;
        Properties = properties;
        NavigationProperties = navigationProperties;
    }

    /// <summary>Gets the entity type's identifier, unique in the model (case-insensitive).</summary>
    public string Name { get; }

    /// <summary>Gets the scalar properties, in declaration order.</summary>
    public IReadOnlyList<ScalarProperty> Properties { get; }

    /// <summary>Gets the navigation properties, in declaration order.</summary>
    public IReadOnlyList<NavigationProperty> NavigationProperties { get; }

    /// <summary>Finds a scalar property by name (case-insensitive).</summary>
    /// <param name="name">The property's name.</param>
    /// <returns>The property, or <see langword="null"/> when the entity type has none of that name.</returns>
    public ScalarProperty? FindProperty(string name) => ModelLookup.Find(Properties, name, static p => p.Name);

    /// <summary>Finds a navigation property by name (case-insensitive).</summary>
    /// <param name="name">The property's name.</param>
    /// <returns>The property, or <see langword="null"/> when the entity type has none of that name.</returns>
    public NavigationProperty? FindNavigationProperty(string name) =>
        ModelLookup.Find(NavigationProperties, name, static p => p.Name);

    /// <summary>The position of a scalar property in <see cref="Properties"/>, which is also its position in a resource's values.</summary>
    /// <param name="name">The property's name (case-insensitive).</param>
    /// <returns>The position, or -1 when the entity type has no such property.</returns>
    internal int IndexOf(string name)
    {
        for (var i = 0; i < Properties.Count; i++)
        {
            if (string.Equals(Properties[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }
}
