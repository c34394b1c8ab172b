namespace IdentitySync.Synchronization;

/// <summary>The steps of a synchronization, for progress.</summary>
public enum SyncStep
{
    /// <summary>Export and prepare: reading the tables.</summary>
    Read,

    /// <summary>Computing the change set and checking thresholds.</summary>
    Diff,

    /// <summary>Writing the change set in one transaction.</summary>
    Apply,
}
