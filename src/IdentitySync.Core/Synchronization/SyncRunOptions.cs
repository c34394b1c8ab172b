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
}
