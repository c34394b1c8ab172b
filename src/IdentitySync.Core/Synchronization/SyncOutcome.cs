namespace IdentitySync.Synchronization;

/// <summary>How a synchronization ended.</summary>
public enum SyncOutcome
{
    /// <summary>The change set was applied (or, in a dry run, would have been).</summary>
    Succeeded,

    /// <summary>A threshold was exceeded: nothing was applied and the change set is kept for resume or abandon.</summary>
    Blocked,

    /// <summary>The run could not complete; nothing was applied.</summary>
    Failed,

    /// <summary>The run did nothing on purpose (a deactivated or blocked connector, a batch already applied).</summary>
    Skipped,
}
