namespace IdentitySync.JobRuns;

/// <summary>How a job run ended.</summary>
public enum JobStatus
{
    /// <summary>Every task succeeded, warned or was skipped.</summary>
    Succeeded,

    /// <summary>A task failed; the tasks after it did not run.</summary>
    Failed,

    /// <summary>A task was blocked; resume the run to continue from it.</summary>
    Blocked,

    /// <summary>The run was cancelled; the tasks after the running one did not run.</summary>
    Cancelled,
}
