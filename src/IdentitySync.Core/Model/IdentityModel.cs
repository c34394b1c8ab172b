using IdentitySync.Configuration;

namespace IdentitySync.Model;

/// <summary>
/// The validated, immutable model: entity types, associations, connectors and resource types.
/// Build it with <see cref="IdentityModelBuilder"/>; two models with the same content are equal.
/// </summary>
public sealed record IdentityModel
{
    internal IdentityModel(
        IReadOnlyList<EntityType> entityTypes,
        IReadOnlyList<EntityAssociation> associations,
        IReadOnlyList<Connector> connectors,
        IReadOnlyList<ResourceType> resourceTypes)
    {
        EntityTypes = entityTypes;
        Associations = associations;
        Connectors = connectors;
        ResourceTypes = resourceTypes;
    }

    /// <summary>Gets the entity types.</summary>
    public IReadOnlyList<EntityType> EntityTypes { get; }

    /// <summary>Gets the associations.</summary>
    public IReadOnlyList<EntityAssociation> Associations { get; }

    /// <summary>Gets the connectors.</summary>
    public IReadOnlyList<Connector> Connectors { get; }

    /// <summary>Gets the resource types.</summary>
    public IReadOnlyList<ResourceType> ResourceTypes { get; }

    /// <summary>Gets an entity type by name (case-insensitive).</summary>
    /// <param name="name">The entity type's name.</param>
    /// <returns>The entity type.</returns>
    /// <exception cref="KeyNotFoundException">The model has no entity type of that name.</exception>
    public EntityType GetEntityType(string name) => ModelLookup.Get(EntityTypes, name, static e => e.Name, "entity type");

    /// <summary>Gets an association by name (case-insensitive).</summary>
    /// <param name="name">The association's name.</param>
    /// <returns>The association.</returns>
    /// <exception cref="KeyNotFoundException">The model has no association of that name.</exception>
    public EntityAssociation GetAssociation(string name) => ModelLookup.Get(Associations, name, static a => a.Name, "association");

    /// <summary>Gets a connector by name (case-insensitive).</summary>
    /// <param name="name">The connector's name.</param>
    /// <returns>The connector.</returns>
    /// <exception cref="KeyNotFoundException">The model has no connector of that name.</exception>
    public Connector GetConnector(string name) => ModelLookup.Get(Connectors, name, static c => c.Name, "connector");

    /// <summary>Gets a resource type by name (case-insensitive).</summary>
    /// <param name="name">The resource type's name.</param>
    /// <returns>The resource type.</returns>
    /// <exception cref="KeyNotFoundException">The model has no resource type of that name.</exception>
    public ResourceType GetResourceType(string name) => ModelLookup.Get(ResourceTypes, name, static r => r.Name, "resource type");

    /// <summary>Finds the connector that maps an entity type: each entity type is fed by at most one connector.</summary>
    /// <param name="entityType">The entity type's name.</param>
    /// <returns>The connector, or <see langword="null"/> when no connector maps the entity type (for example identities).</returns>
    public Connector? FindConnectorOf(string entityType) =>
        Connectors.FirstOrDefault(c => c.FindEntityTypeMapping(entityType) is not null);

    /// <summary>Finds a resource type by name (case-insensitive).</summary>
    /// <param name="name">The resource type's name.</param>
    /// <returns>The resource type, or <see langword="null"/> (an order kept from a type since removed from the configuration).</returns>
    public ResourceType? FindResourceType(string name) => ModelLookup.Find(ResourceTypes, name, static r => r.Name);

    /// <summary>Whether no connector maps the entity type: a repository type (identities), whose resources the internal workflow creates.</summary>
    /// <param name="entityType">The entity type's name.</param>
    /// <returns><see langword="true"/> for a repository type.</returns>
    public bool IsRepositoryType(string entityType) => FindConnectorOf(entityType) is null;
}
