using IdentitySync.JobRuns;

namespace IdentitySync.Jobs;

/// <summary>How a job task ended, as the task itself reports it.</summary>
/// <param name="Status">The status.</param>
/// <param name="Message">What happened, in plain words.</param>
public sealed record JobTaskOutcome(JobTaskStatus Status, string? Message)
{
    /// <summary>Gets what kind of failure a <see cref="JobTaskStatus.Failed"/> outcome is; <see cref="FailureKind.None"/> otherwise.</summary>
    public FailureKind Failure { get; init; }
}
