namespace IdentitySync.Synchronization;

/// <summary>Host settings of the synchronization engine.</summary>
public sealed class SyncEngineOptions
{
    /// <summary>Gets the directory relative paths in connection settings are resolved against.</summary>
    /// <value>The default value is the process's current directory.</value>
    public string BaseDirectory { get; set; } = Environment.CurrentDirectory;

    /// <summary>Gets the number of rows a connection hands over at once.</summary>
    /// <value>The default value is 4096.</value>
    public int BatchSize { get; set; } = 4096;

    /// <summary>Gets the number of changes written per store call inside the one transaction.</summary>
    /// <value>The default value is 10000.</value>
    public int WriteChunkSize { get; set; } = 10_000;
}
