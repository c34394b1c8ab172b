using IdentitySync.JobRuns;

namespace IdentitySync.Jobs;

/// <summary>Where a job run is: reported when each task starts and ends.</summary>
/// <param name="TaskIndex">The task's position, from 0.</param>
/// <param name="TaskCount">The number of tasks.</param>
/// <param name="Task">The task's name.</param>
/// <param name="Status">Pending while it runs, then its result.</param>
public sealed record JobProgress(int TaskIndex, int TaskCount, string Task, JobTaskStatus Status);
