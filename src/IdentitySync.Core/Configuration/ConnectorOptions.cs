namespace IdentitySync.Configuration;

/// <summary>The configuration of a connector.</summary>
public sealed class ConnectorOptions
{
    /// <summary>Gets or sets the identifier: letters, digits and '_', not starting with a digit.</summary>
    public string? Name { get; set; }

    /// <summary>Gets or sets the agent that runs the connector's connections.</summary>
    /// <value>The default value is <c>InProcess</c>, the only agent so far.</value>
    public string? Agent { get; set; } = Model.Connector.InProcessAgent;

    /// <summary>Gets or sets a value indicating whether the connector is withdrawn from every job.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool IsDeactivated { get; set; }

    /// <summary>Gets the connections.</summary>
    public IList<ConnectionOptions> Connections { get; } = [];

    /// <summary>Gets the entity-type mappings.</summary>
    public IList<EntityTypeMappingOptions> Mappings { get; } = [];

    /// <summary>Gets the association mappings.</summary>
    public IList<AssociationMappingOptions> AssociationMappings { get; } = [];

    /// <summary>
    /// Gets or sets the longest value, in characters, that a field of the connector's exports may hold; a row
    /// with a longer one is quarantined (a runaway quote or a binary dump in a text column), not stored.
    /// </summary>
    /// <value>The default value is 1,048,576 (1 Mi characters): more than any directory attribute, photos included.</value>
    public int MaxValueLength { get; set; } = Model.ConnectorDefaults.MaxValueLength;

    /// <summary>Gets the thresholds of the connector scope.</summary>
    public ConnectorThresholdOptions Thresholds { get; } = new();
}
