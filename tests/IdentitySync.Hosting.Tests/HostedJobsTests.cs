using IdentitySync.JobRuns;
using IdentitySync.Model;
using IdentitySync.Storage;
using IdentitySync.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace IdentitySync.Hosting.Tests;

/// <summary>The hosted jobs on a fake clock: schedules, the catch-up rule, graceful stop, health and bad settings.</summary>
public sealed class HostedJobsTests
{
    private static readonly DateTimeOffset s_start = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task CronJob_RunsAtItsOccurrence_InItsTimeZone_AndIsHealthy()
    {
        await using var host = Host(job => (job.Schedule, job.TimeZone) = ("0 2 * * *", "Europe/Paris"));
        await host.StartAsync();

        var ended = host.NextRun();
        await host.WaitingAsync(1);
        host.Clock.Advance(TimeSpan.FromHours(14) + TimeSpan.FromMinutes(59));
        await Task.Delay(50);
        Assert.That(ended.IsCompleted, Is.False, "02:00 in Paris is 01:00 UTC, not yet");
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var run = await ended.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Multiple(async () =>
        {
            Assert.That((run.Job, run.Status), Is.EqualTo(("nightly", JobStatus.Succeeded)));
            Assert.That(run.StartedAt, Is.EqualTo(new DateTimeOffset(2026, 12, 2, 1, 0, 0, TimeSpan.Zero)));
            Assert.That(run.Tasks.Select(static t => t.Task), Is.EqualTo(new[] { "synchronize HR" }));
            Assert.That((await host.HealthAsync()).Status, Is.EqualTo(HealthStatus.Healthy));
        });
    }

    [TestCase(true, 0)]
    [TestCase(false, 16)]
    public async Task AfterARestart_AMissedRunCatchesUpOnce_OrWaitsForTheNextOccurrence(bool runMissed, int hoursUntilRun)
    {
        // The last run was the day before yesterday at 02:00: two 02:00 occurrences were missed.
        await using var host = Host(job => (job.Schedule, job.RunMissed) = ("0 2 * * *", runMissed));
        await host.Store.SaveJobRunAsync(new JobRun("earlier", "nightly", s_start.AddDays(-2).AddHours(-8), JobStatus.Succeeded, [], []), CancellationToken.None);
        var ended = host.NextRun();

        await host.StartAsync();
        if (hoursUntilRun > 0)
        {
            // Advance only once the service waits: a clock moved before it read "now" would be a later start.
            await host.WaitingAsync(1);
            Assert.That(ended.IsCompleted, Is.False);
            host.Clock.Advance(TimeSpan.FromHours(hoursUntilRun));
        }

        var run = await ended.WaitAsync(TimeSpan.FromSeconds(30));
        var second = host.NextRun();
        await host.WaitingAsync(2);

        Assert.Multiple(() =>
        {
            Assert.That(run.StartedAt, Is.EqualTo(s_start.AddHours(hoursUntilRun)));
            Assert.That(second.IsCompleted, Is.False, "one catch-up run, not one per missed occurrence");
        });
    }

    [Test]
    public async Task IntervalJob_RunsAtStart_ThenAfterEachInterval_NeverTwiceAtOnce()
    {
        await using var host = Host(static job => job.Interval = TimeSpan.FromHours(1));
        var first = host.NextRun();
        await host.StartAsync();
        await first.WaitAsync(TimeSpan.FromSeconds(30));
        var second = host.NextRun();
        await host.WaitingAsync(2);
        host.Clock.Advance(TimeSpan.FromMinutes(59));
        await Task.Delay(50);
        Assert.That(second.IsCompleted, Is.False);
        host.Clock.Advance(TimeSpan.FromMinutes(1));

        var run = await second.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(run.StartedAt, Is.EqualTo(s_start.AddHours(1)));
    }

    [Test]
    public async Task Stopping_CancelsTheRunningTask_WhichIsRecordedResumable()
    {
        await using var host = Host(static job => job.Interval = TimeSpan.FromHours(1), slowExport: true);
        var ended = host.NextRun();
        await host.StartAsync();
        await host.Package.ReadStarted.WaitAsync(TimeSpan.FromSeconds(30));

        await host.Service.StopAsync(CancellationToken.None);
        var run = await ended.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Multiple(async () =>
        {
            Assert.That(run.Status, Is.EqualTo(JobStatus.Cancelled));
            Assert.That(run.ResumeIndex, Is.Zero, "resumable from the cancelled task");
            Assert.That((await host.HealthAsync()).Status, Is.EqualTo(HealthStatus.Unhealthy));
        });
    }

