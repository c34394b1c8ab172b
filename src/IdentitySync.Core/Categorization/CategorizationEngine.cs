using System.Reflection;
using System.Text;
using IdentitySync.Categorizations;
using IdentitySync.Diagnostics;
using IdentitySync.Internal;
using IdentitySync.Model;
using IdentitySync.Rules;
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
    // The change feed's position is kept with the engine's version: another version examines every account once.
    private static readonly ulong Fingerprint = Xxh64.Hash(Encoding.UTF8.GetBytes("categorization|" + (typeof(CategorizationEngine).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? string.Empty)));

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
        var feed = _store as IChangeFeedStore;
        var head = feed is null ? ChangeFeedHead.None : await feed.GetChangeFeedHeadAsync(cancellationToken).ConfigureAwait(false);
        var graph = new ResourceGraph(_model, _store);
        var results = new List<AccountCategorization>();
        var changedResults = new List<AccountCategorization>();
        var replaced = new List<AccountCategorization>();
        var consumers = new List<string>();
        long considered = 0, kept = 0;
        foreach (var targetType in _model.ResourceTypes.Select(r => _model.GetEntityType(r.TargetEntityType).Name).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var resourceTypes = _model.ResourceTypes.Where(r => string.Equals(r.TargetEntityType, targetType, StringComparison.OrdinalIgnoreCase)).ToList();
            var changed = full ? null : await ChangedSinceAsync(feed, head, Consumer(targetType), cancellationToken).ConfigureAwait(false);

            // Counted once (a million accounts take 20-30 ms to count): the accounts not examined are the ones kept.
            var accountCount = changed is null ? 0 : await _store.CountResourcesAsync(targetType, cancellationToken).ConfigureAwait(false);
            if (changed is not null && changed.Count > accountCount / 4)
            {
                // The feed names more than a quarter as many resources as there are accounts: reading them all costs less.
                changed = null;
            }

            // Only the accounts the feed names are read when the rules read nothing but an account's own values;
            // a graph of its own, so that another target type never sees this one in part.
            var scoped = changed is not null && ReadsOnlyOwnValues(targetType, resourceTypes);
            var typeGraph = scoped ? new ResourceGraph(_model, _store) : graph;

            // Scoped, the owners are not read whole: the feed tells whether they changed (OwnersView).
            var ownerTypes = resourceTypes.Select(static r => r.OwnerEntityType).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            var changedResources = scoped ? await _store.GetResourcesByIdAsync(changed!, cancellationToken).ConfigureAwait(false) : null;
            var every = changed is null ? await ExaminedAccounts.AllAsync(typeGraph, _store, targetType, ownerTypes, cancellationToken).ConfigureAwait(false) : null;
            if (!scoped && every is null)
            {
                // Every owner and every account are read: side by side.
                await typeGraph.ReadSideBySideAsync([.. ownerTypes, targetType], [], cancellationToken).ConfigureAwait(false);
            }

            var owners = changedResources is null
                ? await OwnersView.ReadAllAsync(typeGraph, ownerTypes, cancellationToken).ConfigureAwait(false)
                : OwnersView.FromFeed(ownerTypes, changed!, changedResources, head);
            var examined = every
                ?? await ExaminedAccounts.ChangedAsync(typeGraph, _store, targetType, changed!, changedResources, owners, scoped, accountCount, cancellationToken).ConfigureAwait(false);
            await owners.LookUpAsync(_store, examined.Previous.Values.Where(static c => c.Status == CategorizationStatus.Correlated).Select(static c => c.OwnerId).OfType<long>(), cancellationToken).ConfigureAwait(false);
            if (head.Version >= 0)
            {
                consumers.Add(Consumer(targetType));
            }

            var candidates = new List<StoredResource>();
            foreach (var account in examined.InKeyOrder())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (IsCandidate(examined.Previous.GetValueOrDefault(account.Id), account, full, owners))
                {
                    candidates.Add(account);
                }
            }

            // A run that examines a few accounts indexes the owners only under those accounts' values.
            var matcher = await AccountMatcher.CreateAsync(typeGraph, resourceTypes, targetType, changed is null ? null : candidates, _store, cancellationToken).ConfigureAwait(false);
            considered += candidates.Count;
            kept += examined.Total - candidates.Count;
            var now = _timeProvider.GetUtcNow();
            var matched = matcher.CategorizeAll(candidates, owners.Digest, now, cancellationToken);

            // Who already holds an account of each type, for types that allow one per owner: only the owners matched
            // are looked up. Indexed by type and owner (a list scanned per account made a million accounts take minutes).
            var held = await examined.HeldAsync(_store, targetType, matched.Select(static m => m.Result.OwnerId).OfType<long>(), cancellationToken).ConfigureAwait(false);
            foreach (var (account, match) in matched)
            {
                var previous = examined.Previous.GetValueOrDefault(account.Id);
                var result = match;
                if (previous is { Status: CategorizationStatus.Correlated } && result.Status == CategorizationStatus.Uncategorized)
                {
                    // Its owner is gone and nobody else matches: it stays the gone owner's (an orphan provisioning handles).
                    result = previous with { OwnersDigest = owners.Digest };
                }

                if (result is { Status: CategorizationStatus.Correlated, ResourceType: { } type, OwnerId: { } owner }
                    && !AllowsMultiplePerOwner(resourceTypes, type)
                    && held.HoldsAnother(type, owner, account.Id))
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
                    held.Hold(newType, newOwner, account.Id);
                }

                results.Add(result);
                if (previous is not null && owners.FollowsFeed && SameDecision(previous, result))
                {
                    // Decided as before (an orphan kept as its gone owner's, a suggestion made again) in a run that
                    // learns of owner changes from the feed, where the digest it would refresh is never compared:
                    // nothing to write, and nothing in the feed for order generation to evaluate again (decision 114).
                    continue;
                }

                changedResults.Add(result);
                if (previous is not null)
                {
                    replaced.Add(previous);
                }
            }
        }

        if (changedResults.Count > 0)
        {
            await _store.SaveCategorizationsAsync(changedResults, cancellationToken).ConfigureAwait(false);
        }

        if (feed is not null && consumers.Count > 0)
        {
            var version = await SeenThroughAsync(feed, head, changedResults, replaced, cancellationToken).ConfigureAwait(false);
            foreach (var consumer in consumers)
            {
                await feed.SetChangeFeedPositionAsync(consumer, new ChangeFeedPosition(version, Fingerprint), cancellationToken).ConfigureAwait(false);
            }
        }

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

    private static bool IsCandidate(AccountCategorization? previous, StoredResource account, bool full, OwnersView owners) => previous switch
    {
        null => true,
        { Status: CategorizationStatus.Reviewed or CategorizationStatus.Rejected } => false,

        // An owner that is gone (a leaver's HR row) may come back under a new id (a rehire): look again.
        { Status: CategorizationStatus.Correlated, OwnerId: { } owner } when !owners.Exists(owner) => owners.ChangedSince(previous) || full,
        { Status: CategorizationStatus.Correlated or CategorizationStatus.Classified } => full,
        _ => full || previous.AccountDigest != account.Digest || owners.ChangedSince(previous),
    };

    private static string Consumer(string targetType) => "categorization:" + targetType;

    /// <summary>
    /// Whether a result decides what the previous categorization decided, for the same account data: only when it was
    /// made and under which owners' digest differ. In a run that follows the feed such a result is not saved: the
    /// stored one keeps its time (when the decision was made) and its digest, which a later run that reads every owner
    /// finds unlike today's, as it would a feed run's token, and examines the account again.
    /// </summary>
    private static bool SameDecision(AccountCategorization previous, AccountCategorization result) =>
        previous.Status == result.Status
        && string.Equals(previous.EntityType, result.EntityType, StringComparison.Ordinal)
        && string.Equals(previous.ResourceType, result.ResourceType, StringComparison.Ordinal)
        && previous.OwnerId == result.OwnerId
        && previous.Confidence == result.Confidence
        && previous.Candidates.SequenceEqual(result.Candidates)
        && string.Equals(previous.Reason, result.Reason, StringComparison.Ordinal)
        && previous.AccountDigest == result.AccountDigest;

    /// <summary>
    /// Whether the resource type of that name allows several accounts per owner. A loop, not a lambda: asked for each
    /// correlated account, a lambda capturing the name made a closure and a delegate per account.
    /// </summary>
    private static bool AllowsMultiplePerOwner(List<ResourceType> resourceTypes, string name)
    {
        foreach (var type in resourceTypes)
        {
            if (type.Name == name)
            {
                return type.Policies.AllowMultiplePerOwner;
            }
        }

        throw new InvalidOperationException($"No resource type '{name}' categorizes these accounts.");
    }

    /// <summary>
    /// The resources changed since this target type's last categorization, or null when every account is examined:
    /// no usable position (<see cref="ChangeFeedChanges.SinceAsync"/>) or another engine version.
    /// </summary>
    private static async Task<HashSet<long>?> ChangedSinceAsync(IChangeFeedStore? feed, ChangeFeedHead head, string consumer, CancellationToken cancellationToken) =>
        await ChangeFeedChanges.SinceAsync(feed, head, consumer, cancellationToken).ConfigureAwait(false) is { } since && since.Position.Fingerprint == Fingerprint
            ? since.Changed
            : null;

    /// <summary>
    /// The version this run has seen through: the head after its own save when every resource written since the head
    /// read first is one this save touched (its accounts, their owners and candidates, before and after), so that the
    /// next run does not read its own million writes back; otherwise the head read first (another writer's changes
    /// come back next time). When the save is the only version since, that is known without reading it.
    /// </summary>
    private static async Task<long> SeenThroughAsync(IChangeFeedStore feed, ChangeFeedHead head, List<AccountCategorization> results, List<AccountCategorization> replaced, CancellationToken cancellationToken)
    {
        var after = await feed.GetChangeFeedHeadAsync(cancellationToken).ConfigureAwait(false);
        if (after.Version <= head.Version || !after.Covers(head.Version))
        {
            return head.Version;
        }

        if (after.Version == head.Version + 1 && results.Count > 0)
        {
            // Each committed write is one version, and this save was one: the only version since is its own, and
            // reading its million ids back to find that out cost a categorization of a million accounts 0.6-0.8 s.
            return after.Version;
        }

        // What the store records for each categorization saved and each one replaced (ChangeFeedEntries).
        var ours = new HashSet<long>();
        foreach (var categorization in results.Concat(replaced))
        {
            ours.UnionWith(ChangeFeedEntries.OfCategorization(categorization, null, []));
        }

        await foreach (var id in feed.GetChangedResourceIdsAsync(head.Version, after.Version, cancellationToken).ConfigureAwait(false))
        {
            if (!ours.Contains(id))
            {
                return head.Version;
            }
        }

        return after.Version;
    }

    /// <summary>Whether every rule of the target type's resource types is an expression that reads only the account's and the owner's own values (no navigation), so that the accounts can be read by id.</summary>
    private bool ReadsOnlyOwnValues(string targetType, List<ResourceType> resourceTypes)
    {
        if (resourceTypes.Any(r => string.Equals(r.OwnerEntityType, targetType, StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        return resourceTypes.All(r => r.CorrelationRules.SelectMany(static c => new[] { c.Owner, c.Account })
            .Concat(r.ClassificationRules.Select(static c => c.Predicate))
            .All(e => e is RuleExpression parsed && parsed.Paths.All(p => p.Properties.Count == 0
                || _model.GetEntityType(string.Equals(p.Root, "Owner", StringComparison.OrdinalIgnoreCase) ? r.OwnerEntityType : targetType).FindNavigationProperty(p.Properties[0]) is null)));
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
