namespace IdentitySync.Synchronization;

/// <summary>How long each step of a synchronization took.</summary>
/// <param name="Read">Export and prepare: reading, parsing and digesting the rows.</param>
/// <param name="Diff">Computing the change set and checking thresholds.</param>
/// <param name="Apply">Writing the change set in one transaction.</param>
/// <param name="Total">The whole run.</param>
public sealed record SyncDurations(TimeSpan Read, TimeSpan Diff, TimeSpan Apply, TimeSpan Total);