    [TestCase("0 2 * *", "Europe/Paris", "Jobs[nightly].Schedule: '0 2 * *' is not a cron expression")]
    [TestCase("0 2 * * *", "Mars/Olympus", "Jobs[nightly].TimeZone: 'Mars/Olympus' is not a time zone of this system")]
    [TestCase(null, "UTC", "Jobs[nightly]: give either Schedule (a cron expression such as '0 2 * * *') or Interval (such as '01:00:00'), not neither")]
    public async Task BadSchedule_StopsTheHostAtStart_NamingTheJob(string? schedule, string zone, string message)
    {
        await using var host = Host(job => (job.Schedule, job.TimeZone) = (schedule, zone));

        var exception = Assert.Throws<OptionsValidationException>(() => _ = host.Provider.GetRequiredService<IOptions<HostedJobsOptions>>().Value);

        Assert.That(exception!.Failures, Has.Some.StartWith(message));
    }

    [Test]
    public async Task UnknownConnector_FailsTheServiceAtStart_NamingIt()
    {
        await using var host = Host(static job =>
        {
            job.Interval = TimeSpan.FromHours(1);
            job.Connectors.Add("Payroll");
        });

        await host.StartAsync();
        var exception = Assert.ThrowsAsync<InvalidOperationException>(() => host.Service.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.That(exception!.Message, Is.EqualTo("Jobs[nightly].Connectors: the model has no connector 'Payroll'; it has HR."));
    }

    private static TestHost Host(Action<HostedJobOptions> configure, bool slowExport = false) => new(configure, slowExport);

    private sealed class TestHost : IAsyncDisposable
    {
        public TestHost(Action<HostedJobOptions> configure, bool slowExport)
        {
            Package = new SlowPackage(slowExport);
            Package.Inner.SetTable("people", "id;name", ["1;Ann", "2;Bob"]);
            var services = new ServiceCollection().AddLogging();
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton<ILogger<IdentitySyncJobService>>(_logger);
            services.AddIdentitySync(b => b
                .ConfigureModel(static m => m
                    .AddEntityType("Person", static e => e.AddProperty("Id").AddProperty("Name"))
                    .AddConnector("HR", static c => c
                        .AddConnection("People", "Memory")
                        .MapEntityType("Person", "People", "people", static m => m.Map("Id", "id", PropertyKey.Primary).Map("Name", "name"))))
                .AddConnectionPackage(Package)
                .UseInMemoryStore()
                .AddHostedJobs(o =>
                {
                    var job = new HostedJobOptions { Name = "nightly" };
                    configure(job);
                    o.Jobs.Add(job);
                }));
            services.AddHealthChecks().AddIdentitySyncJobs();
            Provider = services.BuildServiceProvider();
        }

        public FakeTimeProvider Clock { get; } = new(s_start);

        public SlowPackage Package { get; }

        public ServiceProvider Provider { get; }

        public IdentitySyncJobService Service => Provider.GetRequiredService<IdentitySyncJobService>();

        public IJobRunStore Store => Provider.GetRequiredService<IJobRunStore>();

        private readonly FakeLogger<IdentitySyncJobService> _logger = new();
        private bool _started;

        public Task StartAsync()
        {
            _started = true;
            return Service.StartAsync(CancellationToken.None);
        }

        /// <summary>Returns once the service has announced its <paramref name="count"/>th wait for a run (event 5101).</summary>
        public async Task WaitingAsync(int count)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (_logger.Collector.GetSnapshot().Count(static r => r.Id.Id == 5101) < count)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"The service did not wait for a run {count} time(s) within 30 s.");
                }

                await Task.Delay(10);
            }
        }

        /// <summary>The next run to end, from now on.</summary>
        public Task<JobRun> NextRun()
        {
            var next = new TaskCompletionSource<JobRun>(TaskCreationOptions.RunContinuationsAsynchronously);
            Service.RunEnded += Ended;
            return next.Task;

            void Ended(object? sender, JobRun run)
            {
                Service.RunEnded -= Ended;
                next.TrySetResult(run);
            }
        }

        public async Task<HealthReport> HealthAsync() => await Provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        public async ValueTask DisposeAsync()
        {
            if (_started)
            {
                await Service.StopAsync(CancellationToken.None);
            }

            await Provider.DisposeAsync();
        }
    }

    /// <summary>The in-memory package, with an export that can hang until it is cancelled.</summary>
    private sealed class SlowPackage(bool slow) : Connections.IConnectionPackage
    {
        private readonly TaskCompletionSource _readStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public InMemoryConnectionPackage Inner { get; } = new();

        public Task ReadStarted => _readStarted.Task;

        public string Id => Inner.Id;

        public Connections.ConnectionCapabilities Capabilities => Inner.Capabilities;

        public IReadOnlyList<Connections.ConnectionSetting> Settings => Inner.Settings;

        public IReadOnlyList<string> ValidateSettings(Connection connection) => Inner.ValidateSettings(connection);

        public Connections.IExportConnection CreateExportConnection(Connection connection, Connections.ConnectionContext context) =>
            slow ? new Hanging(_readStarted) : Inner.CreateExportConnection(connection, context);

        private sealed class Hanging(TaskCompletionSource started) : Connections.IExportConnection
        {
            public async ValueTask<Connections.IExportTableReader> OpenTableAsync(Connections.ExportRequest request, CancellationToken cancellationToken)
            {
                started.TrySetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
                throw new InvalidOperationException("never reached");
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
