using IdentitySync.JobRuns;

namespace IdentitySync.Storage;

/// <summary>Keeps job runs, so a blocked or failed job can be shown and resumed.</summary>
public interface IJobRunStore
{
    /// <summary>Takes a job's run lock: one run of a job at a time, across processes and hosts that share the store.</summary>
    /// <param name="job">The job's name.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <returns>The lock; disposing it releases it.</returns>
    /// <exception cref="JobBusyException">Another run of the job holds the lock.</exception>
    ValueTask<IAsyncDisposable> LockJobAsync(string job, CancellationToken cancellationToken);

    /// <summary>Keeps a job run, replacing the one with the same id.</summary>
    /// <param name="run">The run.</param>
    /// <param name="cancellationToken">Stops the write.</param>
    /// <returns>A task that completes when the run is saved.</returns>
    ValueTask SaveJobRunAsync(JobRun run, CancellationToken cancellationToken);

    /// <summary>Reads a job run by id.</summary>
    /// <param name="id">The run's id.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The run, or <see langword="null"/>.</returns>
    ValueTask<JobRun?> GetJobRunAsync(string id, CancellationToken cancellationToken);

    /// <summary>Reads the latest job runs, newest first.</summary>
    /// <param name="limit">The most runs to return.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The runs.</returns>
    ValueTask<IReadOnlyList<JobRun>> GetJobRunsAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Reads one job's latest run (by start), however many runs of other jobs came after it.</summary>
    /// <param name="job">The job's name (compared without case).</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The run, or <see langword="null"/> when the job never ran.</returns>
    ValueTask<JobRun?> GetLastJobRunAsync(string job, CancellationToken cancellationToken);
}
