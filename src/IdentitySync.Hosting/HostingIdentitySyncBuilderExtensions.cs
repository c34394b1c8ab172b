using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace IdentitySync.Hosting;

/// <summary>Registers the hosted jobs and their health check.</summary>
public static class HostingIdentitySyncBuilderExtensions
{
    /// <summary>
    /// Runs jobs in the host (<see cref="IdentitySyncJobService"/>); each job's schedule is checked at start, and
    /// a wrong one stops the host with the job's name and what is allowed.
    /// </summary>
    /// <param name="builder">The IdentitySync builder.</param>
    /// <param name="configure">Adds the jobs.</param>
    /// <returns>The builder.</returns>
    public static IIdentitySyncBuilder AddHostedJobs(this IIdentitySyncBuilder builder, Action<HostedJobsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<HostedJobsOptions>().Configure(configure).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HostedJobsOptions>, HostedJobsValidation>());
        builder.Services.TryAddSingleton<IdentitySyncJobService>();
        builder.Services.AddHostedService(static provider => provider.GetRequiredService<IdentitySyncJobService>());
        return builder;
    }

    /// <summary>Adds the health check of the hosted jobs' last runs (<see cref="IdentitySyncJobsHealthCheck"/>).</summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddIdentitySyncJobs(this IHealthChecksBuilder builder, string name = "identitysync-jobs")
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddCheck<IdentitySyncJobsHealthCheck>(name);
    }

    private sealed class HostedJobsValidation : IValidateOptions<HostedJobsOptions>
    {
        public ValidateOptionsResult Validate(string? name, HostedJobsOptions options)
        {
            var problems = new List<string>();
            foreach (var job in options.Jobs)
            {
                JobSchedule.TryCreate(job, out var found);
                problems.AddRange(found);
            }

            foreach (var twice in options.Jobs.GroupBy(static j => j.Name, StringComparer.OrdinalIgnoreCase).Where(static g => g.Count() > 1))
            {
                problems.Add($"Jobs[{twice.Key}]: {twice.Count()} jobs have this name; each job needs its own");
            }

            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
