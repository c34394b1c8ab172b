using IdentitySync.Connections;
using IdentitySync.Model;

namespace IdentitySync.Synchronization;

/// <summary>
/// Stage 1 of a synchronization: which tables to read, with which columns, and which preparer takes each
/// row. Mappings of one table share one read; associations resolve through the unique keys they name.
/// </summary>
internal sealed class TablePlan
{
    /// <summary>The column a native delta's rows carry their command in.</summary>
    public const string CommandColumn = "command";

    private TablePlan(IReadOnlyDictionary<string, EntityPreparer> entities, IReadOnlyList<AssociationPreparer> associations, IReadOnlyList<PlannedTable> tables, bool derivedDelta)
    {
        Entities = entities;
        Associations = associations;
        Tables = tables;
        DerivedDelta = derivedDelta;
    }

    /// <summary>Gets the preparers of the mapped entity types, by entity type name.</summary>
    public IReadOnlyDictionary<string, EntityPreparer> Entities { get; }

    /// <summary>Gets the preparers of the mapped associations whose two entity types are mapped.</summary>
    public IReadOnlyList<AssociationPreparer> Associations { get; }

    /// <summary>Gets the tables to read, in mapping order.</summary>
    public IReadOnlyList<PlannedTable> Tables { get; }

    /// <summary>Lets the preparers leave the batch hash alone: the batch is identified by its export's fingerprint.</summary>
    public void IdentifyByFingerprint()
    {
        foreach (var entity in Entities.Values)
        {
            entity.HashesRows = false;
        }

        foreach (var association in Associations)
        {
            association.HashesRows = false;
        }
    }

    /// <summary>
    /// Gets a value indicating whether an incremental run reads complete exports and derives the change,
    /// because a connection of the connector has no native delta.
    /// </summary>
    public bool DerivedDelta { get; }

    /// <summary>Plans a run of a connector.</summary>
    /// <param name="model">The model the connector's mappings name.</param>
    /// <param name="connector">The connector.</param>
    /// <param name="incremental">Whether the run is incremental.</param>
    /// <param name="capabilities">The capabilities of a connection's package.</param>
    public static TablePlan Build(IdentityModel model, Connector connector, bool incremental, Func<Connection, ConnectionCapabilities> capabilities)
    {
        var entities = new Dictionary<string, EntityPreparer>(StringComparer.OrdinalIgnoreCase);
        var associations = new List<AssociationPreparer>();
        var tables = new List<PlannedTable>();

        // Without a native delta the change is derived from the complete export, as a complete run would.
        var derived = incremental && connector.EntityTypeMappings.Select(static m => m.Connection)
            .Concat(connector.AssociationMappings.Select(static m => m.Connection))
            .Any(c => !capabilities(connector.FindConnection(c)!).HasFlag(ConnectionCapabilities.ExportIncremental));
        var native = incremental && !derived;
        var uniqueKeys = UniqueKeysNamedByAssociations(model, connector);

        foreach (var mapping in connector.EntityTypeMappings.Where(m => !connector.FindConnection(m.Connection)!.IsExportDeactivated))
        {
            var table = TableOf(mapping.Connection, mapping.Table);
            table.AddColumns(mapping.Properties.Select(static p => p.Column).Append(native ? CommandColumn : null));
            var preparer = new EntityPreparer(
                model.GetEntityType(mapping.EntityType),
                mapping,
                table.Columns,
                native ? table.IndexOf(CommandColumn) : -1,
                // Every unique key is indexed: links resolve through it, and rows sharing a value are quarantined.
                (uniqueKeys.GetValueOrDefault(mapping.EntityType) ?? [])
                    .Union(mapping.Properties.Where(static p => p.Key == PropertyKey.Unique).Select(static p => p.Property), StringComparer.OrdinalIgnoreCase),
                connector.MaxValueLength);
            entities[mapping.EntityType] = preparer;
            table.Consumers.Add(preparer.Accept);
            table.Entities.Add(preparer);
        }

        foreach (var mapping in connector.AssociationMappings.Where(m => !connector.FindConnection(m.Connection)!.IsExportDeactivated))
        {
            var association = model.GetAssociation(mapping.Association);
            if (!entities.TryGetValue(association.First.EntityType, out var first) || !entities.TryGetValue(association.Second.EntityType, out var second))
            {
                continue;
            }

            var table = TableOf(mapping.Connection, mapping.Table);
            table.AddColumns([mapping.First.Column, mapping.Second.Column, native ? CommandColumn : null]);
            var preparer = new AssociationPreparer(
                association,
                mapping,
                first,
                second,
                table.IndexOf(mapping.First.Column),
                table.IndexOf(mapping.Second.Column),
                native ? table.IndexOf(CommandColumn) : -1,
                connector.MaxValueLength);
            associations.Add(preparer);
            table.Consumers.Add(preparer.Accept);
            table.Associations.Add(preparer);
        }

        return new TablePlan(entities, associations, tables, derived);

        PlannedTable TableOf(string connection, string name)
        {
            var table = tables.Find(t => t.Connection.Name == connection && string.Equals(t.Table, name, StringComparison.OrdinalIgnoreCase));
            if (table is null)
            {
                table = new PlannedTable(connector.FindConnection(connection)!, name);
                tables.Add(table);
            }

            return table;
        }
    }

