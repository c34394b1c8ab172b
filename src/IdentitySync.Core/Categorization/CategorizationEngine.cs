using IdentitySync.Categorizations;
using IdentitySync.Diagnostics;
using IdentitySync.Internal;
using IdentitySync.Model;
using IdentitySync.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IdentitySync.Categorization;

/// <summary>
/// Decides who owns each account and what kind it is: correlation rules from the highest confidence
/// down (a hash join over precomputed owner values), then classification rules. Only new accounts,
/// and unreviewed ones whose account or owners changed, are categorized; settled ones are kept unless
/// a full run is asked for, and a person's review is never overridden.
/// </summary>
public sealed partial class CategorizationEngine
{
    private readonly IdentityModel _model;
    private readonly ICategorizationStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="CategorizationEngine"/> class.</summary>
    /// <param name="model">The model, with the resource types' rules.</param>
    /// <param name="store">The store.</param>
    /// <param name="timeProvider">The clock; the system clock when <see langword="null"/>.</param>
    /// <param name="logger">The logger; none when <see langword="null"/>.</param>
    public CategorizationEngine(IdentityModel model, ICategorizationStore store, TimeProvider? timeProvider = null, ILogger<CategorizationEngine>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(store);
        _model = model;
        _store = store;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Categorizes the accounts of every resource type's target entity type.</summary>
    /// <param name="full">Categorize again every account not reviewed by a person, even settled ones (after a rule change).</param>
    /// <param name="cancellationToken">Cancels the run; nothing is saved then.</param>
    /// <returns>The report.</returns>
    public async Task<CategorizationReport> CategorizeAsync(bool full = false, CancellationToken cancellationToken = default)
    {
        var report = await IdentitySyncTelemetry.RunStageAsync("identitysync.categorize", "categorize", _timeProvider, () => CategorizeCoreAsync(full, cancellationToken), IdentitySyncTelemetry.Tag("identitysync.full", full)).ConfigureAwait(false);
        LogCategorized(_logger, report.Considered, report.Kept, report.Uncategorized);
        return report;
    }

    private async Task<CategorizationReport> CategorizeCoreAsync(bool full, CancellationToken cancellationToken)
    {
        await ResourceLayout.LearnAsync(_store, cancellationToken).ConfigureAwait(false);
        var started = _timeProvider.GetUtcNow();
        var clock = _timeProvider.GetTimestamp();
        var graph = new ResourceGraph(_model, _store);
        var results = new List<AccountCategorization>();
        long considered = 0, kept = 0;
        foreach (var targetType in _model.ResourceTypes.Select(static r => r.TargetEntityType).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var resourceTypes = _model.ResourceTypes.Where(r => string.Equals(r.TargetEntityType, targetType, StringComparison.OrdinalIgnoreCase)).ToList();
            var accounts = await graph.ResourcesAsync(targetType, cancellationToken).ConfigureAwait(false);
            var existing = (await _store.GetCategorizationsAsync(targetType, cancellationToken).ConfigureAwait(false)).ToDictionary(static c => c.ResourceId);
            var ownersDigest = await OwnersDigestAsync(graph, resourceTypes, cancellationToken).ConfigureAwait(false);
            var matcher = await AccountMatcher.CreateAsync(graph, resourceTypes, targetType, cancellationToken).ConfigureAwait(false);
            var owners = new HashSet<long>();
            foreach (var ownerType in resourceTypes.Select(static r => r.OwnerEntityType).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                owners.UnionWith((await graph.ResourcesAsync(ownerType, cancellationToken).ConfigureAwait(false)).Keys);
            }

            // Who already holds an account of each type, for types that allow one per owner.
            // Indexed by type and owner (a list scanned per account made a million accounts take minutes).
            var held = new Dictionary<(string Type, long Owner), HashSet<long>>();
            foreach (var c in existing.Values.Where(static c => c.OwnerId is not null && c.ResourceType is not null && c.Status is CategorizationStatus.Correlated or CategorizationStatus.Reviewed))
            {
                Hold(held, c.ResourceType!, c.OwnerId!.Value, c.ResourceId);
            }

            foreach (var account in accounts.Values.OrderBy(static a => a.Key, StringComparer.Ordinal))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var previous = existing.GetValueOrDefault(account.Id);
                if (!IsCandidate(previous, account, ownersDigest, full, owners))
                {
                    kept++;
                    continue;
                }

                considered++;
                var result = matcher.Categorize(account, ownersDigest, _timeProvider.GetUtcNow());
                if (previous is { Status: CategorizationStatus.Correlated } && result.Status == CategorizationStatus.Uncategorized)
                {
                    // Its owner is gone and nobody else matches: it stays the gone owner's (an orphan provisioning handles).
                    result = previous with { OwnersDigest = ownersDigest };
                }

                if (result is { Status: CategorizationStatus.Correlated, ResourceType: { } type, OwnerId: { } owner }
                    && !resourceTypes.First(r => r.Name == type).Policies.AllowMultiplePerOwner
                    && held.TryGetValue((type, owner), out var accountsHeld) && accountsHeld.Any(a => a != account.Id))
                {
                    result = result with
                    {
                        Status = CategorizationStatus.Suggested,
                        Candidates = [owner],
                        Reason = result.Reason + $"; the owner already holds a {type}, which allows one per owner",
                    };
                }

                if (result is { Status: CategorizationStatus.Correlated, ResourceType: { } newType, OwnerId: { } newOwner })
                {
                    Hold(held, newType, newOwner, account.Id);
                }

                results.Add(result);
            }
        }

        await _store.SaveCategorizationsAsync(results, cancellationToken).ConfigureAwait(false);
        return new CategorizationReport
        {
            StartedAt = started,
            Full = full,
            Considered = considered,
            Kept = kept,
            Uncategorized = results.Count(static r => r.Status == CategorizationStatus.Uncategorized),
            ResourceTypes = [.. _model.ResourceTypes.Select(t => new ResourceTypeCounts
            {
                ResourceType = t.Name,
                Correlated = results.Count(r => r.ResourceType == t.Name && r.Status == CategorizationStatus.Correlated),
                Classified = results.Count(r => r.ResourceType == t.Name && r.Status == CategorizationStatus.Classified),
                Suggested = results.Count(r => r.ResourceType == t.Name && r.Status == CategorizationStatus.Suggested),
                Ambiguous = results.Count(r => r.ResourceType == t.Name && r.Status == CategorizationStatus.Ambiguous),
                Orphans = results.Count(r => r.ResourceType == t.Name && r.OwnerId is null && r.Status == CategorizationStatus.Classified),
            })],
            Duration = _timeProvider.GetElapsedTime(clock),
        };
    }

