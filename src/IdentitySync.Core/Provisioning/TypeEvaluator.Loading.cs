using System.Text;
using IdentitySync.Categorization;
using IdentitySync.Categorizations;
using IdentitySync.Internal;
using IdentitySync.Model;
using IdentitySync.Rules;
using IdentitySync.Storage;

namespace IdentitySync.Provisioning;

/// <summary>
/// How an evaluator is built: over every owner, or over the owners a set of changed resources reaches (read by id),
/// which changed owners those are, and the fingerprint a change feed position is kept with.
/// </summary>
internal sealed partial class TypeEvaluator
{
    /// <summary>Gets the owners examined when the evaluator was built for the owners a set of changes reached; null when it holds every owner.</summary>
    public HashSet<long>? Scope { get; private set; }

    /// <summary>Whether a type's owners can be evaluated from the few resources a change reached: its rules read only the owner's own values (no navigation from the owner, no code).</summary>
    public static bool CanScope(ResourceType type, IdentityModel model) =>
        OwnerExpressions(type).All(static e => e is RuleExpression) && NavigatingExpressions(model, type).Count == 0;

    /// <summary>
    /// Builds an evaluator over every owner of the type, every account and every categorization: the three read side by
    /// side (<see cref="ResourceGraph.ReadSideBySideAsync"/>).
    /// </summary>
    public static async Task<TypeEvaluator> CreateAsync(IdentityModel model, ResourceType type, ResourceGraph graph, ICategorizationStore store, OrderIndex orders, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // The reasons are not read: the evaluation decides from the owner, status, type and confidence.
        var categorizationsRead = Task.Run(() => store.GetCategorizationsAsync(new CategorizationQuery(type.TargetEntityType) { WithoutReasons = true }, cancellationToken).AsTask(), cancellationToken);
        await graph.ReadSideBySideAsync([type.OwnerEntityType, type.TargetEntityType], [categorizationsRead], cancellationToken).ConfigureAwait(false);
        var owners = await graph.ResourcesAsync(type.OwnerEntityType, cancellationToken).ConfigureAwait(false);
        var evaluator = new TypeEvaluator(model, type, graph, owners, orders, now);
        var accounts = await graph.ResourcesAsync(type.TargetEntityType, cancellationToken).ConfigureAwait(false);
        var categorizations = await categorizationsRead.ConfigureAwait(false);
        await evaluator.LoadAsync(accounts, categorizations, (dependency, query) => store.GetCategorizationsAsync(query, cancellationToken).AsTask(), cancellationToken).ConfigureAwait(false);
        return evaluator;
    }

