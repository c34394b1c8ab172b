using System.Collections.Concurrent;
using IdentitySync.Categorization;
using IdentitySync.JobRuns;
using IdentitySync.Jobs;
using IdentitySync.Model;
using IdentitySync.Provisioning;
using IdentitySync.Storage;
using IdentitySync.Synchronization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace IdentitySync.Hosting;

/// <summary>
/// Runs the configured jobs in a host: each on its cron schedule (in its time zone) or interval, one run of a
/// job at a time (the store's job lock also keeps other hosts out), stopping gracefully on shutdown (the
/// cancellation reaches the running task, and the job run records it as cancelled and resumable).
/// </summary>
/// <remarks>
/// After a restart, a scheduled run missed while the host was down runs once at start when
/// <see cref="HostedJobOptions.RunMissed"/> (the default): however many occurrences were missed, one run
/// catches up, then the schedule goes on. A job's last run is read from the store at start, so the rule holds
/// across restarts and hosts.
/// </remarks>
public sealed partial class IdentitySyncJobService : BackgroundService
{
    private readonly IServiceProvider _services;
    private readonly HostedJobsOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, JobRun> _lastRuns = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Initializes a new instance of the <see cref="IdentitySyncJobService"/> class.</summary>
    /// <param name="services">Where the engines, the job runner and the store are resolved.</param>
    /// <param name="options">The jobs.</param>
    /// <param name="timeProvider">The clock; the system clock when <see langword="null"/>.</param>
    /// <param name="logger">The logger.</param>
    public IdentitySyncJobService(IServiceProvider services, IOptions<HostedJobsOptions> options, TimeProvider? timeProvider = null, ILogger<IdentitySyncJobService>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        _services = services;
        _options = options.Value;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Occurs as a job's tasks start and end.</summary>
    public event EventHandler<JobProgress>? Progressed;

    /// <summary>Occurs when a job run ends, however it ended.</summary>
    public event EventHandler<JobRun>? RunEnded;

    /// <summary>Gets the last run of each job, by the job's name: read from the store at start, then kept as runs end.</summary>
    public IReadOnlyDictionary<string, JobRun> LastRuns => _lastRuns;

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A job naming a connector the model lacks stops the host now, not at its first occurrence.
        var model = _services.GetRequiredService<IdentityModel>();
        foreach (var job in _options.Jobs)
        {
            foreach (var connector in job.Connectors.Where(c => !model.Connectors.Any(m => string.Equals(m.Name, c, StringComparison.OrdinalIgnoreCase))))
            {
                throw new InvalidOperationException($"Jobs[{job.Name}].Connectors: the model has no connector '{connector}'; it has {string.Join(", ", model.Connectors.Select(static c => c.Name))}.");
            }
        }

        return Task.WhenAll(_options.Jobs.Select(job => LoopAsync(job, JobSchedule.TryCreate(job, out _)!, stoppingToken)));
    }

    private async Task LoopAsync(HostedJobOptions job, JobSchedule schedule, CancellationToken stoppingToken)
    {
        try
        {
            var last = await LastRunAsync(job.Name, stoppingToken).ConfigureAwait(false);
            var now = _timeProvider.GetUtcNow();
            var next = First(job, schedule, last, now);
            if (last is not null && next == now)
            {
                LogCatchingUp(_logger, job.Name, last.StartedAt);
            }

            while (next is { } at)
            {
                LogNextRun(_logger, job.Name, at);
                await WaitUntilAsync(at, stoppingToken).ConfigureAwait(false);
                // The next occurrence counts from the moment the run ended, read before anyone hears of the end.
                next = schedule.Next(await RunOnceAsync(job, stoppingToken).ConfigureAwait(false));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    /// <summary>
    /// The first run after a start: the occurrence due after the last run; now, once, if that was missed and
    /// <see cref="HostedJobOptions.RunMissed"/>; an interval job never run starts now, a scheduled one waits.
    /// </summary>
    private static DateTimeOffset? First(HostedJobOptions job, JobSchedule schedule, JobRun? last, DateTimeOffset now)
    {
        if (last is null)
        {
            return job.Interval is null ? schedule.Next(now) : now;
        }

        var due = schedule.Next(last.StartedAt);
        return due is null || due > now ? due : job.RunMissed ? now : schedule.Next(now);
    }

    private async Task WaitUntilAsync(DateTimeOffset at, CancellationToken stoppingToken)
    {
        // In steps of at most a day: a timer cannot wait years, and the clock may be changed under it.
        for (var wait = at - _timeProvider.GetUtcNow(); wait > TimeSpan.Zero; wait = at - _timeProvider.GetUtcNow())
        {
            await Task.Delay(wait < TimeSpan.FromDays(1) ? wait : TimeSpan.FromDays(1), _timeProvider, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs the job once and returns when it ended.</summary>
    private async Task<DateTimeOffset> RunOnceAsync(HostedJobOptions job, CancellationToken stoppingToken)
    {
        var model = _services.GetRequiredService<IdentityModel>();
        var provisioning = job.Provision && StandardJob.Provisions(model) ? _services.GetRequiredService<ProvisioningEngine>() : null;
        var tasks = StandardJob.Create(
            model,
            _services.GetRequiredService<SyncEngine>(),
            _services.GetRequiredService<CategorizationEngine>(),
            provisioning,
            job.Connectors.Count > 0 ? job.Connectors : null,
            job.Mode,
            job.Provision);
        try
        {
            var run = await _services.GetRequiredService<JobRunner>()
                .RunAsync(job.Name, tasks, new Progress(this), stoppingToken)
                .ConfigureAwait(false);
            var ended = _timeProvider.GetUtcNow();
            _lastRuns[job.Name] = run;
            RunEnded?.Invoke(this, run);
            return ended;
        }
        catch (JobBusyException exception)
        {
            LogBusy(_logger, job.Name, exception.Message);
            return _timeProvider.GetUtcNow();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A job that cannot run this time (a store down) is tried at its next occurrence; the host goes on.
            LogRunFailed(_logger, job.Name, exception);
            return _timeProvider.GetUtcNow();
        }
    }

    private async Task<JobRun?> LastRunAsync(string job, CancellationToken cancellationToken)
    {
        JobRun? last;
        try
        {
            last = await _services.GetRequiredService<IJobRunStore>().GetLastJobRunAsync(job, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A store that cannot be read at start: the job keeps its schedule and its runs will say why.
            LogRunFailed(_logger, job, exception);
            return null;
        }

        if (last is not null)
        {
            _lastRuns[job] = last;
        }

        return last;
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Hosted job {Job} runs next at {At:u}")]
    private static partial void LogNextRun(ILogger logger, string job, DateTimeOffset at);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "Hosted job {Job} missed a run since its last at {LastRun:u}: it runs once now")]
    private static partial void LogCatchingUp(ILogger logger, string job, DateTimeOffset lastRun);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Warning, Message = "Hosted job {Job} did not start: {Reason}")]
    private static partial void LogBusy(ILogger logger, string job, string reason);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Error, Message = "Hosted job {Job} could not run; it is tried again at its next occurrence")]
    private static partial void LogRunFailed(ILogger logger, string job, Exception exception);

    private sealed class Progress(IdentitySyncJobService service) : IProgress<JobProgress>
    {
        public void Report(JobProgress value) => service.Progressed?.Invoke(service, value);
    }
}
