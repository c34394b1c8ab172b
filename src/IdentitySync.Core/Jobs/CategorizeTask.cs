using IdentitySync.Categorization;
using IdentitySync.JobRuns;

namespace IdentitySync.Jobs;

/// <summary>A job task that categorizes new and changed accounts; suggestions to review end it with a warning.</summary>
public sealed class CategorizeTask : IJobTask
{
    private readonly CategorizationEngine _engine;
    private readonly bool _full;

    /// <summary>Initializes a new instance of the <see cref="CategorizeTask"/> class.</summary>
    /// <param name="engine">The categorization engine.</param>
    /// <param name="full">Whether to categorize again every account not reviewed by a person.</param>
    public CategorizeTask(CategorizationEngine engine, bool full = false)
    {
        _engine = engine;
        _full = full;
    }

    /// <inheritdoc />
    public string Name => "categorize";

    /// <summary>Gets the report of the last run of this task.</summary>
    public CategorizationReport? LastReport { get; private set; }

    /// <inheritdoc />
    public async Task<JobTaskOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var report = LastReport = await _engine.CategorizeAsync(_full, cancellationToken).ConfigureAwait(false);
        var toReview = report.ResourceTypes.Sum(static t => t.Suggested + t.Ambiguous);
        var message = $"{report.Considered} accounts categorized: {report.ResourceTypes.Sum(static t => t.Correlated)} correlated, "
            + $"{report.ResourceTypes.Sum(static t => t.Classified)} classified, {toReview} to review, {report.Uncategorized} uncategorized";
        return new JobTaskOutcome(toReview > 0 ? JobTaskStatus.Warning : JobTaskStatus.Succeeded, message);
    }

    /// <inheritdoc />
    public Task<JobTaskOutcome> ResumeAsync(CancellationToken cancellationToken) => RunAsync(cancellationToken);
}