    /// <summary>Lists the suggestions and ambiguous matches waiting for review.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The open suggestions.</returns>
    public Task<IReadOnlyList<AccountCategorization>> GetSuggestionsAsync(CancellationToken cancellationToken = default) =>
        WhereAsync(static c => c.Status is CategorizationStatus.Suggested or CategorizationStatus.Ambiguous, cancellationToken);

    /// <summary>Lists categorized accounts without an owner (classified, or reviewed without one), so they can be reviewed.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The orphans.</returns>
    public Task<IReadOnlyList<AccountCategorization>> GetOrphansAsync(CancellationToken cancellationToken = default) =>
        WhereAsync(static c => c.ResourceType is not null && c.OwnerId is null && c.Status is CategorizationStatus.Classified or CategorizationStatus.Reviewed, cancellationToken);

    /// <summary>Lists the accounts no rule matched.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The uncategorized accounts.</returns>
    public Task<IReadOnlyList<AccountCategorization>> GetUncategorizedAsync(CancellationToken cancellationToken = default) =>
        WhereAsync(static c => c.Status == CategorizationStatus.Uncategorized, cancellationToken);

    /// <summary>Accepts a suggestion: the account gets the owner (the proposed one unless another is chosen) and the resource type, for good.</summary>
    /// <param name="resourceId">The account's id.</param>
    /// <param name="ownerId">The chosen owner; the single candidate when <see langword="null"/>.</param>
    /// <param name="resourceType">The chosen resource type; the suggested one when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The reviewed categorization.</returns>
    /// <exception cref="IdentitySyncException">The account has no categorization, or the choice is incomplete.</exception>
    public async Task<AccountCategorization> AcceptAsync(long resourceId, long? ownerId = null, string? resourceType = null, CancellationToken cancellationToken = default)
    {
        var current = await FindAsync(resourceId, cancellationToken).ConfigureAwait(false);
        var owner = ownerId ?? (current.Candidates.Count == 1 ? current.Candidates[0] : current.OwnerId);
        if (current.Status == CategorizationStatus.Ambiguous && ownerId is null)
        {
            throw new IdentitySyncException($"Account {resourceId} matched several owners ({string.Join(", ", current.Candidates)}); choose one.");
        }

        var type = resourceType ?? current.ResourceType
            ?? throw new IdentitySyncException($"Account {resourceId} has no suggested resource type; choose one.");
        var reviewed = current with
        {
            Status = CategorizationStatus.Reviewed,
            ResourceType = _model.GetResourceType(type).Name,
            OwnerId = owner,
            Candidates = [],
            Reason = $"accepted on review{(current.Reason is null ? string.Empty : " (" + current.Reason + ")")}",
            At = _timeProvider.GetUtcNow(),
        };
        await _store.SaveCategorizationsAsync([reviewed], cancellationToken).ConfigureAwait(false);
        return reviewed;
    }

