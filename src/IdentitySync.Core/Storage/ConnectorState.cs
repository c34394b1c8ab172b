using IdentitySync.ChangeSets;

namespace IdentitySync.Storage;

/// <summary>What the store keeps about a connector's synchronizations.</summary>
public sealed record ConnectorState
{
    /// <summary>Initializes a new instance of the <see cref="ConnectorState"/> class.</summary>
    /// <param name="version">Increments with every applied change set; a change set computed against another version is refused.</param>
    /// <param name="lastBatchId">The id of the last applied batch.</param>
    /// <param name="incrementalBatchIds">The ids of incremental batches applied since the last complete one.</param>
    /// <param name="blocked">The change set a threshold blocked, kept for inspection, resume or abandon.</param>
    public ConnectorState(long version, string? lastBatchId, IReadOnlyList<string> incrementalBatchIds, ChangeSet? blocked)
    {
        Version = version;
        LastBatchId = lastBatchId;
        IncrementalBatchIds = incrementalBatchIds;
        Blocked = blocked;
    }

    /// <summary>Gets the state of a connector that was never synchronized.</summary>
    public static ConnectorState Empty { get; } = new(0, null, [], null);

    /// <summary>Gets the version: it increments with every applied change set.</summary>
    public long Version { get; init; }

    /// <summary>Gets the id of the last applied batch.</summary>
    public string? LastBatchId { get; init; }

    /// <summary>Gets the ids of incremental batches applied since the last complete one.</summary>
    public IReadOnlyList<string> IncrementalBatchIds { get; init; }

    /// <summary>Gets the change set a threshold blocked, if any.</summary>
    public ChangeSet? Blocked { get; init; }

    /// <summary>
    /// Gets the fingerprint of the complete export last applied, with the configuration it was prepared
    /// under; <see langword="null"/> when unknown (a connection that cannot fingerprint, rows quarantined,
    /// a file that changed while read) or when anything else was applied since.
    /// </summary>
    public string? ExportFingerprint { get; init; }

    /// <summary>
    /// Gets the watermark of each table as of the last applied change set: what the next export of that
    /// table is handed (<see cref="Connections.ExportRequest.Watermark"/>). A failed, cancelled or abandoned run
    /// does not move it; a blocked change set carries its own and moves it when resumed.
    /// </summary>
    public IReadOnlyList<TableWatermark> Watermarks { get; init; } = [];
}
