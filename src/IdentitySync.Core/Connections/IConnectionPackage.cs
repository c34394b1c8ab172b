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
}
