using IdentitySync.Model;

namespace IdentitySync.Reading;

/// <summary>
/// A condition resources of a query meet. A primary-key filter is looked up in the store's index; the
/// others are checked on each resource as the query streams through the entity type in key order.
/// </summary>
public sealed class ResourceFilter
{
    private ResourceFilter(string? property, object? value, bool ignoreCase, bool hasValue)
    {
        Property = property;
        Value = value;
        IgnoreCase = ignoreCase;
        HasValue = hasValue;
    }

    /// <summary>Gets the property the filter reads, or null for the primary key.</summary>
    public string? Property { get; }

    /// <summary>Gets the value compared with.</summary>
    public object? Value { get; }

    /// <summary>Gets a value indicating whether text compares without case.</summary>
    public bool IgnoreCase { get; }

    /// <summary>Gets a value indicating whether the filter only asks for a non-empty value.</summary>
    public bool HasValue { get; }

    /// <summary>Resources whose primary key is exactly a given key (found through the index).</summary>
    /// <param name="key">The key.</param>
    /// <returns>The filter.</returns>
    public static ResourceFilter KeyIs(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new(null, key, ignoreCase: false, hasValue: false);
    }

    /// <summary>
    /// Resources whose property equals a value (for a multi-valued property: one of its items does).
    /// Values compare as text (a number, date or flag by its invariant text), so <c>42</c> and <c>"42"</c> match.
    /// </summary>
    /// <param name="property">The property's name.</param>
    /// <param name="value">The value; null matches an empty property.</param>
    /// <param name="ignoreCase">Whether text compares without case.</param>
    /// <returns>The filter.</returns>
    public static ResourceFilter PropertyEquals(string property, object? value, bool ignoreCase = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(property);
        return new(property, value, ignoreCase, hasValue: false);
    }

    /// <summary>Resources whose property is not empty.</summary>
    /// <param name="property">The property's name.</param>
    /// <returns>The filter.</returns>
    public static ResourceFilter PropertyIsSet(string property)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(property);
        return new(property, null, ignoreCase: false, hasValue: true);
    }

    /// <summary>Checks the filter's property exists on an entity type.</summary>
    internal void Check(EntityType type)
    {
        if (Property is not null && type.FindProperty(Property) is null)
        {
            throw new ArgumentException($"A filter names '{Property}', which {type.Name} does not have; it has {string.Join(", ", type.Properties.Select(static p => p.Name))}.");
        }
    }

    /// <summary>Whether a resource meets the filter.</summary>
    internal bool Matches(RepositoryResource resource)
    {
        if (Property is null)
        {
            return string.Equals(resource.Key, (string)Value!, StringComparison.Ordinal);
        }

        var value = resource[Property];
        if (HasValue)
        {
            return value is not null && value is not object[] { Length: 0 };
        }

        if (Value is null)
        {
            return value is null or object[] { Length: 0 };
        }

        var wanted = Rules.Values.Text(Value);
        var comparison = IgnoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return value is object[] items
            ? items.Any(i => string.Equals(Rules.Values.Text(i), wanted, comparison))
            : value is not null && string.Equals(Rules.Values.Text(value), wanted, comparison);
    }

    /// <inheritdoc />
    public override string ToString() =>
        Property is null ? $"key = '{Value}'" : HasValue ? $"{Property} is set" : $"{Property} = '{Rules.Values.Text(Value)}'{(IgnoreCase ? " (case ignored)" : string.Empty)}";
}