    /// <summary>Finds the preparer of an association's mapping.</summary>
    /// <param name="name">The association's name.</param>
    public AssociationPreparer? FindAssociation(string name) =>
        Associations.FirstOrDefault(a => string.Equals(a.Keys.Association, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The unique keys (other than the primary key) through which associations name each entity type.</summary>
    private static Dictionary<string, HashSet<string>> UniqueKeysNamedByAssociations(IdentityModel model, Connector connector)
    {
        var uniqueKeys = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var mapping in connector.AssociationMappings)
        {
            var association = model.GetAssociation(mapping.Association);
            Add(association.First.EntityType, mapping.First.Key);
            Add(association.Second.EntityType, mapping.Second.Key);
        }

        return uniqueKeys;

        void Add(string entityType, string key)
        {
            if (!uniqueKeys.TryGetValue(entityType, out var keys))
            {
                uniqueKeys[entityType] = keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            }

            if (!string.Equals(connector.FindEntityTypeMapping(entityType)?.PrimaryKey.Property, key, StringComparison.OrdinalIgnoreCase))
            {
                keys.Add(key);
            }
        }
    }
}

/// <summary>One table a run reads: its columns (the union of what its mappings need) and who takes its rows.</summary>
/// <param name="connection">The connection the table belongs to.</param>
/// <param name="table">The table's name.</param>
internal sealed class PlannedTable(Connection connection, string table)
{
    private readonly List<string> _columns = [];

    public Connection Connection { get; } = connection;

    public string Table { get; } = table;

    /// <summary>Gets the columns requested, each once, in the order the mappings first named them.</summary>
    public IReadOnlyList<string> Columns => _columns;

    /// <summary>Gets what takes each row read: the entity and association preparers of the table's mappings.</summary>
    public List<Action<RowBatch, int, string>> Consumers { get; } = [];

    /// <summary>Gets the entity preparers among <see cref="Consumers"/>.</summary>
    public List<EntityPreparer> Entities { get; } = [];

    /// <summary>Gets the association preparers among <see cref="Consumers"/>.</summary>
    public List<AssociationPreparer> Associations { get; } = [];

    public int IndexOf(string column) =>
        _columns.FindIndex(c => string.Equals(c, column, StringComparison.OrdinalIgnoreCase));

    public void AddColumns(IEnumerable<string?> wanted)
    {
        foreach (var column in wanted)
        {
            if (column is not null && IndexOf(column) < 0)
            {
                _columns.Add(column);
            }
        }
    }
}
