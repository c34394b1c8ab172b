namespace IdentitySync.Categorizations;

/// <summary>The categorization of one account, as the store keeps it.</summary>
/// <param name="ResourceId">The account's id.</param>
/// <param name="EntityType">The account's entity type.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="ResourceType">Its resource type, once known.</param>
/// <param name="OwnerId">Its owner's id, once known.</param>
/// <param name="Confidence">The confidence of the rule that decided or suggested.</param>
/// <param name="Candidates">The owners an ambiguous match found, or the owner a suggestion proposes.</param>
/// <param name="Reason">Which rule matched and on what value, in plain words.</param>
/// <param name="AccountDigest">The account's digest when categorized: a changed account is categorized again while unreviewed.</param>
/// <param name="OwnersDigest">A digest of the owners when categorized: new or changed owners give unreviewed accounts another chance.</param>
/// <param name="At">When.</param>
public sealed record AccountCategorization(
    long ResourceId,
    string EntityType,
    CategorizationStatus Status,
    string? ResourceType,
    long? OwnerId,
    int Confidence,
    IReadOnlyList<long> Candidates,
    string? Reason,
    ulong AccountDigest,
    ulong OwnersDigest,
    DateTimeOffset At)
{
    /// <summary>Gets a value indicating whether the status is decided (automatically or by a person) and not open for review.</summary>
    public bool IsSettled => Status is CategorizationStatus.Correlated or CategorizationStatus.Classified or CategorizationStatus.Reviewed or CategorizationStatus.Rejected;
}
