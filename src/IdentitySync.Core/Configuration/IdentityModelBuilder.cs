using IdentitySync.Model;

namespace IdentitySync.Configuration;

/// <summary>
/// Builds an <see cref="IdentityModel"/> in code. It writes into <see cref="IdentitySyncOptions"/>,
/// the same options a JSON configuration binds to, so both routes validate and build alike.
/// </summary>
public sealed class IdentityModelBuilder
{
    private IReadOnlyCollection<string>? _connectionPackages;

    /// <summary>Initializes a new instance of the <see cref="IdentityModelBuilder"/> class with empty options.</summary>
    public IdentityModelBuilder()
        : this(new IdentitySyncOptions())
    {
    }

    /// <summary>Initializes a new instance of the <see cref="IdentityModelBuilder"/> class that adds to existing options.</summary>
    /// <param name="options">The options to add to, for example ones bound from configuration.</param>
    public IdentityModelBuilder(IdentitySyncOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
    }

    /// <summary>Gets the options the builder writes into.</summary>
    public IdentitySyncOptions Options { get; }

    /// <summary>Adds an entity type.</summary>
    /// <param name="name">The identifier.</param>
    /// <param name="configure">Adds the properties.</param>
    /// <returns>This builder.</returns>
    public IdentityModelBuilder AddEntityType(string name, Action<EntityTypeBuilder>? configure = null)
    {
        var entityType = new EntityTypeOptions { Name = name };
        configure?.Invoke(new EntityTypeBuilder(entityType));
        Options.EntityTypes.Add(entityType);
        return this;
    }

    /// <summary>Adds an association between two navigation properties that are each other's inverse.</summary>
    /// <param name="name">The identifier.</param>
    /// <param name="first">The first side, as <c>EntityType.NavigationProperty</c>.</param>
    /// <param name="second">The second side, as <c>EntityType.NavigationProperty</c>.</param>
    /// <param name="cardinality">The cardinality; derived from the sides when <see langword="null"/>.</param>
    /// <returns>This builder.</returns>
    public IdentityModelBuilder AddAssociation(string name, string first, string second, AssociationCardinality? cardinality = null)
    {
        Options.Associations.Add(new AssociationOptions
        {
            Name = name,
            First = first,
            Second = second,
            Cardinality = cardinality,
        });
        return this;
    }

    /// <summary>Adds a connector.</summary>
    /// <param name="name">The identifier.</param>
    /// <param name="configure">Adds connections and mappings.</param>
    /// <returns>This builder.</returns>
    public IdentityModelBuilder AddConnector(string name, Action<ConnectorBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var connector = new ConnectorOptions { Name = name };
        configure(new ConnectorBuilder(connector));
        Options.Connectors.Add(connector);
        return this;
    }

    /// <summary>Adds a resource type.</summary>
    /// <param name="name">The identifier.</param>
    /// <param name="connector">The connector whose resources the type holds.</param>
    /// <param name="ownerEntityType">The owners' entity type.</param>
    /// <param name="targetEntityType">The target entity type, mapped by <paramref name="connector"/>.</param>
    /// <param name="configure">Sets the policies.</param>
    /// <returns>This builder.</returns>
    public IdentityModelBuilder AddResourceType(
        string name,
        string connector,
        string ownerEntityType,
        string targetEntityType,
        Action<ResourceTypeOptions>? configure = null)
    {
        var resourceType = new ResourceTypeOptions
        {
            Name = name,
            Connector = connector,
            OwnerEntityType = ownerEntityType,
            TargetEntityType = targetEntityType,
        };
        configure?.Invoke(resourceType);
        Options.ResourceTypes.Add(resourceType);
        return this;
    }

    /// <summary>
    /// Names the connection packages that exist, so that validation also checks each connection's
    /// package. Without it, packages are checked where the connections run.
    /// </summary>
    /// <param name="packageIds">The ids of the registered packages.</param>
    /// <returns>This builder.</returns>
    public IdentityModelBuilder WithConnectionPackages(IEnumerable<string> packageIds)
    {
        ArgumentNullException.ThrowIfNull(packageIds);
        _connectionPackages = [.. packageIds];
        return this;
    }

    /// <summary>Validates the options without building.</summary>
    /// <returns>Every error as <c>path: message</c>; empty when the options are valid.</returns>
    public IReadOnlyList<string> Validate() =>
        new IdentitySyncOptionsValidator(_connectionPackages).ValidateToMessages(Options);

    /// <summary>Validates the options and builds the immutable model.</summary>
    /// <returns>The model.</returns>
    /// <exception cref="IdentityModelValidationException">The options are invalid; it lists every error.</exception>
    public IdentityModel Build() => IdentityModelFactory.Create(Options, _connectionPackages);
}
