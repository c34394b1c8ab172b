namespace IdentitySync.Model;

/// <summary>A reference from a resource to other resources, one side of an <see cref="EntityAssociation"/>.</summary>
public sealed record NavigationProperty
{
    internal NavigationProperty(string name, string targetEntityType, bool isMultiValued)
    {
        Name = name;
        TargetEntityType = targetEntityType;
        IsMultiValued = isMultiValued;
    }

    /// <summary>Gets the property's identifier, unique within its entity type (case-insensitive).</summary>
    public string Name { get; }

    /// <summary>Gets the name of the entity type the property refers to.</summary>
    public string TargetEntityType { get; }

    /// <summary>Gets a value indicating whether the property refers to several resources.</summary>
    public bool IsMultiValued { get; }
}
