using IdentitySync.JobRuns;

namespace IdentitySync.Storage;

/// <summary>Keeps job runs, so a blocked or failed job can be shown and resumed.</summary>
public interface IJobRunStore
{
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

}
