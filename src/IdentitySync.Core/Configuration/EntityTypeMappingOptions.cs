namespace IdentitySync.Configuration;

/// <summary>The configuration of an entity-type mapping.</summary>
public sealed class EntityTypeMappingOptions
{
    /// <summary>Gets or sets the name of the mapped entity type; it also names the mapping.</summary>
    public string? EntityType { get; set; }

    /// <summary>Gets or sets the name of the connector's connection that exports the table.</summary>
    public string? Connection { get; set; }

    /// <summary>Gets or sets the connection table.</summary>
    public string? Table { get; set; }

    /// <summary>Gets the property mappings: exactly one primary key, at most three unique keys.</summary>
    public IList<PropertyMappingOptions> Properties { get; } = [];

    /// <summary>Gets or sets what an empty field of a single-valued text property is stored as: <c>NoValue</c> or <c>EmptyString</c>.</summary>
    /// <value>The default value is <see cref="Model.EmptyFields.NoValue"/>.</value>
    public Model.EmptyFields EmptyFields { get; set; }

    /// <summary>Gets the thresholds of this mapping's scope (all 0, off, by default).</summary>
    public ResourceThresholdOptions Thresholds { get; } = new();
}
