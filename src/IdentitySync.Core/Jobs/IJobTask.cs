namespace IdentitySync.Jobs;

/// <summary>One step of a job: synchronize a connector, and later categorize, generate orders, fulfill, verify.</summary>
public interface IJobTask
{
    /// <summary>Gets the task's name, unique in its job, such as <c>synchronize AD</c>.</summary>
    string Name { get; }

    /// <summary>Runs the task.</summary>
    /// <param name="cancellationToken">Cancels the task.</param>
    /// <returns>How it ended, with a message.</returns>
    Task<JobTaskOutcome> RunAsync(CancellationToken cancellationToken);

    /// <summary>Continues the task after it was blocked (for a synchronization, applies the staged change set).</summary>
    /// <param name="cancellationToken">Cancels the task.</param>
    /// <returns>How it ended, with a message.</returns>
    Task<JobTaskOutcome> ResumeAsync(CancellationToken cancellationToken);
}
