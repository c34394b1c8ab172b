namespace IdentitySync.Model;

/// <summary>One column of an association mapping and the key that resolves its values to resources.</summary>
public sealed record AssociationMappingEnd
{
    internal AssociationMappingEnd(string column, string key)
    {
        Column = column;
        Key = key;
    }

    /// <summary>Gets the source column's header.</summary>
    public string Column { get; }

    /// <summary>Gets the property (the primary key or a unique key of that side's mapping) matched against the column's values.</summary>
    public string Key { get; }
}
