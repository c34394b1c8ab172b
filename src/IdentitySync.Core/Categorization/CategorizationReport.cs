using System.Text.Json;

namespace IdentitySync.Categorization;

/// <summary>The result of one categorization run; serializes to stable JSON like the synchronization report.</summary>
public sealed record CategorizationReport
{
    /// <summary>Gets when the run started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Gets a value indicating whether every account not reviewed by a person was categorized again.</summary>
    public bool Full { get; init; }

    /// <summary>Gets how many accounts were categorized in this run (new, changed, or unreviewed with new owners).</summary>
    public long Considered { get; init; }

    /// <summary>Gets how many accounts were left as they were (settled, or unchanged since their last categorization).</summary>
    public long Kept { get; init; }

    /// <summary>Gets the counts per resource type, for the accounts categorized in this run.</summary>
    public IReadOnlyList<ResourceTypeCounts> ResourceTypes { get; init; } = [];

    /// <summary>Gets how many of the considered accounts no rule matched.</summary>
    public long Uncategorized { get; init; }

    /// <summary>Gets how long the run took.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Serializes the report to indented, camelCase JSON with enums as names.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, Internal.ReportJson.Options);
}

/// <summary>Categorization counts of one resource type.</summary>
/// <param name="ResourceType">The resource type.</param>
/// <param name="Correlated">Accounts whose owner a rule at 100 or more set.</param>
/// <param name="Classified">Accounts a classification rule typed, without an owner.</param>
/// <param name="Suggested">Accounts with a suggestion to review.</param>
/// <param name="Ambiguous">Accounts that several owners matched at the same confidence.</param>
/// <param name="Orphans">Accounts of the type without an owner (classified, or reviewed without one).</param>
public sealed record ResourceTypeCounts(string ResourceType, long Correlated, long Classified, long Suggested, long Ambiguous, long Orphans);
