// A worker host that runs IdentitySync's standard job on the schedule in appsettings.json, logs what each
// run did, and exposes the jobs' health. Run it with `dotnet run`; stop it with Ctrl+C (the running task is
// cancelled and the job run can be resumed).
using IdentitySync;
using IdentitySync.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddIdentitySync(builder.Configuration.GetSection("IdentitySync"), identitySync => identitySync
    .UseSqliteStore(Path.Combine(builder.Environment.ContentRootPath, "identitysync.db"))
    .AddCsvConnectionPackage()
    .AddHostedJobs(jobs => builder.Configuration.GetSection("Jobs").Bind(jobs)));
builder.Services.AddHealthChecks().AddIdentitySyncJobs();

using var host = builder.Build();
var jobs = host.Services.GetRequiredService<IdentitySyncJobService>();
jobs.RunEnded += (_, run) => Console.WriteLine($"Job {run.Job} run {run.Id} ended {run.Status}: {string.Join("; ", run.Tasks.Select(static t => $"{t.Task} {t.Status}"))}");
jobs.RunEnded += (_, _) => _ = PrintHealthAsync();

await host.RunAsync();

async Task PrintHealthAsync()
{
    var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
    Console.WriteLine($"Health: {health.Status}");
}
