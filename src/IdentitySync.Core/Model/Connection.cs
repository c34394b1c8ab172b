namespace IdentitySync.Model;

/// <summary>A connector's link to a technology, implemented by a connection package.</summary>
public sealed record Connection
{
    internal Connection(string name, string package, IReadOnlyDictionary<string, string> settings, bool isExportDeactivated, bool isFulfillDeactivated)
    {
        Name = name;
        Package = package;
        Settings = settings;
        IsExportDeactivated = isExportDeactivated;
        IsFulfillDeactivated = isFulfillDeactivated;
    }

    /// <summary>Gets the connection's identifier, unique within its connector (case-insensitive).</summary>
    public string Name { get; }

    /// <summary>Gets the id of the connection package that implements the connection, such as <c>Csv</c>.</summary>
    public string Package { get; }

    /// <summary>Gets the package's settings as configured (keys are case-insensitive); the package validates and types them.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>Gets a value indicating whether exporting (synchronization) through this connection is turned off.</summary>
    public bool IsExportDeactivated { get; }

    /// <summary>Gets a value indicating whether fulfilling orders through this connection is turned off.</summary>
    public bool IsFulfillDeactivated { get; }
}
