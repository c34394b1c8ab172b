using IdentitySync.Testing;
using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using IdentitySync.Categorization;
using IdentitySync.Diagnostics;
using IdentitySync.Jobs;
using IdentitySync.Provisioning;
using IdentitySync.Synchronization;
using IdentitySync.Tests.Provisioning;
using IdentitySync.Tests.Synchronization;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace IdentitySync.Tests.Diagnostics;

/// <summary>
/// Logs, traces and metrics as an embedder sees them: every log event has a stable id in its component's
/// range and is listed in docs/observability.md; a run has a span and each stage a span under it;
/// instruments are tagged by connector and type, never by a resource's key, nor is a key logged above Debug.
/// </summary>
public sealed partial class ObservabilityTests
{
    // The ranges of docs/observability.md, by the namespace that logs.
    private static readonly Dictionary<string, (int From, int To)> s_ranges = new(StringComparer.Ordinal)
    {
        ["IdentitySync.Synchronization"] = (1000, 1999),
        ["IdentitySync.Categorization"] = (2000, 2999),
        ["IdentitySync.Provisioning"] = (3000, 4999),
        ["IdentitySync.Jobs"] = (5000, 5099),
        ["IdentitySync.Hosting"] = (5100, 5199),
        ["IdentitySync.Storage"] = (6000, 6999),
        ["IdentitySync.Storage.Sqlite"] = (6000, 6099),
        ["IdentitySync.Storage.PostgreSql"] = (6100, 6199),
    };

