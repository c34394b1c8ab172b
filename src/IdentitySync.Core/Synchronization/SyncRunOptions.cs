using IdentitySync.ChangeSets;

namespace IdentitySync.Synchronization;

/// <summary>How one synchronization runs.</summary>
public sealed record SyncRunOptions
{
    /// <summary>Gets the mode.</summary>
    /// <value>The default value is <see cref="SyncMode.Complete"/>.</value>
    public SyncMode Mode { get; init; } = SyncMode.Complete;

    /// <summary>Gets a value indicating whether thresholds (and the empty-input guard) are bypassed for this run.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Force { get; init; }

    /// <summary>Gets a value indicating whether the run computes and reports everything but writes nothing.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool DryRun { get; init; }

    /// <summary>
    /// Gets a value indicating whether a complete run reads and compares an export that its connections
    /// fingerprint as identical to the export last applied (under the same configuration and engine version).
    /// Otherwise such a run reads nothing and reports <see cref="SyncReport.ExportUnchanged"/>.
    /// </summary>
    /// <value>The default value is <see langword="false"/>: an unchanged export is skipped.</value>
    public bool ReadUnchanged { get; init; }

    /// <summary>Gets what is told where the run is: after every batch of rows read, and when diff and apply start.</summary>
    /// <value>The default value is <see langword="null"/>: nobody is told.</value>
    public IProgress<SyncProgress>? Progress { get; init; }

    /// <summary>
    /// Gets a stream that receives every row the run quarantines, one JSON object a line (connector, source,
    /// line, key, reason), in source then line order, before anything is applied; the report lists only the first
    /// <see cref="SyncEngineOptions.ReportedQuarantinedRows"/> of each table. The stream is written to, flushed
    /// and left open: several runs can share it. A stream that cannot be written fails the run, with nothing applied.
    /// </summary>
    public Stream? QuarantineOutput { get; init; }
}
