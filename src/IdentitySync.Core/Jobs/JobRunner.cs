using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using IdentitySync.Connections;
using IdentitySync.Diagnostics;
using IdentitySync.JobRuns;
using IdentitySync.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IdentitySync.Jobs;

/// <summary>
/// Runs a job's tasks in order, with progress and cancellation. A failed or blocked task stops the
/// job; a blocked run resumes from that task. Runs are kept in the store. A job runs at most once at a
/// time across processes and hosts that share the store (its lock), and a task never runs twice at once
/// in this process (synchronizations are also locked per connector across processes).
/// </summary>
public sealed partial class JobRunner
{
    private static readonly ConcurrentDictionary<string, byte> s_running = new(StringComparer.OrdinalIgnoreCase);
    private readonly IJobRunStore _store;
    private readonly TimeProvider _timeProvider;

    private readonly SecretRedactor _secrets;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="JobRunner"/> class.</summary>
    /// <param name="store">Where runs are kept.</param>
    /// <param name="timeProvider">The clock; the system clock when <see langword="null"/>.</param>
    /// <param name="secrets">
    /// Masks secrets in what the run records (a task's message, its log): build it with
    /// <see cref="SecretRedactor.For"/> from the model and packages the tasks use. None when <see langword="null"/>.
    /// </param>
    /// <param name="logger">The logger; none when <see langword="null"/>.</param>
    public JobRunner(IJobRunStore store, TimeProvider? timeProvider = null, SecretRedactor? secrets = null, ILogger<JobRunner>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _secrets = secrets ?? SecretRedactor.None;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Runs a job from its first task.</summary>
    /// <param name="job">The job's name.</param>
    /// <param name="tasks">The tasks, in order.</param>
    /// <param name="progress">Told when each task starts and ends.</param>
    /// <param name="cancellationToken">Cancels the run; the tasks after the running one do not run.</param>
    /// <returns>The run, as kept in the store.</returns>
    /// <exception cref="JobBusyException">The job is already running, here or on another host sharing the store.</exception>
    public Task<JobRun> RunAsync(string job, IReadOnlyList<IJobTask> tasks, IProgress<JobProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        var id = _timeProvider.GetUtcNow().ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8];
        var results = tasks.Select(static t => new JobTaskResult(t.Name, JobTaskStatus.Pending, null, TimeSpan.Zero)).ToList();
        return ExecuteAsync(new JobRun(id, job, _timeProvider.GetUtcNow(), JobStatus.Succeeded, results, []), tasks, 0, resuming: false, resumeTask: false, progress, cancellationToken);
    }

    /// <summary>Continues a blocked or failed run from the task that stopped it (a blocked synchronization applies its staged change set).</summary>
    /// <param name="run">The run to continue.</param>
    /// <param name="tasks">The same tasks, in the same order.</param>
    /// <param name="progress">Told when each task starts and ends.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The continued run, kept in the store under the same id.</returns>
    public Task<JobRun> ResumeAsync(JobRun run, IReadOnlyList<IJobTask> tasks, IProgress<JobProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(tasks);
        if (run.ResumeIndex < 0 || run.Status is JobStatus.Succeeded)
        {
            throw new IdentitySyncException($"Job run {run.Id} ended {run.Status}; only a blocked, failed or cancelled run can be resumed.");
        }

        if (!tasks.Select(static t => t.Name).SequenceEqual(run.Tasks.Select(static t => t.Task), StringComparer.Ordinal))
        {
            throw new IdentitySyncException($"Job run {run.Id} had the tasks {string.Join(", ", run.Tasks.Select(static t => t.Task))}; resume it with the same tasks.");
        }

        var index = run.ResumeIndex;
        return ExecuteAsync(run, tasks, index, resuming: true, resumeTask: run.Tasks[index].Status == JobTaskStatus.Blocked, progress, cancellationToken);
    }

