// A console app as a developer writes it from the README, built from the packed packages only: configure
// from JSON, synchronize, read a resource by key and property name, see the logs and the metrics.
using System.Diagnostics.Metrics;
using IdentitySync;
using IdentitySync.ChangeSets;
using IdentitySync.Diagnostics;
using IdentitySync.Reading;
using IdentitySync.Synchronization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

var configuration = new ConfigurationBuilder().SetBasePath(AppContext.BaseDirectory).AddJsonFile("appsettings.json").Build();
var services = new ServiceCollection();
services.AddLogging(logging => logging.AddSimpleConsole(o => o.SingleLine = true));
services.AddIdentitySync(configuration.GetSection("IdentitySync"), identitySync => identitySync
    .UseSqliteStore(Path.Combine(AppContext.BaseDirectory, "identitysync.db"))
    .AddCsvConnectionPackage());
services.Configure<IdentitySync.Configuration.IdentitySyncOptions>(o => o.BaseDirectory = AppContext.BaseDirectory);

var measured = new List<string>();
using var listener = new MeterListener
{
    InstrumentPublished = (instrument, l) =>
    {
        if (instrument.Meter.Name == IdentitySyncTelemetry.Name)
        {
            l.EnableMeasurementEvents(instrument);
        }
    },
};
listener.SetMeasurementEventCallback<long>((instrument, _, _, _) => { lock (measured) { measured.Add(instrument.Name); } });
listener.SetMeasurementEventCallback<double>((instrument, _, _, _) => { lock (measured) { measured.Add(instrument.Name); } });
listener.Start();

await using var provider = services.BuildServiceProvider();
var report = await provider.GetRequiredService<SyncEngine>().SynchronizeAsync("HR", new SyncRunOptions { Mode = SyncMode.Initial });
Console.WriteLine($"sync: {report.Outcome}, {report.EntityTypes.Sum(static e => e.Inserted)} inserted");

// The report's JSON is source-generated: it is written with reflection turned off in this app.
if (report.Outcome != SyncOutcome.Succeeded || !report.ToJson().Contains("\"outcome\": \"Succeeded\"", StringComparison.Ordinal))
{
    return 1;
}

var reader = provider.GetRequiredService<RepositoryReader>();
var person = await reader.FindAsync("HR_Person", "1001");
Console.WriteLine($"read: {person?.Key} {person?.Get<string>("FirstName")} {person?.Get<string>("LastName")}");
Console.WriteLine($"metrics: {string.Join(", ", measured.Distinct().Order())}");
return person?.Get<string>("LastName") == "Graham" && measured.Contains("identitysync.sync.rows_read") ? 0 : 1;
