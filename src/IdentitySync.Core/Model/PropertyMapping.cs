namespace IdentitySync.Model;

/// <summary>Binds a scalar property to a column of a connection table.</summary>
public sealed record PropertyMapping
{
    internal PropertyMapping(string property, string column, ValueFormat format, PropertyKey key, string? separator, bool ignoreCase = false)
    {
        IgnoreCase = ignoreCase;
        Property = property;
        Column = column;
        Format = format;
        Key = key;
        Separator = separator;
    }

    /// <summary>Gets the name of the scalar property.</summary>
    public string Property { get; }

    /// <summary>Gets the source column's header.</summary>
    public string Column { get; }

    /// <summary>Gets how the column's text is parsed.</summary>
    public ValueFormat Format { get; }

    /// <summary>Gets the property's key role.</summary>
    public PropertyKey Key { get; }

    /// <summary>Gets a value indicating whether the key compares without case (its canonical text is upper case; the value keeps its spelling).</summary>
    public bool IgnoreCase { get; }

    /// <summary>Gets the separator between the values of a multi-valued property; <see langword="null"/> for mono-valued ones.</summary>
    public string? Separator { get; }
}