    private async Task<JobRun> ExecuteAsync(JobRun run, IReadOnlyList<IJobTask> tasks, int start, bool resuming, bool resumeTask, IProgress<JobProgress>? progress, CancellationToken cancellationToken)
    {
        // Refused before anything is recorded: the run that holds the lock owns the job's history. Taking
        // it never waits, so a run cancelled from the start still records that it was cancelled.
        var jobLock = await _store.LockJobAsync(run.Job, CancellationToken.None).ConfigureAwait(false);
        await using (jobLock.ConfigureAwait(false))
        {
            return await ExecuteLockedAsync(run, tasks, start, resuming, resumeTask, progress, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<JobRun> ExecuteLockedAsync(JobRun run, IReadOnlyList<IJobTask> tasks, int start, bool resuming, bool resumeTask, IProgress<JobProgress>? progress, CancellationToken cancellationToken)
    {
        using var activity = IdentitySyncTelemetry.Start("identitysync.job", IdentitySyncTelemetry.Tag("identitysync.job", run.Job), IdentitySyncTelemetry.Tag("identitysync.job_run", run.Id));
        var clock = _timeProvider.GetTimestamp();
        LogJobStarted(_logger, run.Job, run.Id, start);
        var ended = await ExecuteTasksAsync(run, tasks, start, resuming, resumeTask, progress, cancellationToken).ConfigureAwait(false);
        activity?.SetTag("identitysync.status", ended.Status.ToString());
        if (ended.Status is JobStatus.Failed)
        {
            activity?.SetStatus(ActivityStatusCode.Error);
        }

        IdentitySyncTelemetry.JobDuration.Record(_timeProvider.GetElapsedTime(clock).TotalSeconds, IdentitySyncTelemetry.Tag("identitysync.job", run.Job), IdentitySyncTelemetry.Tag("identitysync.status", ended.Status.ToString()));
        LogJobEnded(_logger, run.Job, run.Id, ended.Status);
        return ended;
    }

    private async Task<JobRun> ExecuteTasksAsync(JobRun run, IReadOnlyList<IJobTask> tasks, int start, bool resuming, bool resumeTask, IProgress<JobProgress>? progress, CancellationToken cancellationToken)
    {
        var results = run.Tasks.ToList();
        var log = run.Log.ToList();
        var status = JobStatus.Succeeded;
        Log(log, resuming ? $"Job {run.Job} resumed from task {start + 1}, {tasks[start].Name}." : $"Job {run.Job} started ({tasks.Count} tasks).");
        for (var i = start; i < tasks.Count; i++)
        {
            var task = tasks[i];
            if (!s_running.TryAdd(task.Name, 0))
            {
                results[i] = new JobTaskResult(task.Name, JobTaskStatus.Failed, $"'{task.Name}' is already running in another job.", TimeSpan.Zero);
                Log(log, $"{task.Name}: Failed: already running in another job.");
                status = JobStatus.Failed;
                break;
            }

            var began = _timeProvider.GetTimestamp();
            using var taskActivity = IdentitySyncTelemetry.Start("identitysync.job.task", IdentitySyncTelemetry.Tag("identitysync.task", task.Name));
            progress?.Report(new JobProgress(i, tasks.Count, task.Name, JobTaskStatus.Pending));
            try
            {
                var outcome = resumeTask && i == start
                    ? await task.ResumeAsync(cancellationToken).ConfigureAwait(false)
                    : await task.RunAsync(cancellationToken).ConfigureAwait(false);
                var (taskStatus, message) = (outcome.Status, _secrets.Redact(outcome.Message));
                results[i] = new JobTaskResult(task.Name, taskStatus, message, _timeProvider.GetElapsedTime(began))
                {
                    Failure = taskStatus == JobTaskStatus.Failed && outcome.Failure == FailureKind.None ? FailureKind.Failed : outcome.Failure,
                };
                Log(log, $"{task.Name}: {taskStatus}{(message is null ? string.Empty : ": " + message)}");
                progress?.Report(new JobProgress(i, tasks.Count, task.Name, taskStatus));
                status = taskStatus switch
                {
                    JobTaskStatus.Failed => JobStatus.Failed,
                    JobTaskStatus.Blocked => JobStatus.Blocked,
                    _ => status,
                };
            }
            catch (OperationCanceledException)
            {
                results[i] = new JobTaskResult(task.Name, JobTaskStatus.Failed, "Cancelled; nothing of it was applied.", _timeProvider.GetElapsedTime(began)) { Failure = FailureKind.Cancelled };
                Log(log, $"{task.Name}: cancelled.");
                status = JobStatus.Cancelled;
            }
            catch (IdentitySyncException exception)
            {
                var message = _secrets.Redact(exception.Message);
                results[i] = new JobTaskResult(task.Name, JobTaskStatus.Failed, message, _timeProvider.GetElapsedTime(began)) { Failure = exception.Kind };
                Log(log, $"{task.Name}: Failed: {message}");
                status = JobStatus.Failed;
            }
            catch (Exception exception)
            {
                // Whatever a task or a package throws, the job run records it and can be resumed from this task.
                var message = _secrets.Redact($"{exception.Message} ({exception.GetType().Name}); nothing of it was applied.");
                results[i] = new JobTaskResult(task.Name, JobTaskStatus.Failed, message, _timeProvider.GetElapsedTime(began)) { Failure = FailureKind.Failed };
                Log(log, $"{task.Name}: Failed: {message}");
                status = JobStatus.Failed;
            }
            finally
            {
                s_running.TryRemove(task.Name, out _);
            }

            taskActivity?.SetTag("identitysync.status", results[i].Status.ToString());
            LogTaskEnded(_logger, run.Job, task.Name, results[i].Status, results[i].Failure);

            if (status != JobStatus.Succeeded)
            {
                break;
            }
        }

        Log(log, $"Job {run.Job} ended {status}.");
        var ended = run with { Status = status, Tasks = results, Log = log };
        await _store.SaveJobRunAsync(ended, CancellationToken.None).ConfigureAwait(false);
        return ended;
    }

    private void Log(List<string> log, string line) =>
        log.Add(_timeProvider.GetUtcNow().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) + " " + line);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Job {Job} run {RunId} started at task {Start}")]
    private static partial void LogJobStarted(ILogger logger, string job, string runId, int start);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Job {Job} task {Task} ended {Status} ({Failure})")]
    private static partial void LogTaskEnded(ILogger logger, string job, string task, JobTaskStatus status, FailureKind failure);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Job {Job} run {RunId} ended {Status}")]
    private static partial void LogJobEnded(ILogger logger, string job, string runId, JobStatus status);
}
