namespace IdentitySync.JobRuns;

/// <summary>The result of one task of a job run.</summary>
/// <param name="Task">The task's name.</param>
/// <param name="Status">How it ended.</param>
/// <param name="Message">What happened, in plain words.</param>
/// <param name="Duration">How long it took.</param>
public sealed record JobTaskResult(string Task, JobTaskStatus Status, string? Message, TimeSpan Duration);