    /// <summary>
    /// Builds an evaluator over the owners a set of changed resources reaches (<see cref="CanScope"/> types only):
    /// the changed owners and the owners of changed accounts, with their accounts and the accounts of deleted owners
    /// among the changes (orphans), read by id; the pending suggestions; the rules' link targets whole. What the
    /// full evaluator reads for a million owners, this one reads for the few thousand reached.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="type">The resource type.</param>
    /// <param name="graph">A graph of its own: the owner and account types are scoped in it.</param>
    /// <param name="store">The store.</param>
    /// <param name="ordersOf">Gives the orders known about some resources (the owners reached, their accounts), indexed.</param>
    /// <param name="now">The generation's time.</param>
    /// <param name="changed">The ids the change feed holds since the type's last generation.</param>
    /// <param name="ownerCount">How many owners of the type there are (counted by the caller).</param>
    /// <param name="cancellationToken">Cancels the loading.</param>
    public static async Task<TypeEvaluator> CreateScopedAsync(IdentityModel model, ResourceType type, ResourceGraph graph, ICategorizationStore store, Func<IReadOnlyCollection<long>, CancellationToken, Task<OrderIndex>> ordersOf, DateTimeOffset now, IReadOnlySet<long> changed, long ownerCount, CancellationToken cancellationToken)
    {
        IReadOnlyList<CategorizationStatus> settled = [CategorizationStatus.Correlated, CategorizationStatus.Reviewed];
        var target = type.TargetEntityType;
        long[] changedIds = [.. changed];

        // The owners reached: changed owners, and the owners (before and after: the feed holds both) of changed accounts.
        var ofChangedAccounts = await store.GetCategorizationsAsync(new CategorizationQuery(target) { ResourceIds = changedIds, ResourceType = type.Name, Statuses = settled, OwnedOnly = true }, cancellationToken).ConfigureAwait(false);
        long[] candidates = [.. changedIds.Concat(ofChangedAccounts.Select(static c => c.OwnerId!.Value)).Distinct()];
        var owners = (await store.GetResourcesByIdAsync(candidates, cancellationToken).ConfigureAwait(false))
            .Where(r => string.Equals(r.EntityType, type.OwnerEntityType, StringComparison.OrdinalIgnoreCase))
            .ToDictionary(static r => r.Id);

        // Their accounts, and the accounts whose owner among the changes is gone (orphans), with the pending suggestions.
        var categorizations = new List<AccountCategorization>(await store.GetCategorizationsAsync(new CategorizationQuery(target) { OwnerIds = candidates, ResourceType = type.Name, Statuses = settled }, cancellationToken).ConfigureAwait(false));
        categorizations.AddRange(await store.GetCategorizationsAsync(new CategorizationQuery(target) { ResourceType = type.Name, Statuses = [CategorizationStatus.Suggested, CategorizationStatus.Ambiguous] }, cancellationToken).ConfigureAwait(false));
        var accounts = (await store.GetResourcesByIdAsync([.. categorizations.Where(static c => c.OwnerId is not null).Select(static c => c.ResourceId)], cancellationToken).ConfigureAwait(false))
            .Where(r => string.Equals(r.EntityType, target, StringComparison.OrdinalIgnoreCase))
            .ToList();
        graph.Scope(type.OwnerEntityType, owners.Values);
        graph.Scope(target, accounts);

        // The orders of these owners and accounts only (and of owners reached but gone): the evaluator asks about no other.
        var orders = await ordersOf([.. candidates.Concat(categorizations.Select(static c => c.ResourceId)).Distinct()], cancellationToken).ConfigureAwait(false);
        var evaluator = new TypeEvaluator(model, type, graph, owners, orders, now)
        {
            Scope = [.. owners.Keys],
            _ownerTotal = (int)ownerCount,
            _countAccounts = async token => await store.CountCategorizationsAsync(new CategorizationQuery(target) { ResourceType = type.Name, Statuses = settled, OwnedOnly = true }, token).ConfigureAwait(false),
        };
        var scope = evaluator.Scope;
        await evaluator.LoadAsync(
            accounts.ToDictionary(static a => a.Id),
            categorizations,
            (dependency, query) => store.GetCategorizationsAsync(query with { OwnerIds = [.. scope] }, cancellationToken).AsTask(),
            cancellationToken).ConfigureAwait(false);
        return evaluator;
    }

    /// <summary>
    /// Gets a digest of what every owner is evaluated with (the engine's version, the type's rules and policies,
    /// the rules' targets, the two entity types' properties): the change feed's position is kept with it, and
    /// another value means one full pass.
    /// </summary>
    public ulong Fingerprint => _fingerprint ??= FingerprintOf();