    /// <summary>Rejects a suggestion: the account stays without owner and type, and rules never suggest again.</summary>
    /// <param name="resourceId">The account's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The rejected categorization.</returns>
    public async Task<AccountCategorization> RejectAsync(long resourceId, CancellationToken cancellationToken = default)
    {
        var current = await FindAsync(resourceId, cancellationToken).ConfigureAwait(false);
        var rejected = current with
        {
            Status = CategorizationStatus.Rejected,
            ResourceType = null,
            OwnerId = null,
            Candidates = [],
            Reason = $"rejected on review{(current.Reason is null ? string.Empty : " (" + current.Reason + ")")}",
            At = _timeProvider.GetUtcNow(),
        };
        await _store.SaveCategorizationsAsync([rejected], cancellationToken).ConfigureAwait(false);
        return rejected;
    }

    private static bool IsCandidate(AccountCategorization? previous, StoredResource account, ulong ownersDigest, bool full, HashSet<long> owners) => previous switch
    {
        null => true,
        { Status: CategorizationStatus.Reviewed or CategorizationStatus.Rejected } => false,

        // An owner that is gone (a leaver's HR row) may come back under a new id (a rehire): look again.
        { Status: CategorizationStatus.Correlated, OwnerId: { } owner } when !owners.Contains(owner) => previous.OwnersDigest != ownersDigest || full,
        { Status: CategorizationStatus.Correlated or CategorizationStatus.Classified } => full,
        _ => full || previous.AccountDigest != account.Digest || previous.OwnersDigest != ownersDigest,
    };

    private static void Hold(Dictionary<(string Type, long Owner), HashSet<long>> held, string type, long owner, long account)
    {
        if (!held.TryGetValue((type, owner), out var accounts))
        {
            held[(type, owner)] = accounts = [];
        }

        accounts.Add(account);
    }

    private static async Task<ulong> OwnersDigestAsync(ResourceGraph graph, List<ResourceType> resourceTypes, CancellationToken cancellationToken)
    {
        ulong digest = 0;
        foreach (var ownerType in resourceTypes.Select(static r => r.OwnerEntityType).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase))
        {
            foreach (var owner in (await graph.ResourcesAsync(ownerType, cancellationToken).ConfigureAwait(false)).Values)
            {
                // Order-independent: a sum of per-owner hashes.
                digest += Xxh64.Hash(BitConverter.GetBytes(owner.Id), owner.Digest);
            }
        }

        return digest;
    }

    private async Task<IReadOnlyList<AccountCategorization>> WhereAsync(Func<AccountCategorization, bool> predicate, CancellationToken cancellationToken)
    {
        var found = new List<AccountCategorization>();
        foreach (var entityType in _model.ResourceTypes.Select(static r => r.TargetEntityType).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            found.AddRange((await _store.GetCategorizationsAsync(entityType, cancellationToken).ConfigureAwait(false)).Where(predicate));
        }

        return [.. found.OrderBy(static c => c.ResourceId)];
    }

    private async Task<AccountCategorization> FindAsync(long resourceId, CancellationToken cancellationToken)
    {
        foreach (var entityType in _model.ResourceTypes.Select(static r => r.TargetEntityType).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var found = (await _store.GetCategorizationsAsync(entityType, cancellationToken).ConfigureAwait(false)).FirstOrDefault(c => c.ResourceId == resourceId);
            if (found is not null)
            {
                return found;
            }
        }

        throw new IdentitySyncException($"Account {resourceId} has not been categorized; run categorization first.");
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Categorization ended: {Considered} accounts considered, {Kept} kept as they were, {Uncategorized} uncategorized")]
    private static partial void LogCategorized(ILogger logger, long considered, long kept, long uncategorized);
}
