namespace IdentitySync.Configuration;

/// <summary>The configuration of a connection.</summary>
public sealed class ConnectionOptions
{
    /// <summary>Gets or sets the identifier: letters, digits and '_', not starting with a digit.</summary>
    public string? Name { get; set; }

    /// <summary>Gets or sets the id of the connection package that implements the connection, such as <c>Csv</c>.</summary>
    public string? Package { get; set; }

    /// <summary>Gets the package's settings: flat name/value pairs, names case-insensitive.</summary>
    public IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets a value indicating whether exporting through this connection is turned off.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool IsExportDeactivated { get; set; }

    /// <summary>Gets or sets a value indicating whether fulfilling orders through this connection is turned off.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool IsFulfillDeactivated { get; set; }
}
