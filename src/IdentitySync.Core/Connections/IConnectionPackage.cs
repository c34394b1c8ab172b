using IdentitySync.Model;

namespace IdentitySync.Connections;

/// <summary>
/// A plug-in that implements connections to one technology (CSV files, LDAP, SQL…). Connections in
/// the model name their package by <see cref="Id"/>.
/// </summary>
public interface IConnectionPackage
{
    /// <summary>Gets the package's id, as connections name it (case-insensitive), such as <c>Csv</c>.</summary>
    string Id { get; }

    /// <summary>Gets what the package can do.</summary>
    ConnectionCapabilities Capabilities { get; }

    /// <summary>Gets the settings the package reads; settings marked secret never reach logs or reports.</summary>
    IReadOnlyList<ConnectionSetting> Settings { get; }

    /// <summary>Checks a connection's settings.</summary>
    /// <param name="connection">The connection.</param>
    /// <returns>Problems as <c>Setting: message</c>; empty when the settings are valid.</returns>
    IReadOnlyList<string> ValidateSettings(Connection connection);

    /// <summary>
    /// Checks a connection against its system, as <c>identitysync validate --connect</c> does before any run:
    /// the system answers and accepts the credentials, and each table and column the mappings read exists
    /// there (a directory's schema, a database's catalog, a file's header).
    /// </summary>
    /// <param name="connection">The connection, with settings that passed <see cref="ValidateSettings"/>.</param>
    /// <param name="tables">The columns the mappings read, by table.</param>
    /// <param name="context">Where the connection runs.</param>
    /// <param name="cancellationToken">Stops the check.</param>
    /// <returns>Problems as <c>table.column: message</c> or <c>table: message</c>; empty when all is there. The default checks nothing.</returns>
    /// <exception cref="ConnectionException">The system cannot be reached or refuses the credentials; <see cref="IdentitySyncException.Kind"/> says which.</exception>
    ValueTask<IReadOnlyList<string>> CheckAsync(Connection connection, IReadOnlyDictionary<string, IReadOnlyList<string>> tables, ConnectionContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<string>>([]);

    /// <summary>
    /// Lists what a connection can read in its system, as <c>identitysync discover</c> shows it to someone writing
    /// mappings: tables (files, search bases, database tables) and their columns.
    /// </summary>
    /// <param name="connection">The connection, with settings that passed <see cref="ValidateSettings"/>.</param>
    /// <param name="context">Where the connection runs.</param>
    /// <param name="cancellationToken">Stops the discovery.</param>
    /// <returns>The tables; <see langword="null"/> when the package cannot list them (the default).</returns>
    /// <exception cref="ConnectionException">The system cannot be reached or refuses the credentials.</exception>
    ValueTask<IReadOnlyList<DiscoveredTable>?> DiscoverAsync(Connection connection, ConnectionContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<DiscoveredTable>?>(null);

    /// <summary>Creates the export facet of a connection.</summary>
    /// <param name="connection">The connection, with settings that passed <see cref="ValidateSettings"/>.</param>
    /// <param name="context">Where the connection runs.</param>
    /// <returns>The export connection.</returns>
    /// <exception cref="NotSupportedException">The package cannot export (see <see cref="Capabilities"/>).</exception>
    IExportConnection CreateExportConnection(Connection connection, ConnectionContext context);

    /// <summary>Creates the fulfill facet of a connection.</summary>
    /// <param name="connection">The connection, with settings that passed <see cref="ValidateSettings"/>.</param>
    /// <param name="context">Where the connection runs.</param>
    /// <returns>The fulfill connection.</returns>
    /// <exception cref="NotSupportedException">The package cannot fulfill (see <see cref="Capabilities"/>); the default.</exception>
    IFulfillConnection CreateFulfillConnection(Connection connection, ConnectionContext context) =>
        throw new NotSupportedException($"Connection package '{Id}' cannot fulfill orders.");
}
