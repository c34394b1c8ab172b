using IdentitySync.ChangeSets;
using IdentitySync.Configuration;
using IdentitySync.Model;
using IdentitySync.Storage;
using IdentitySync.Synchronization;
using IdentitySync.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace IdentitySync.Tests.Synchronization;

/// <summary>What the engine gives a connection (its logger, its run's token) and how it treats a system that is unavailable.</summary>
public sealed class ConnectionRetryTests
{
    private static readonly Action<ILogger, Exception?> s_hello = LoggerMessage.Define(LogLevel.Information, new EventId(1), "hello from the package");

    private FakeTimeProvider _clock = null!;
    private InMemoryConnectionPackage _package = null!;
    private InMemoryResourceStore _store = null!;
    private FakeLogCollector _logs = null!;
    private SyncEngine _engine = null!;

    [SetUp]
    public void CreateEngine()
    {
        (_clock, _package, _store, _logs) = (new(new DateTimeOffset(2026, 12, 5, 8, 0, 0, TimeSpan.Zero)), new(), new(), new());
        var model = new IdentityModelBuilder()
            .AddEntityType("Person", static e => e.AddProperty("Id").AddProperty("Name"))
            .AddConnector("HR", static c => c
                .AddConnection("Export", "Memory")
                .MapEntityType("Person", "Export", "people", static m => m.Map("Id", "id", PropertyKey.Primary).Map("Name", "name")))
            .Build();
        _package.SetTable("people", "id;name", "1;Ann", "2;Bob");
        var factory = LoggerFactory.Create(builder => builder.AddProvider(new FakeLoggerProvider(_logs)));
        _engine = new SyncEngine(model, _store, [_package], new SyncEngineOptions(), _clock, factory);
    }

    [Test]
    public async Task Connection_GetsItsPackagesLogger_AndTheRunsToken()
    {
        using var cancellation = new CancellationTokenSource();

        await _engine.SynchronizeAsync("HR", new SyncRunOptions { Mode = SyncMode.Initial }, cancellation.Token);
        s_hello(_package.LastContext!.Logger, null);

        Assert.Multiple(() =>
        {
            Assert.That(_logs.GetSnapshot().Single(static r => r.Message == "hello from the package").Category, Is.EqualTo("IdentitySync.Connections.Memory"));
            Assert.That(_package.LastContext.RunCancellation, Is.EqualTo(cancellation.Token));
            Assert.That(_logs.GetSnapshot().Select(static r => r.Category), Has.Some.EqualTo(typeof(SyncEngine).FullName), "the engine logs under its own name");
        });
    }

    [Test]
    public async Task UnavailableTwice_IsOpenedAgainAfterTwoAndFourSeconds_AndTheRunSucceeds()
    {
        _package.UnavailableOpens = 2;

        var report = await RunAdvancingTheClockAsync();

        var retries = _logs.GetSnapshot().Where(static r => r.Id.Id == 1004).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Succeeded), report.Message);
            Assert.That(_package.OpenCount, Is.EqualTo(3));
            Assert.That(retries.Select(static r => r.Level), Is.EqualTo(new[] { LogLevel.Warning, LogLevel.Warning }));
            Assert.That(retries.Select(static r => r.StructuredState!.Single(static s => s.Key == "Delay").Value), Is.EqualTo(new[] { "00:00:02", "00:00:04" }));
            Assert.That(retries[0].Message, Does.Contain("memory:people: the system is down"));
        });
    }

    [Test]
    public async Task UnavailableThreeTimes_FailsTheRunAsSystemUnavailable_ApplyingNothing()
    {
        _package.UnavailableOpens = 3;

        var report = await RunAdvancingTheClockAsync();

        Assert.Multiple(async () =>
        {
            Assert.That((report.Outcome, report.Failure), Is.EqualTo((SyncOutcome.Failed, FailureKind.SystemUnavailable)));
            Assert.That(report.Message, Does.Contain("the system is down"));
            Assert.That(_package.OpenCount, Is.EqualTo(3));
            Assert.That(await _store.GetConnectorStateAsync("HR", CancellationToken.None), Is.Null.Or.Property("Version").EqualTo(0L));
        });
    }

    [Test]
    public async Task OtherFailures_AreNotRetried()
    {
        _package.SetTable("people", "id;name");
        var model = new IdentityModelBuilder()
            .AddEntityType("Person", static e => e.AddProperty("Id"))
            .AddConnector("HR", static c => c
                .AddConnection("Export", "Memory")
                .MapEntityType("Person", "Export", "absent", static m => m.Map("Id", "id", PropertyKey.Primary)))
            .Build();
        var engine = new SyncEngine(model, _store, [_package], new SyncEngineOptions(), _clock, LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(_logs))));

        var report = await engine.SynchronizeAsync("HR", new SyncRunOptions { Mode = SyncMode.Initial });

        Assert.Multiple(() =>
        {
            Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Failed));
            Assert.That(report.Failure, Is.Not.EqualTo(FailureKind.SystemUnavailable));
            Assert.That(_logs.GetSnapshot().Where(static r => r.Id.Id == 1004), Is.Empty);
        });
    }

    /// <summary>Runs an initial synchronization, moving the fake clock a second at a time while it waits.</summary>
    private async Task<SyncReport> RunAdvancingTheClockAsync()
    {
        var run = _engine.SynchronizeAsync("HR", new SyncRunOptions { Mode = SyncMode.Initial });
        for (var i = 0; i < 1000 && !run.IsCompleted; i++)
        {
            await Task.Delay(5);
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        return await run.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
