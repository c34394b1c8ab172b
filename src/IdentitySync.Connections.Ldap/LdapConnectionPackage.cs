using IdentitySync.Model;

namespace IdentitySync.Connections.Ldap;

/// <summary>
/// The LDAP connection package (<c>Ldap</c>): exports an Active Directory or LDAP directory's entries as
/// tables (paged searches, ranged retrieval, binary attributes as Base64) and fulfills orders by adding,
/// modifying, renaming, moving and deleting entries and changing group memberships.
/// See docs/connections/ldap.md.
/// </summary>
public sealed class LdapConnectionPackage : IConnectionPackage
{
    /// <summary>The package's id, as connections name it.</summary>
    public const string PackageId = "Ldap";

    /// <inheritdoc />
    public string Id => PackageId;

    /// <inheritdoc />
    public ConnectionCapabilities Capabilities => ConnectionCapabilities.ExportComplete | ConnectionCapabilities.ExportIncremental | ConnectionCapabilities.Fulfill | ConnectionCapabilities.Verifiable;

    /// <inheritdoc />
    public IReadOnlyList<ConnectionSetting> Settings => LdapConnectionSettings.Descriptors;

    /// <inheritdoc />
    public IReadOnlyList<string> ValidateSettings(Connection connection)
    {
        LdapConnectionSettings.TryRead(connection, out var errors);
        return errors;
    }

    /// <summary>
    /// Binds, reads the schema, and checks each table: configured, its base present, each column's attribute
    /// and each of its object classes defined by the schema.
    /// </summary>
    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<string>> CheckAsync(Connection connection, IReadOnlyDictionary<string, IReadOnlyList<string>> tables, ConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(context);
        var settings = Read(connection, context);
        using var session = await LdapSession.OpenAsync(settings, connection.Name, cancellationToken).ConfigureAwait(false);
        try
        {
            return await CheckAsync(session, settings, tables, cancellationToken).ConfigureAwait(false);
        }
        catch (System.DirectoryServices.Protocols.LdapException exception)
        {
            throw new ConnectionException($"Connection '{connection.Name}': {session.Server}: {LdapSession.Describe(exception, settings)}", exception) { Kind = FailureKind.InputUnreadable };
        }
    }

    private static async Task<IReadOnlyList<string>> CheckAsync(LdapSession session, LdapConnectionSettings settings, IReadOnlyDictionary<string, IReadOnlyList<string>> tables, CancellationToken cancellationToken)
    {
        var schema = await session.GetSchemaAsync(cancellationToken).ConfigureAwait(false);
        var problems = new List<string>();
        foreach (var (name, columns) in tables.OrderBy(static t => t.Key, StringComparer.OrdinalIgnoreCase))
        {
            if (!settings.Tables.TryGetValue(name, out var table))
            {
                problems.Add($"{name}: not configured; set \"{name}.BaseDn\"");
                continue;
            }

            try
            {
                await session.SearchAsync(new LdapSearch(table.BaseDn, "(objectClass=*)", System.DirectoryServices.Protocols.SearchScope.Base, ["1.1"]), null, cancellationToken).ConfigureAwait(false);
            }
            catch (System.DirectoryServices.Protocols.DirectoryOperationException exception)
            {
                problems.Add($"{name}.BaseDn: '{table.BaseDn}' cannot be read on {session.Server}: {LdapSession.Describe(exception, settings)}");
            }

            foreach (var column in columns.Distinct(StringComparer.OrdinalIgnoreCase))
            {
                var attribute = table.AttributeOf(column);
                if (!LdapTableSettings.IsDn(attribute) && !schema.Defines(attribute))
                {
                    problems.Add(string.Equals(attribute, column, StringComparison.OrdinalIgnoreCase)
                        ? $"{name}.{column}: the directory's schema has no attribute '{attribute}'"
                        : $"{name}.{column}: the directory's schema has no attribute '{attribute}' (mapped by \"{name}.Column.{column}\")");
                }
            }

            foreach (var objectClass in table.ObjectClasses.Where(c => !schema.DefinesClass(c)))
            {
                problems.Add($"{name}.ObjectClasses: the directory's schema has no object class '{objectClass}'");
            }
        }

        return problems;
    }

    /// <summary>
    /// Lists the configured tables (<c>&lt;table&gt;.BaseDn</c>), each with <c>dn</c> and the attributes the first
    /// 100 entries of its search have: a directory's schema allows far more attributes than entries use.
    /// </summary>
    /// <param name="connection">The connection.</param>
    /// <param name="context">Where the connection runs.</param>
    /// <param name="cancellationToken">Stops the discovery.</param>
    /// <returns>The tables.</returns>
    public async ValueTask<IReadOnlyList<DiscoveredTable>?> DiscoverAsync(Connection connection, ConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(context);
        var settings = Read(connection, context);
        using var session = await LdapSession.OpenAsync(settings, connection.Name, cancellationToken).ConfigureAwait(false);
        var tables = new List<DiscoveredTable>();
        foreach (var (name, table) in settings.Tables.OrderBy(static t => t.Key, StringComparer.OrdinalIgnoreCase))
        {
            try
            {
                var page = await session.SearchAsync(new LdapSearch(table.BaseDn, table.Filter, table.Scope, ["*"], PageSize: 100), null, cancellationToken).ConfigureAwait(false);
                var attributes = page.Entries.Take(100).SelectMany(static e => e.Attributes.Keys).Distinct(StringComparer.OrdinalIgnoreCase);
                tables.Add(new DiscoveredTable(name, ["dn", .. attributes], $"{session.Server} {table.BaseDn}"));
            }
            catch (Exception exception) when (exception is System.DirectoryServices.Protocols.DirectoryOperationException or System.DirectoryServices.Protocols.LdapException)
            {
                throw new ConnectionException($"Table '{name}': the search of '{table.BaseDn}' failed on {session.Server}: {LdapSession.Describe(exception, settings)}", exception)
                {
                    Kind = LdapSession.IsTransient(exception) ? FailureKind.SystemUnavailable : FailureKind.InputUnreadable,
                };
            }
        }

        return tables;
    }

    /// <inheritdoc />
    public IExportConnection CreateExportConnection(Connection connection, ConnectionContext context)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(context);
        return new LdapExportConnection(connection.Name, Read(connection, context), context);
    }

    /// <inheritdoc />
    public IFulfillConnection CreateFulfillConnection(Connection connection, ConnectionContext context)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(context);
        return new LdapFulfillConnection(connection.Name, Read(connection, context), context);
    }

    private static LdapConnectionSettings Read(Connection connection, ConnectionContext context) =>
        LdapConnectionSettings.TryRead(connection, out var errors)
            ?? throw new ConnectionException($"Connection '{connection.Name}' of connector '{context.Connector}' has invalid settings: {string.Join("; ", errors)}") { Kind = FailureKind.InvalidInput };
}
