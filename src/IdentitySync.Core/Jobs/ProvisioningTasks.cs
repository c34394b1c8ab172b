using System.Globalization;
using IdentitySync.Connections;
using IdentitySync.JobRuns;
using IdentitySync.Orders;
using IdentitySync.Provisioning;

namespace IdentitySync.Jobs;

/// <summary>
/// A job task that generates provisioning orders. A resource type over its thresholds blocks the task;
/// resuming generates again with thresholds ignored. Orders waiting for review end it with a warning.
/// </summary>
public sealed class GenerateOrdersTask : IJobTask
{
    private readonly ProvisioningEngine _engine;

    /// <summary>Initializes a new instance of the <see cref="GenerateOrdersTask"/> class.</summary>
    /// <param name="engine">The provisioning engine.</param>
    public GenerateOrdersTask(ProvisioningEngine engine) => _engine = engine;

    /// <inheritdoc />
    public string Name => "provision";

    /// <summary>Gets the report of the last run of this task.</summary>
    public ProvisioningReport? LastReport { get; private set; }

    /// <inheritdoc />
    public Task<JobTaskOutcome> RunAsync(CancellationToken cancellationToken) => GenerateAsync(force: false, cancellationToken);

    /// <inheritdoc />
    public Task<JobTaskOutcome> ResumeAsync(CancellationToken cancellationToken) => GenerateAsync(force: true, cancellationToken);

    private async Task<JobTaskOutcome> GenerateAsync(bool force, CancellationToken cancellationToken)
    {
        var report = LastReport = await _engine.GenerateAsync(new ProvisioningRunOptions { Force = force }, cancellationToken).ConfigureAwait(false);
        if (report.IsBlocked)
        {
            var blocked = report.ResourceTypes.Where(static t => t.Blocked).Select(static t => $"{t.Name}: {t.Threshold}");
            return new JobTaskOutcome(JobTaskStatus.Blocked, $"Blocked by provisioning thresholds ({string.Join("; ", blocked)}); check the orders, then resume to generate them anyway.");
        }

        var saved = report.Orders.Count;
        var review = report.Orders.Count(static o => o.State == OrderState.AwaitingApproval);
        var message = string.Create(CultureInfo.InvariantCulture,
            $"{saved} orders: {report.ResourceTypes.Sum(static t => t.Added)} added, {report.ResourceTypes.Sum(static t => t.Modified)} modified, "
            + $"{report.ResourceTypes.Sum(static t => t.Deleted)} deleted, {report.ResourceTypes.Sum(static t => t.NonConforming)} non-conforming, "
            + $"{report.ResourceTypes.Sum(static t => t.Gaps)} gaps; {review} to review");
        if (report.Ownership.Count > 0)
        {
            message += string.Create(CultureInfo.InvariantCulture,
                $"; ownership: {report.Ownership.Count(static n => n.Action == OwnershipAction.Overwritten)} overwritten, {report.Ownership.Count(static n => n.Action == OwnershipAction.Skipped)} skipped");
        }

        var problems = report.ResourceTypes.SelectMany(static t => t.Problems).ToList();
        return new JobTaskOutcome(review > 0 || problems.Count > 0 ? JobTaskStatus.Warning : JobTaskStatus.Succeeded,
            problems.Count == 0 ? message : message + "; " + string.Join("; ", problems));
    }
}

/// <summary>A job task that fulfills pending orders; failed orders end it with a warning.</summary>
public sealed class FulfillTask : IJobTask
{
    private readonly ProvisioningEngine _engine;

    /// <summary>Initializes a new instance of the <see cref="FulfillTask"/> class.</summary>
    /// <param name="engine">The provisioning engine.</param>
    public FulfillTask(ProvisioningEngine engine) => _engine = engine;

    /// <inheritdoc />
    public string Name => "fulfill";

    /// <summary>Gets the report of the last run of this task.</summary>
    public FulfillmentReport? LastReport { get; private set; }

    /// <inheritdoc />
    public async Task<JobTaskOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var report = LastReport = await _engine.FulfillAsync(cancellationToken).ConfigureAwait(false);
        var message = string.Create(CultureInfo.InvariantCulture,
            $"{report.Executed} executed, {report.Transmitted} handed over, {report.Tickets} tickets opened, {report.Failed} failed, {report.Retrying} to retry, {report.TimedOut} timed out");
        return new JobTaskOutcome(report.Failed + report.TimedOut > 0 ? JobTaskStatus.Warning : JobTaskStatus.Succeeded, message);
    }

    /// <inheritdoc />
    public Task<JobTaskOutcome> ResumeAsync(CancellationToken cancellationToken) => RunAsync(cancellationToken);
}

/// <summary>A job task that verifies executed orders against the last synchronization; orders timed out end it with a warning.</summary>
public sealed class VerifyTask : IJobTask
{
    private readonly ProvisioningEngine _engine;

    /// <summary>Initializes a new instance of the <see cref="VerifyTask"/> class.</summary>
    /// <param name="engine">The provisioning engine.</param>
    public VerifyTask(ProvisioningEngine engine) => _engine = engine;

    /// <inheritdoc />
    public string Name => "verify";

    /// <summary>Gets the report of the last run of this task.</summary>
    public VerificationReport? LastReport { get; private set; }

    /// <inheritdoc />
    public async Task<JobTaskOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var report = LastReport = await _engine.VerifyAsync(cancellationToken).ConfigureAwait(false);
        var message = string.Create(CultureInfo.InvariantCulture, $"{report.Verified} verified, {report.Waiting} still waiting, {report.TimedOut} timed out");
        return new JobTaskOutcome(report.TimedOut > 0 ? JobTaskStatus.Warning : JobTaskStatus.Succeeded, message);
    }

    /// <inheritdoc />
    public Task<JobTaskOutcome> ResumeAsync(CancellationToken cancellationToken) => RunAsync(cancellationToken);
}
