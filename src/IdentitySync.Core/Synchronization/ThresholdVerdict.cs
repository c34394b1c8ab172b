namespace IdentitySync.Synchronization;

/// <summary>One active threshold checked against a change set.</summary>
/// <param name="Scope">The scope.</param>
/// <param name="Name">The connector, entity type or association the scope is about.</param>
/// <param name="Change">What is counted.</param>
/// <param name="Limit">The maximum: a count, or a percentage when <paramref name="IsPercent"/>.</param>
/// <param name="IsPercent">Whether <paramref name="Limit"/> and <paramref name="Actual"/> are percentages of <paramref name="StoredCount"/>.</param>
/// <param name="Actual">The change set's count, or its percentage of <paramref name="StoredCount"/>.</param>
/// <param name="StoredCount">What the scope held before the run; for <see cref="ThresholdChange.Quarantined"/>, the rows read.</param>
/// <param name="Exceeded">Whether <paramref name="Actual"/> is over <paramref name="Limit"/>.</param>
public sealed record ThresholdVerdict(ThresholdScope Scope, string Name, ThresholdChange Change, double Limit, bool IsPercent, double Actual, long StoredCount, bool Exceeded);
