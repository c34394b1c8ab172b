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

    /// <summary>
    /// Gets the most quarantined rows a report lists per entity type or association, first lines first; the
    /// report's counts are always whole, and <see cref="SyncRunOptions.QuarantineOutput"/> receives every row.
    /// Zero lists none; a negative value is taken as zero.
    /// </summary>
    /// <value>The default value is 1000.</value>
    public int ReportedQuarantinedRows { get; set; } = 1_000;
}
