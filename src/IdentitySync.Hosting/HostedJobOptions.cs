using IdentitySync.ChangeSets;

namespace IdentitySync.Hosting;

/// <summary>One job the host runs: the standard job (synchronize, categorize, verify, generate, fulfil) on a schedule.</summary>
public sealed class HostedJobOptions
{
    /// <summary>Gets or sets the job's name, as job runs record it (<c>identitysync jobs list</c> shows it).</summary>
    public string Name { get; set; } = "sync";

    /// <summary>
    /// Gets or sets when the job runs: a cron expression of five fields (minute hour day month weekday, as
    /// <c>0 2 * * *</c>) or six (seconds first). Either this or <see cref="Interval"/>.
    /// </summary>
    public string? Schedule { get; set; }

    /// <summary>Gets or sets the time zone <see cref="Schedule"/> is read in, by its IANA or Windows id.</summary>
    /// <value>The default value is <c>UTC</c>.</value>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>Gets or sets the time between the end of a run and the start of the next. Either this or <see cref="Schedule"/>.</summary>
    public TimeSpan? Interval { get; set; }

    /// <summary>Gets the connectors to synchronize, in order; every connector of the model when empty.</summary>
    public IList<string> Connectors { get; } = [];

    /// <summary>Gets or sets the synchronization mode.</summary>
    /// <value>The default value is <see cref="SyncMode.Complete"/>.</value>
    public SyncMode Mode { get; set; } = SyncMode.Complete;

    /// <summary>Gets or sets a value indicating whether the job verifies, generates and fulfils orders after categorizing.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Provision { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether a scheduled run missed while the host was down runs once at start.
    /// However many were missed, one run catches up; then the schedule goes on.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool RunMissed { get; set; } = true;
}

/// <summary>The jobs a host runs (<see cref="HostingIdentitySyncBuilderExtensions.AddHostedJobs"/>).</summary>
public sealed class HostedJobsOptions
{
    /// <summary>Gets the jobs.</summary>
    public IList<HostedJobOptions> Jobs { get; } = [];
}
