using System.Data.Common;
using IdentitySync.Model;

namespace IdentitySync.Connections.Sql;

/// <summary>
/// The SQL connection package (id <c>Sql</c>): exports tables, views and queries and fulfils orders through any
/// ADO.NET provider (docs/connections/sql.md). The host gives the providers it carries by name; a provider
/// registered with <see cref="DbProviderFactories"/> is found by its invariant name too. A database whose
/// provider the host does not carry comes as a plug-in that derives from this class with its provider and
/// an id of its own (docs/connections/sql.md).
/// </summary>
public class SqlConnectionPackage : IConnectionPackage
{
    /// <summary>The package's id, as connections name it.</summary>
    public const string PackageId = "Sql";

    private readonly Dictionary<string, DbProviderFactory> _providers;

    /// <summary>Initializes a new instance of the <see cref="SqlConnectionPackage"/> class.</summary>
    /// <param name="providers">The providers connections may name in their <c>Provider</c> setting, such as <c>Sqlite</c> or <c>PostgreSql</c>; none besides <see cref="DbProviderFactories"/> when <see langword="null"/>.</param>
    /// <param name="id">The id connections name the package by; <see cref="PackageId"/> by default, another for a plug-in beside the built-in one.</param>
    public SqlConnectionPackage(IReadOnlyDictionary<string, DbProviderFactory>? providers = null, string id = PackageId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        _providers = new Dictionary<string, DbProviderFactory>(providers ?? new Dictionary<string, DbProviderFactory>(), StringComparer.OrdinalIgnoreCase);
        Id = id;
    }

    /// <inheritdoc />
    public string Id { get; }

    /// <inheritdoc />
    public ConnectionCapabilities Capabilities =>
        ConnectionCapabilities.ExportComplete | ConnectionCapabilities.ExportIncremental | ConnectionCapabilities.ConcurrentTables | ConnectionCapabilities.Fulfill;

    /// <inheritdoc />
    public IReadOnlyList<ConnectionSetting> Settings { get; } =
    [
        new("Provider", "The ADO.NET provider, by the name the host gives it (Sqlite, PostgreSql in the command line) or its invariant name.", isRequired: true),
        new("ConnectionString", "The provider's connection string. Prefer ConnectionStringVariable, so that the configuration holds no password.", isSecret: true),
        new("ConnectionStringVariable", "The environment variable that holds the connection string."),
        new("<table>.Source", "The table or view a table reads and orders write; the table's name by default."),
        new("<table>.Query", "A SELECT read instead of a table (export only, unless WriteTo names the table orders write)."),
        new("<table>.WriteTo", "The table orders write, when it is not the Source."),
        new("<table>.Watermark", "A column that grows with each change (a modification time, a row version): incremental exports read the rows at or after the last one seen."),
        new("<table>.Overlap", "Seconds before the last watermark the next incremental export starts (timestamps), for rows committed late.", type: ConnectionSettingType.WholeNumber, defaultValue: "0"),
        new("<table>.Deleted", "A column that marks a deleted row (a flag or a deletion time): an incremental export deletes it, a complete one skips it."),
        new("<table>.Child.<column>", "A multi-valued column kept in a child table, one row per value: 'child table, foreign key column, value column, parent key column'."),
        new("ValueSeparator", "Between the values of a multi-valued column in one field; the mapping's Separator must be the same.", defaultValue: "|"),
    ];

    /// <inheritdoc />
    public IReadOnlyList<string> ValidateSettings(Connection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        SqlSettings.TryRead(connection, _providers, out var problems);
        return problems;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<string>> CheckAsync(Connection connection, IReadOnlyDictionary<string, IReadOnlyList<string>> tables, ConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var database = Database(connection, context);
        var problems = new List<string>();
        var session = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (session.ConfigureAwait(false))
        {
            foreach (var (name, wanted) in tables.OrderBy(static t => t.Key, StringComparer.OrdinalIgnoreCase))
            {
                try
                {
                    var columns = await database.ColumnsAsync(session, database.Settings.Table(name), target: false, cancellationToken).ConfigureAwait(false);
                    problems.AddRange(wanted.Where(c => SqlDatabase.Find(columns, c) is null).Select(c => $"{name}.{c}: {database.Settings.Table(name).From(database.Dialect)} has no column '{c}'"));
                }
                catch (ConnectionException exception)
                {
                    problems.Add($"{name}: {exception.Message}");
                }
            }
        }

        return problems;
    }

    /// <summary>
    /// Lists the configured tables and the database's own tables and views (when the provider answers
    /// <c>GetSchema("Tables")</c>), each with the columns a query of it returns.
    /// </summary>
    /// <param name="connection">The connection.</param>
    /// <param name="context">Where the connection runs.</param>
    /// <param name="cancellationToken">Stops the discovery.</param>
    /// <returns>The tables.</returns>
    public async ValueTask<IReadOnlyList<DiscoveredTable>?> DiscoverAsync(Connection connection, ConnectionContext context, CancellationToken cancellationToken)
    {
        var database = Database(connection, context);
        var session = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (session.ConfigureAwait(false))
        {
            var names = new List<string>(database.Settings.Tables.Keys.Order(StringComparer.OrdinalIgnoreCase));
            try
            {
                using var schema = await session.GetSchemaAsync("Tables", cancellationToken).ConfigureAwait(false);
                var column = schema.Columns.Contains("TABLE_NAME") ? "TABLE_NAME" : schema.Columns.Contains("table_name") ? "table_name" : null;
                var schemaColumn = schema.Columns.Contains("TABLE_SCHEMA") ? "TABLE_SCHEMA" : schema.Columns.Contains("table_schema") ? "table_schema" : null;
                names.AddRange(column is null ? [] : schema.Rows.Cast<System.Data.DataRow>()
                    .Where(r => schemaColumn is null || r[schemaColumn] is not ("pg_catalog" or "information_schema" or "sys" or "INFORMATION_SCHEMA"))
                    .Select(r => r[column] as string).OfType<string>()
                    .Where(n => !names.Contains(n, StringComparer.OrdinalIgnoreCase)).Order(StringComparer.OrdinalIgnoreCase));
            }
            catch (Exception exception) when (exception is ArgumentException or NotSupportedException or DbException)
            {
                // The provider does not list its tables: the configured ones are listed.
            }

            var tables = new List<DiscoveredTable>();
            foreach (var name in names)
            {
                var table = database.Settings.Table(name);
                try
                {
                    var columns = await database.ColumnsAsync(session, table, target: false, cancellationToken).ConfigureAwait(false);
                    tables.Add(new DiscoveredTable(name, [.. columns.Select(static c => c.ColumnName), .. table.Children.Keys], table.From(database.Dialect)));
                }
                catch (ConnectionException) when (!database.Settings.Tables.ContainsKey(name))
                {
                    // A listed object that cannot be queried (a system table): not something to map.
                }
            }

            return tables;
        }
    }

    /// <inheritdoc />
    public IExportConnection CreateExportConnection(Connection connection, ConnectionContext context) => new SqlExportConnection(Database(connection, context));

    /// <inheritdoc />
    public IFulfillConnection CreateFulfillConnection(Connection connection, ConnectionContext context) => new SqlFulfillConnection(Database(connection, context));

    private SqlDatabase Database(Connection connection, ConnectionContext context)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(context);
        return new SqlDatabase(
            connection.Name,
            SqlSettings.TryRead(connection, _providers, out var problems)
                ?? throw new ConnectionException($"Connection '{connection.Name}' of connector '{context.Connector}' has invalid settings: {string.Join("; ", problems)}") { Kind = FailureKind.InvalidInput });
    }
}
