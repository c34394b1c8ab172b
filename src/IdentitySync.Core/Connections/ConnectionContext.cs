namespace IdentitySync.Connections;

/// <summary>What a connection may use from its host.</summary>
public sealed record ConnectionContext
{
    /// <summary>Initializes a new instance of the <see cref="ConnectionContext"/> class.</summary>
    /// <param name="connector">The name of the connector the connection belongs to.</param>
    /// <param name="baseDirectory">The directory relative paths in settings are resolved against.</param>
    /// <param name="timeProvider">The clock.</param>
    public ConnectionContext(string connector, string baseDirectory, TimeProvider timeProvider)
    {
        Connector = connector;
        BaseDirectory = baseDirectory;
        TimeProvider = timeProvider;
    }

    /// <summary>Gets the name of the connector the connection belongs to.</summary>
    public string Connector { get; }

    /// <summary>Gets the directory relative paths in settings are resolved against.</summary>
    public string BaseDirectory { get; }

    /// <summary>Gets the clock.</summary>
    public TimeProvider TimeProvider { get; }
}