    [Test]
    public void EveryLogEvent_HasAUniqueIdInItsComponentsRange_ListedInTheDocs()
    {
        var events = new[] { typeof(IdentitySyncTelemetry).Assembly, typeof(Hosting.IdentitySyncJobService).Assembly, typeof(IdentitySync.Storage.Sqlite.SqliteResourceStore).Assembly, typeof(IdentitySync.Storage.PostgreSql.PostgreSqlResourceStore).Assembly }
            .SelectMany(static a => a.GetTypes())
            .SelectMany(static t => t.GetMethods(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.DeclaredOnly)
                .Select(m => (Type: t, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>())))
            .Where(static e => e.Attribute is not null)
            .Select(static e => (e.Type, Id: e.Attribute!.EventId, e.Attribute.Message))
            .ToList();
        var docs = RepositoryFiles.Read("docs/observability.md");
        var listed = DocumentedId().Matches(docs).Select(static m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();

        Assert.Multiple(() =>
        {
            Assert.That(events, Has.Count.GreaterThanOrEqualTo(10), "the engines log");
            Assert.That(events.Select(static e => e.Id), Is.Unique);
            foreach (var (type, id, _) in events)
            {
                var (from, to) = s_ranges[type.Namespace!];
                Assert.That(id, Is.InRange(from, to), $"{type.Name}: event {id} is outside {type.Namespace}'s range");
                Assert.That(listed, Does.Contain(id), $"event {id} ({type.Name}) is not in docs/observability.md");
            }

            Assert.That(listed, Is.SubsetOf(events.Select(static e => e.Id)), "the docs list no event that does not exist");
        });
    }

    [Test]
    public async Task Synchronization_HasASpanPerRunAndPerStage_AndTaggedInstruments()
    {
        var spans = new List<Activity>();
        using var listener = Listen(spans);
        using var rows = new MetricCollector<long>(IdentitySyncTelemetry.Meter, "identitysync.sync.rows_read");
        using var changes = new MetricCollector<long>(IdentitySyncTelemetry.Meter, "identitysync.sync.changes_applied");
        using var quarantined = new MetricCollector<long>(IdentitySyncTelemetry.Meter, "identitysync.sync.quarantined");
        using var durations = new MetricCollector<double>(IdentitySyncTelemetry.Meter, "identitysync.sync.duration");
        var fixture = new SyncFixture();
        fixture.SetUsers([SyncFixture.User(1), SyncFixture.User(2), SyncFixture.User(3, created: "soon")]);
        fixture.SetGroups("CN=Staff;Staff");
        fixture.SetMembers("CN=Staff;u1", "CN=Staff;u2");
        var logger = new FakeLogger<SyncEngine>();
        var engine = new SyncEngine(fixture.Model, fixture.Store, [fixture.Package], logger: logger);
        using var root = new Activity("test").Start();

        var report = await engine.SynchronizeAsync("AD");

        var mine = spans.Where(s => s.TraceId == root.TraceId).ToList();
        var run = mine.Single(static s => s.OperationName == "identitysync.sync");
        var measurements = rows.GetMeasurementSnapshot().Concat(changes.GetMeasurementSnapshot()).Concat(quarantined.GetMeasurementSnapshot()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Succeeded), report.Message);
            Assert.That(mine.Where(s => s.ParentSpanId == run.SpanId).Select(static s => s.OperationName), Is.EqualTo(new[] { "identitysync.sync.read", "identitysync.sync.diff", "identitysync.sync.apply" }));
            Assert.That(run.GetTagItem("identitysync.connector"), Is.EqualTo("AD"));
            Assert.That(run.GetTagItem("identitysync.outcome"), Is.EqualTo("Succeeded"));
            Assert.That(logger.Collector.GetSnapshot().Select(static r => (r.Id.Id, r.Level)), Is.EqualTo(new[] { (1001, LogLevel.Information), (1002, LogLevel.Warning) }));
            Assert.That(logger.Collector.GetSnapshot().Select(static r => r.Message), Has.None.Contains("CN=u3"), "the quarantined key is in the report, not the log");

            Assert.That(rows.GetMeasurementSnapshot().Single(static m => Equals(m.Tags["identitysync.type"], "AD_User")).Value, Is.EqualTo(3));
            Assert.That(changes.GetMeasurementSnapshot().Where(static m => Equals(m.Tags["identitysync.kind"], "inserted")).Sum(static m => m.Value), Is.EqualTo(3), "two users and a group");
            Assert.That(changes.GetMeasurementSnapshot().Single(static m => Equals(m.Tags["identitysync.kind"], "links_inserted")).Value, Is.EqualTo(2));
            Assert.That(quarantined.GetMeasurementSnapshot().Single().Value, Is.EqualTo(1));
            Assert.That(durations.GetMeasurementSnapshot().Single().Tags["identitysync.outcome"], Is.EqualTo("Succeeded"));
            Assert.That(measurements.SelectMany(static m => m.Tags.Keys).Distinct(), Is.SubsetOf(new[] { "identitysync.connector", "identitysync.type", "identitysync.kind" }));
            Assert.That(measurements.SelectMany(static m => m.Tags.Values).OfType<string>().Where(static v => v.StartsWith("CN=u", StringComparison.Ordinal)), Is.Empty, "never tagged by a key");
        });
    }

    [Test]
    public async Task ProvisioningAndJobs_HaveSpansUnderTheJob_AndLogWithoutKeysAboveDebug()
    {
        var spans = new List<Activity>();
        using var listener = Listen(spans);
        using var orders = new MetricCollector<long>(IdentitySyncTelemetry.Meter, "identitysync.orders");
        var fixture = new ProvisioningFixture();
        fixture.SetPerson("E1", "Zoë", "Martin", "Sales");
        fixture.Directory.Answer = Connections.FulfillmentStatus.Failed;
        var jobLogger = new FakeLogger<JobRunner>();
        var provisioningLogger = new FakeLogger<ProvisioningEngine>();
        var engine = new ProvisioningEngine(fixture.Model, fixture.Store, [fixture.Package, fixture.Directory], timeProvider: fixture.Clock, logger: provisioningLogger);
        var categorization = new CategorizationEngine(fixture.Model, fixture.Store, fixture.Clock, new FakeLogger<CategorizationEngine>());
        fixture.PublishPeople();
        fixture.PublishDirectory();
        using var root = new Activity("test").Start();

        var run = await new JobRunner(fixture.Store, fixture.Clock, logger: jobLogger).RunAsync("nightly",
        [
            new SynchronizeTask(fixture.Sync, "HR"),
            new SynchronizeTask(fixture.Sync, "AD"),
            new CategorizeTask(categorization),
            new GenerateOrdersTask(engine),
            new FulfillTask(engine),
        ]);

        var mine = spans.Where(s => s.TraceId == root.TraceId).ToList();
        var job = mine.Single(static s => s.OperationName == "identitysync.job");
        var tasks = mine.Where(s => s.ParentSpanId == job.SpanId).ToList();
        var records = jobLogger.Collector.GetSnapshot().Concat(provisioningLogger.Collector.GetSnapshot()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(run.Status, Is.EqualTo(JobRuns.JobStatus.Succeeded), string.Join("; ", run.Tasks.Select(static t => t.Message)));
            Assert.That(tasks.Select(static t => t.GetTagItem("identitysync.task")).ToList(), Has.Count.EqualTo(5));
            Assert.That(mine.Where(s => tasks.Any(t => t.SpanId == s.ParentSpanId)).Select(static s => s.OperationName),
                Is.SupersetOf(new[] { "identitysync.sync", "identitysync.categorize", "identitysync.provision.generate", "identitysync.provision.fulfill" }), "each engine's span under its task's");
            Assert.That(records.Select(static r => r.Id.Id), Is.SupersetOf(new[] { 5001, 5002, 5003, 3001, 4001, 4002 }));
            Assert.That(records.Where(static r => r.Level > LogLevel.Debug).Select(static r => r.Message), Has.None.Contains("zoë.martin").And.None.Contains("Zoë"), "names and keys only at Debug");
            Assert.That(records.Single(static r => r.Id.Id == 4003).Level, Is.EqualTo(LogLevel.Debug));
            Assert.That(orders.GetMeasurementSnapshot().Select(static m => (m.Tags["identitysync.resource_type"], m.Tags["identitysync.state"])), Does.Contain(("AD_User", (object)"Error")));
        });
    }

    [Test]
    public void SqliteStore_LogsCreatedOpenedAndRefused()
    {
        var directory = Directory.CreateTempSubdirectory("identitysync-store-log").FullName;
        try
        {
            var logger = new FakeLogger<IdentitySync.Storage.Sqlite.SqliteResourceStore>();
            var path = Path.Combine(directory, "store.db");
            File.WriteAllText(Path.Combine(directory, "notes.db"), "not a database, just text that is long enough to have a header of sorts");
            using (new IdentitySync.Storage.Sqlite.SqliteResourceStore(path, logger))
            {
            }

            using (new IdentitySync.Storage.Sqlite.SqliteResourceStore(path, logger))
            {
            }

            Assert.Throws<IdentitySync.Storage.StoreUnavailableException>(() => _ = new IdentitySync.Storage.Sqlite.SqliteResourceStore(Path.Combine(directory, "notes.db"), logger));

            Assert.That(logger.Collector.GetSnapshot().Select(static r => (r.Id.Id, r.Level)), Is.EqualTo(new[] { (6001, LogLevel.Information), (6003, LogLevel.Debug), (6004, LogLevel.Warning) }));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static ActivityListener Listen(List<Activity> spans)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = static source => source.Name == IdentitySyncTelemetry.Name,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (spans)
                {
                    spans.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    [GeneratedRegex(@"^\|\s*(\d{4})\s*\|", RegexOptions.Multiline)]
    private static partial Regex DocumentedId();
}
