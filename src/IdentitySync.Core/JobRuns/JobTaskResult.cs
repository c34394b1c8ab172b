namespace IdentitySync.JobRuns;

/// <summary>The result of one task of a job run.</summary>
/// <param name="Task">The task's name.</param>
/// <param name="Status">How it ended.</param>
/// <param name="Message">What happened, in plain words.</param>
/// <param name="Duration">How long it took.</param>
public sealed record JobTaskResult(string Task, JobTaskStatus Status, string? Message, TimeSpan Duration)
{
    /// <summary>Gets what kind of failure ended a <see cref="JobTaskStatus.Failed"/> task (the command line's exit code); <see cref="FailureKind.None"/> otherwise, and in runs recorded before it was kept.</summary>
    public FailureKind Failure { get; init; }
}
