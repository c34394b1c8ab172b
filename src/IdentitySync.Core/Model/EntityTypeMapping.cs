namespace IdentitySync.Model;

/// <summary>Binds an entity type to a table that a connection exports.</summary>
public sealed record EntityTypeMapping
{
    internal EntityTypeMapping(string entityType, string connection, string table, IReadOnlyList<PropertyMapping> properties, ResourceThresholds thresholds, EmptyFields emptyFields = EmptyFields.NoValue)
    {
        EmptyFields = emptyFields;
        EntityType = entityType;
        Connection = connection;
        Table = table;
        Properties = properties;
        Thresholds = thresholds;
    }

    /// <summary>Gets the name of the mapped entity type; it also names the mapping.</summary>
    public string EntityType { get; }

    /// <summary>Gets the name of the connection that exports the table.</summary>
    public string Connection { get; }

    /// <summary>Gets the connection table, such as a CSV file's table name.</summary>
    public string Table { get; }

    /// <summary>Gets the property mappings, in declaration order.</summary>
    public IReadOnlyList<PropertyMapping> Properties { get; }

    /// <summary>Gets the thresholds of this mapping's scope (off by default).</summary>
    public ResourceThresholds Thresholds { get; }

    /// <summary>Gets what an empty field of a single-valued text property is stored as.</summary>
    public EmptyFields EmptyFields { get; }

    /// <summary>Gets the primary key's property mapping.</summary>
    public PropertyMapping PrimaryKey => Properties.First(static p => p.Key == PropertyKey.Primary);

    /// <summary>Gets the unique keys' property mappings (at most three).</summary>
    public IEnumerable<PropertyMapping> UniqueKeys => Properties.Where(static p => p.Key == PropertyKey.Unique);

    /// <summary>Finds the mapping of a property by name (case-insensitive).</summary>
    /// <param name="property">The property's name.</param>
    /// <returns>The property mapping, or <see langword="null"/> when the property is not mapped.</returns>
    public PropertyMapping? FindProperty(string property) => ModelLookup.Find(Properties, property, static p => p.Property);
}
