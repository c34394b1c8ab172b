namespace IdentitySync.JobRuns;

/// <summary>One run of a job: its tasks' results and its log, kept in the store.</summary>
/// <param name="Id">The run's id.</param>
/// <param name="Job">The job's name.</param>
/// <param name="StartedAt">When the run started.</param>
/// <param name="Status">How it ended.</param>
/// <param name="Tasks">Every task, in order, with its result (<see cref="JobTaskStatus.Pending"/> for those not run).</param>
/// <param name="Log">Timestamped lines of what happened.</param>
public sealed record JobRun(string Id, string Job, DateTimeOffset StartedAt, JobStatus Status, IReadOnlyList<JobTaskResult> Tasks, IReadOnlyList<string> Log)
{
    /// <summary>Gets the index of the task a resume continues from: the blocked or failed one; -1 when none.</summary>
    public int ResumeIndex => Tasks.ToList().FindIndex(static t => t.Status is JobTaskStatus.Blocked or JobTaskStatus.Failed or JobTaskStatus.Pending);
}
