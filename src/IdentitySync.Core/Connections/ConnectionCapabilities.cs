namespace IdentitySync.Connections;

/// <summary>What a connection package can do.</summary>
[Flags]
public enum ConnectionCapabilities
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>Exports a complete snapshot of its tables.</summary>
    ExportComplete = 1,

    /// <summary>Exports the changes since the previous export (a native delta).</summary>
    ExportIncremental = 2,

    /// <summary>Applies provisioning orders to the managed system.</summary>
    Fulfill = 4,

    /// <summary>What it fulfills can be verified by a later export.</summary>
    Verifiable = 8,

    /// <summary>
    /// Its export connection may have several tables open and read at once, from different threads (a
    /// synchronization then reads them side by side, one per core).
    /// </summary>
    ConcurrentTables = 16,
}
