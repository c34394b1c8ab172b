using IdentitySync.ChangeSets;
using IdentitySync.JobRuns;
using IdentitySync.Synchronization;

namespace IdentitySync.Jobs;

/// <summary>A job task that synchronizes one connector; a deactivated connector is skipped.</summary>
public sealed class SynchronizeTask : IJobTask
{
    private readonly SyncEngine _engine;
    private readonly SyncRunOptions _options;

    /// <summary>Initializes a new instance of the <see cref="SynchronizeTask"/> class.</summary>
    /// <param name="engine">The synchronization engine.</param>
    /// <param name="connector">The connector's name.</param>
    /// <param name="options">The mode and options; a complete run when <see langword="null"/>.</param>
    public SynchronizeTask(SyncEngine engine, string connector, SyncRunOptions? options = null)
    {
        _engine = engine;
        Connector = connector;
        _options = options ?? new SyncRunOptions();
    }

    /// <summary>Gets the connector's name.</summary>
    public string Connector { get; }

    /// <summary>Gets the mode the task synchronizes in.</summary>
    public SyncMode Mode => _options.Mode;

    /// <inheritdoc />
    /// <remarks><c>synchronize AD</c> for a complete run; other modes are named, <c>synchronize AD (incremental)</c>, so a kept run says how to resume it.</remarks>
    public string Name => Mode == SyncMode.Complete ? $"synchronize {Connector}" : $"synchronize {Connector} ({Mode.ToString().ToLowerInvariant()})";

    /// <summary>Reads a task name written by <see cref="Name"/> back into its connector and mode.</summary>
    /// <param name="name">The task's name.</param>
    /// <returns>The connector and mode, or <see langword="null"/> when the name is not a synchronization's.</returns>
    public static (string Connector, SyncMode Mode)? ParseName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        const string prefix = "synchronize ";
        if (!name.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = name[prefix.Length..];
        var open = rest.IndexOf(" (", StringComparison.Ordinal);
        if (open < 0)
        {
            return (rest, SyncMode.Complete);
        }

        return Enum.TryParse<SyncMode>(rest[(open + 2)..].TrimEnd(')'), ignoreCase: true, out var mode) ? (rest[..open], mode) : null;
    }

    /// <summary>Gets the report of the last run or resume of this task.</summary>
    public SyncReport? LastReport { get; private set; }

    /// <inheritdoc />
    public async Task<JobTaskOutcome> RunAsync(CancellationToken cancellationToken) =>
        Result(LastReport = await _engine.SynchronizeAsync(Connector, _options, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public async Task<JobTaskOutcome> ResumeAsync(CancellationToken cancellationToken) =>
        Result(LastReport = await _engine.ResumeAsync(Connector, cancellationToken).ConfigureAwait(false));

    private static JobTaskOutcome Result(SyncReport report)
    {
        var quarantined = report.EntityTypes.Sum(static e => e.QuarantinedCount) + report.Associations.Sum(static a => a.QuarantinedCount);
        var counts = $"{report.EntityTypes.Sum(static e => e.Inserted)} inserted, {report.EntityTypes.Sum(static e => e.Updated)} updated, "
            + $"{report.EntityTypes.Sum(static e => e.Deleted)} deleted, {report.Associations.Sum(static a => a.Inserted + a.Deleted)} links changed";
        return report.Outcome switch
        {
            SyncOutcome.Succeeded when quarantined > 0 => new(JobTaskStatus.Warning, $"{counts}; {quarantined} rows quarantined"),
            SyncOutcome.Succeeded => new(JobTaskStatus.Succeeded, counts),
            SyncOutcome.Blocked => new(JobTaskStatus.Blocked, report.Message),
            SyncOutcome.Skipped => new(JobTaskStatus.Skipped, report.Message),
            _ => new(JobTaskStatus.Failed, report.Message) { Failure = report.Failure is FailureKind.None ? FailureKind.Failed : report.Failure },
        };
    }
}
