namespace IdentitySync.Synchronization;

/// <summary>One active threshold checked against a change set.</summary>
public sealed record ThresholdVerdict
{
    /// <summary>Gets the scope.</summary>
    public required ThresholdScope Scope { get; init; }

    /// <summary>Gets the connector, entity type or association the scope is about.</summary>
    public required string Name { get; init; }

    /// <summary>Gets what is counted.</summary>
    public required ThresholdChange Change { get; init; }

    /// <summary>Gets the maximum: a count, or a percentage when <see cref="IsPercent"/>.</summary>
    public required double Limit { get; init; }

    /// <summary>Gets a value indicating whether <see cref="Limit"/> and <see cref="Actual"/> are percentages of <see cref="StoredCount"/>.</summary>
    public bool IsPercent { get; init; }

    /// <summary>Gets the change set's count, or its percentage of <see cref="StoredCount"/>.</summary>
    public required double Actual { get; init; }

    /// <summary>Gets what the scope held before the run; for <see cref="ThresholdChange.Quarantined"/>, the rows read.</summary>
    public required long StoredCount { get; init; }

    /// <summary>Gets a value indicating whether <see cref="Actual"/> is over <see cref="Limit"/>.</summary>
    public required bool Exceeded { get; init; }
}
