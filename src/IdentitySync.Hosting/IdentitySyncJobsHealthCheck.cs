using IdentitySync.JobRuns;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace IdentitySync.Hosting;

/// <summary>
/// The health of the hosted jobs, from each job's last run: healthy when every one succeeded (or has not
/// run yet), degraded when one is blocked by a threshold (a person must resume or abandon it), unhealthy when
/// one failed or was cancelled.
/// </summary>
/// <param name="service">The hosted jobs.</param>
/// <param name="options">The jobs configured.</param>
public sealed class IdentitySyncJobsHealthCheck(IdentitySyncJobService service, IOptions<HostedJobsOptions> options) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var worst = HealthStatus.Healthy;
        var lines = new List<string>();
        foreach (var job in options.Value.Jobs)
        {
            if (!service.LastRuns.TryGetValue(job.Name, out var run))
            {
                data[job.Name] = "not run yet";
                continue;
            }

            data[job.Name] = run.Status.ToString();
            var status = run.Status switch
            {
                JobStatus.Succeeded => HealthStatus.Healthy,
                JobStatus.Blocked => HealthStatus.Degraded,
                _ => HealthStatus.Unhealthy,
            };
            if (status != HealthStatus.Healthy)
            {
                lines.Add($"job {job.Name}: run {run.Id} {run.Status}{(run.Status == JobStatus.Blocked ? " (resume or abandon it)" : string.Empty)}");
            }

            worst = status < worst ? status : worst;
        }

        return Task.FromResult(new HealthCheckResult(worst, lines.Count == 0 ? "every job's last run succeeded" : string.Join("; ", lines), data: data));
    }
}
