namespace IdentitySync.JobRuns;

/// <summary>How one task of a job ended.</summary>
public enum JobTaskStatus
{
    /// <summary>Not run (yet): the job stopped before it.</summary>
    Pending,

    /// <summary>Done.</summary>
    Succeeded,

    /// <summary>Done, with something to look at (quarantined rows, for example).</summary>
    Warning,

    /// <summary>Could not be done; the job stops.</summary>
    Failed,

    /// <summary>A threshold stopped it; the job stops and can be resumed from this task.</summary>
    Blocked,

    /// <summary>Not done on purpose (a deactivated connector).</summary>
    Skipped,
}
