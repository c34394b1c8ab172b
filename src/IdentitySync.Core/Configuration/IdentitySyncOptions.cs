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

    /// <summary>
    /// Gets or sets the one folder every relative path of the configuration resolves against: connection
    /// settings (CSV files, order-file folders) for synchronization and fulfilment alike. A relative value is
    /// itself relative to the host's content root.
    /// </summary>
    /// <value>
    /// The default value is <see langword="null"/>: the host's content root (its configuration's <c>contentRoot</c>),
    /// or the current directory outside a host. The command line uses the configuration file's folder.
    /// </value>
    public string? BaseDirectory { get; set; }
}
