namespace IdentitySync.Model;

/// <summary>The named container for one managed system: its connections, mappings and thresholds.</summary>
public sealed record Connector
{
    internal Connector(
        string name,
        string agent,
        bool isDeactivated,
        IReadOnlyList<Connection> connections,
        IReadOnlyList<EntityTypeMapping> entityTypeMappings,
        IReadOnlyList<AssociationMapping> associationMappings,
        ConnectorThresholds thresholds,
        int maxValueLength = ConnectorDefaults.MaxValueLength)
    {
        MaxValueLength = maxValueLength;
        Name = name;
        Agent = agent;
        IsDeactivated = isDeactivated;
        Connections = connections;
        EntityTypeMappings = entityTypeMappings;
        AssociationMappings = associationMappings;
        Thresholds = thresholds;
    }

    /// <summary>The name of the agent that runs connections inside the host process.</summary>
    public const string InProcessAgent = "InProcess";

    /// <summary>Gets the connector's identifier, unique in the model (case-insensitive).</summary>
    public string Name { get; }

    /// <summary>Gets the name of the agent that runs the connector's connections; <see cref="InProcessAgent"/> by default.</summary>
    public string Agent { get; }

    /// <summary>Gets a value indicating whether the connector is withdrawn from every job.</summary>
    public bool IsDeactivated { get; }

    /// <summary>Gets the connections.</summary>
    public IReadOnlyList<Connection> Connections { get; }

    /// <summary>Gets the entity-type mappings.</summary>
    public IReadOnlyList<EntityTypeMapping> EntityTypeMappings { get; }

    /// <summary>Gets the association mappings.</summary>
    public IReadOnlyList<AssociationMapping> AssociationMappings { get; }

    /// <summary>Gets the thresholds of the connector scope.</summary>
    public ConnectorThresholds Thresholds { get; }

    /// <summary>Gets the longest value, in characters, a field may hold; a longer one quarantines its row.</summary>
    public int MaxValueLength { get; }

    /// <summary>Finds a connection by name (case-insensitive).</summary>
    /// <param name="name">The connection's name.</param>
    /// <returns>The connection, or <see langword="null"/>.</returns>
    public Connection? FindConnection(string name) => ModelLookup.Find(Connections, name, static c => c.Name);

    /// <summary>Finds the mapping of an entity type (case-insensitive).</summary>
    /// <param name="entityType">The entity type's name.</param>
    /// <returns>The mapping, or <see langword="null"/> when this connector does not map that entity type.</returns>
    public EntityTypeMapping? FindEntityTypeMapping(string entityType) =>
        ModelLookup.Find(EntityTypeMappings, entityType, static m => m.EntityType);

    /// <summary>Finds the mapping of an association (case-insensitive).</summary>
    /// <param name="association">The association's name.</param>
    /// <returns>The mapping, or <see langword="null"/> when this connector does not map that association.</returns>
    public AssociationMapping? FindAssociationMapping(string association) =>
        ModelLookup.Find(AssociationMappings, association, static m => m.Association);
}
