namespace IdentitySync.Configuration;

/// <summary>
/// The configuration of the model as it is bound from the <c>IdentitySync</c> section of a JSON file,
/// or filled by <see cref="IdentityModelBuilder"/>. Validated, it becomes an immutable
/// <see cref="Model.IdentityModel"/>.
/// </summary>
public sealed class IdentitySyncOptions
{
    /// <summary>The configuration section the options are bound from by convention.</summary>
    public const string SectionName = "IdentitySync";

    /// <summary>Gets the entity types.</summary>
    public IList<EntityTypeOptions> EntityTypes { get; } = [];

    /// <summary>Gets the associations.</summary>
    public IList<AssociationOptions> Associations { get; } = [];

    /// <summary>Gets the connectors.</summary>
    public IList<ConnectorOptions> Connectors { get; } = [];

    /// <summary>Gets the resource types.</summary>
    public IList<ResourceTypeOptions> ResourceTypes { get; } = [];
}
