namespace IdentitySync.Configuration;

/// <summary>Adds the connections, mappings and thresholds of a connector.</summary>
public sealed class ConnectorBuilder
{
    internal ConnectorBuilder(ConnectorOptions options) => Options = options;

    /// <summary>Gets the options the builder writes into.</summary>
    public ConnectorOptions Options { get; }

    /// <summary>Withdraws the connector from every job.</summary>
    /// <returns>This builder.</returns>
    public ConnectorBuilder Deactivate()
    {
        Options.IsDeactivated = true;
        return this;
    }

    /// <summary>Adds a connection.</summary>
    /// <param name="name">The identifier.</param>
    /// <param name="package">The id of the connection package, such as <c>Csv</c>.</param>
    /// <param name="settings">The package's settings.</param>
    /// <returns>This builder.</returns>
    public ConnectorBuilder AddConnection(string name, string package, IEnumerable<KeyValuePair<string, string>>? settings = null)
    {
        var connection = new ConnectionOptions { Name = name, Package = package };
        foreach (var (key, value) in settings ?? [])
        {
            connection.Settings[key] = value;
        }

        Options.Connections.Add(connection);
        return this;
    }

    /// <summary>Maps an entity type to a table of one of the connector's connections.</summary>
    /// <param name="entityType">The entity type.</param>
    /// <param name="connection">The connection that exports the table.</param>
    /// <param name="table">The table.</param>
    /// <param name="configure">Maps the properties.</param>
    /// <returns>This builder.</returns>
    public ConnectorBuilder MapEntityType(string entityType, string connection, string table, Action<EntityTypeMappingBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var mapping = new EntityTypeMappingOptions { EntityType = entityType, Connection = connection, Table = table };
        configure(new EntityTypeMappingBuilder(mapping));
        Options.Mappings.Add(mapping);
        return this;
    }

    /// <summary>Maps an association to a table with one column per side.</summary>
    /// <param name="association">The association.</param>
    /// <param name="connection">The connection that exports the table.</param>
    /// <param name="table">The table.</param>
    /// <param name="firstColumn">The column of the first side's key values.</param>
    /// <param name="secondColumn">The column of the second side's key values.</param>
    /// <param name="firstKey">The first side's key property; its primary key when <see langword="null"/>.</param>
    /// <param name="secondKey">The second side's key property; its primary key when <see langword="null"/>.</param>
    /// <param name="thresholds">Sets the mapping's link thresholds.</param>
    /// <returns>This builder.</returns>
    public ConnectorBuilder MapAssociation(
        string association,
        string connection,
        string table,
        string firstColumn,
        string secondColumn,
        string? firstKey = null,
        string? secondKey = null,
        Action<LinkThresholdOptions>? thresholds = null)
    {
        var mapping = new AssociationMappingOptions
        {
            Association = association,
            Connection = connection,
            Table = table,
            FirstColumn = firstColumn,
            SecondColumn = secondColumn,
            FirstKey = firstKey,
            SecondKey = secondKey,
        };
        thresholds?.Invoke(mapping.Thresholds);
        Options.AssociationMappings.Add(mapping);
        return this;
    }

    /// <summary>Sets the thresholds of the connector scope.</summary>
    /// <param name="configure">Edits the thresholds, which start at the defaults.</param>
    /// <returns>This builder.</returns>
    public ConnectorBuilder ConfigureThresholds(Action<ConnectorThresholdOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(Options.Thresholds);
        return this;
    }
}