    private ulong FingerprintOf()
    {
        var text = new StringBuilder(EngineVersion).Append('|').Append(_rulesDigest).Append('|').Append(_linkRules.TargetsDigest);
        foreach (var entityType in new[] { _model.GetEntityType(_type.OwnerEntityType), _targetType })
        {
            text.Append('|').Append(entityType.Name);
            foreach (var property in entityType.Properties)
            {
                text.Append(',').Append(property.Name).Append(':').Append(property.Type);
            }

            foreach (var navigation in entityType.NavigationProperties)
            {
                text.Append(',').Append(navigation.Name).Append('>').Append(navigation.TargetEntityType);
            }
        }

        return Xxh64.Hash(Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>
    /// The owners whose inputs a set of changed resources may have changed: changed owners, the owners of changed
    /// accounts of the type, and the owners whose navigating rules lead to a changed resource. Owners that lost or
    /// gained an account, a suggestion, an order or a dependency are in the feed themselves (the store records them).
    /// </summary>
    public async Task<HashSet<long>> ReachedAsync(IReadOnlySet<long> changed, CancellationToken cancellationToken)
    {
        var reached = new HashSet<long>();
        foreach (var id in changed)
        {
            if (_owners.ContainsKey(id))
            {
                reached.Add(id);
            }

            if (_ownerOfAccount.TryGetValue(id, out var owner))
            {
                reached.Add(owner);
            }
        }

        foreach (var expression in _navigatingExpressions)
        {
            reached.UnionWith(await _graph.ReachingAsync(expression, "Owner", _type.OwnerEntityType, changed, cancellationToken).ConfigureAwait(false));
        }

        reached.IntersectWith(_owners.Keys);
        return reached;
    }

    private static ulong RulesDigest(ResourceType type)
    {
        var text = new StringBuilder();
        text.Append(type.Policies.ToString());
        foreach (var rule in type.TypeRules)
        {
            text.Append('|').Append(rule.Criteria?.Text).Append(rule.Deny);
        }

        foreach (var rule in type.ScalarRules)
        {
            text.Append('|').Append(rule.Property).Append(rule.Value.Text).Append(rule.Comparison).Append(rule.CreateOnly);
        }

        foreach (var rule in type.NavigationRules)
        {
            text.Append('|').Append(rule.Property).Append(rule.Target).Append(rule.Criteria?.Text);
        }

        foreach (var rule in type.QueryRules)
        {
            text.Append('|').Append(rule.Property).Append(rule.Owner.Text).Append(rule.Target.Text).Append(rule.Criteria?.Text);
        }

        return Xxh64.Hash(Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>The rule expressions whose paths navigate from the owner: a property of the owner is in the owner's digest already, these reach other resources.</summary>
    private static List<RuleExpression> NavigatingExpressions(IdentityModel model, ResourceType type)
    {
        var ownerType = model.GetEntityType(type.OwnerEntityType);
        return [.. OwnerExpressions(type).OfType<RuleExpression>()
            .Where(e => e.Paths.Any(p => string.Equals(p.Root, "Owner", StringComparison.OrdinalIgnoreCase) && p.Properties.Count > 1 && ownerType.FindNavigationProperty(p.Properties[0]) is not null))];
    }

    private static IEnumerable<IRuleExpression> OwnerExpressions(ResourceType type)
    {
        foreach (var rule in type.TypeRules)
        {
            if (rule.Criteria is not null)
            {
                yield return rule.Criteria;
            }
        }

        foreach (var rule in type.ScalarRules)
        {
            yield return rule.Value;
        }

        foreach (var rule in type.NavigationRules)
        {
            if (rule.Criteria is not null)
            {
                yield return rule.Criteria;
            }
        }

        foreach (var rule in type.QueryRules)
        {
            yield return rule.Owner;
            if (rule.Criteria is not null)
            {
                yield return rule.Criteria;
            }
        }
    }

    /// <summary>
    /// Indexes the accounts by owner from their categorizations (an account of an owner not held is an orphan), the
    /// owners waiting for a review, the holders of each type the type depends on, and the link rules' targets.
    /// </summary>
    /// <param name="accounts">The accounts, by id.</param>
    /// <param name="categorizations">Their categorizations, and the pending suggestions.</param>
    /// <param name="dependencyHolders">Reads the settled categorizations of a dependency's type, as the query says (or narrower).</param>
    /// <param name="cancellationToken">Cancels the loading.</param>
    private async Task LoadAsync(
        Dictionary<long, StoredResource> accounts,
        IReadOnlyList<AccountCategorization> categorizations,
        Func<ResourceType, CategorizationQuery, Task<IReadOnlyList<AccountCategorization>>> dependencyHolders,
        CancellationToken cancellationToken)
    {
        foreach (var expression in OwnerExpressions(_type))
        {
            await _graph.PrepareAsync(expression, "Owner", _type.OwnerEntityType, cancellationToken).ConfigureAwait(false);
        }

        foreach (var categorization in categorizations)
        {
            if (categorization.Status is CategorizationStatus.Suggested or CategorizationStatus.Ambiguous
                && string.Equals(categorization.ResourceType, _type.Name, StringComparison.OrdinalIgnoreCase))
            {
                // An account that may be theirs waits for review: creating another would make a duplicate.
                _suggested.UnionWith(categorization.Candidates);
            }

            if (categorization is not { OwnerId: { } ownerId, Status: CategorizationStatus.Correlated or CategorizationStatus.Reviewed }
                || !accounts.TryGetValue(categorization.ResourceId, out var account))
            {
                continue;
            }

            if (string.Equals(categorization.ResourceType, _type.Name, StringComparison.OrdinalIgnoreCase))
            {
                if (_owners.ContainsKey(ownerId))
                {
                    OneOrMore<(StoredResource, AccountCategorization)>.Add(_accountsByOwner, ownerId, (account, categorization));
                    _ownerOfAccount[account.Id] = ownerId;
                }
                else
                {
                    _orphans.Add((account, categorization));
                }
            }
        }

        foreach (var dependency in _type.Policies.DependsOn)
        {
            var dependencyType = _model.GetResourceType(dependency);
            var holders = new HashSet<long>();
            var query = new CategorizationQuery(dependencyType.TargetEntityType) { ResourceType = dependencyType.Name, Statuses = [CategorizationStatus.Correlated, CategorizationStatus.Reviewed], OwnedOnly = true };
            foreach (var categorization in await dependencyHolders(dependencyType, query).ConfigureAwait(false))
            {
                if (categorization is { OwnerId: { } ownerId, Status: CategorizationStatus.Correlated or CategorizationStatus.Reviewed }
                    && string.Equals(categorization.ResourceType, dependencyType.Name, StringComparison.OrdinalIgnoreCase))
                {
                    holders.Add(ownerId);
                }
            }

            _dependencyHolders.Add(holders);
        }

        await _linkRules.LoadAsync(Problems, cancellationToken).ConfigureAwait(false);
    }
}
