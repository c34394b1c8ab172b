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
