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
    public string ToJson() => JsonSerializer.Serialize(this, CategorizationJsonContext.Reports.CategorizationReport);
}

/// <summary>Categorization counts of one resource type.</summary>
public sealed record ResourceTypeCounts
{
    /// <summary>Gets the resource type.</summary>
    public required string ResourceType { get; init; }

    /// <summary>Gets the accounts whose owner a rule at 100 or more set.</summary>
    public long Correlated { get; init; }

    /// <summary>Gets the accounts a classification rule typed, without an owner.</summary>
    public long Classified { get; init; }

    /// <summary>Gets the accounts with a suggestion to review.</summary>
    public long Suggested { get; init; }

    /// <summary>Gets the accounts that several owners matched at the same confidence.</summary>
    public long Ambiguous { get; init; }

    /// <summary>Gets the accounts of the type without an owner (classified, or reviewed without one).</summary>
    public long Orphans { get; init; }
}
