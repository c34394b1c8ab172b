namespace IdentitySync.Model;

/// <summary>A typed value property of an entity type.</summary>
public sealed record ScalarProperty
{
    internal ScalarProperty(string name, ScalarType type, bool isMultiValued)
    {
        Name = name;
        Type = type;
        IsMultiValued = isMultiValued;
    }

    /// <summary>Gets the property's identifier, unique within its entity type (case-insensitive).</summary>
    public string Name { get; }

    /// <summary>Gets the type of the property's values.</summary>
    public ScalarType Type { get; }

    /// <summary>Gets a value indicating whether the property holds several values.</summary>
    public bool IsMultiValued { get; }
}
