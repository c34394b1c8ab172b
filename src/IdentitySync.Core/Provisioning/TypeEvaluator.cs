using System.Reflection;
using System.Text;
using IdentitySync.Categorization;
using IdentitySync.Categorizations;
using IdentitySync.Connections;
using IdentitySync.Internal;
using IdentitySync.Model;
using IdentitySync.Orders;
using IdentitySync.Rules;
using IdentitySync.Storage;

namespace IdentitySync.Provisioning;

/// <summary>
/// Computes one resource type's desired state for each owner and compares it with the correlated accounts:
/// type rules, then navigation and query rules, then scalar rules, and the orders that close the difference.
/// </summary>
internal sealed class TypeEvaluator
{
    private static readonly string EngineVersion = typeof(TypeEvaluator).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? string.Empty;

    private readonly IdentityModel _model;
    private readonly ResourceType _type;
    private readonly ResourceGraph _graph;
    private readonly EntityType _targetType;
    private readonly Dictionary<long, List<(StoredResource Account, AccountCategorization Categorization)>> _accountsByOwner = [];
    private readonly Dictionary<long, long> _ownerOfAccount = [];
    private readonly List<(StoredResource Account, AccountCategorization Categorization)> _orphans = [];
    private readonly List<HashSet<long>> _dependencyHolders = [];
    private readonly HashSet<long> _suggested = [];
    private readonly Dictionary<long, StoredResource> _owners;
    private readonly OrderIndex _orders;
    private readonly ulong _rulesDigest;
    private readonly TypeRuleSet _typeRules;
    private readonly ScalarRuleSet _scalarRules;
    private readonly LinkRuleSet _linkRules;
    private readonly OrderFactory _factory;
    private readonly List<RuleExpression> _navigatingExpressions;
    private readonly bool _codeRules;
    private int? _ownerTotal;
    private long? _accountTotal;
    private ulong? _fingerprint;

    private TypeEvaluator(IdentityModel model, ResourceType type, ResourceGraph graph, Dictionary<long, StoredResource> owners, OrderIndex orders, DateTimeOffset now)
    {
        _model = model;
        _type = type;
        _graph = graph;
        _owners = owners;
        _orders = orders;
        _targetType = model.GetEntityType(type.TargetEntityType);
        _rulesDigest = RulesDigest(type);
        IsRepository = model.IsRepositoryType(type.TargetEntityType);
        _typeRules = new TypeRuleSet(type.TypeRules);
        _scalarRules = new ScalarRuleSet(type, _targetType, IsRepository, orders);
        _linkRules = new LinkRuleSet(type, _targetType, graph, orders);
        _factory = new OrderFactory(model, type, _targetType, now);
        _codeRules = OwnerExpressions(type).Any(static e => e is not RuleExpression);
        _navigatingExpressions = NavigatingExpressions(model, type);
    }

    public List<string> Problems { get; } = [];

    /// <summary>Gets what ownership policies made this generation skip.</summary>
    public List<OwnershipNote> Notes { get; } = [];

    /// <summary>Gets a value indicating whether the target is a repository type (no connector maps it): the internal workflow fulfills its orders.</summary>
    public bool IsRepository { get; }

    /// <summary>Gets the accounts correlated to an owner as the type's (the denominator of <c>MaxOrdersPercent</c>).</summary>
    public long AccountCount => _accountTotal ?? (_accountsByOwner.Values.Sum(static a => a.Count) + _orphans.Count);

    /// <summary>Gets the owners examined when the evaluator was built for the owners a set of changes reached; null when it holds every owner.</summary>
    public HashSet<long>? Scope { get; private set; }

    /// <summary>Whether a type's owners can be evaluated from the few resources a change reached: its rules read only the owner's own values (no navigation from the owner, no code).</summary>
    public static bool CanScope(ResourceType type, IdentityModel model) =>
        OwnerExpressions(type).All(static e => e is RuleExpression) && NavigatingExpressions(model, type).Count == 0;

    /// <summary>Builds an evaluator over every owner of the type, every account and every categorization.</summary>
    public static async Task<TypeEvaluator> CreateAsync(IdentityModel model, ResourceType type, ResourceGraph graph, ICategorizationStore store, OrderIndex orders, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var owners = await graph.ResourcesAsync(type.OwnerEntityType, cancellationToken).ConfigureAwait(false);
        var evaluator = new TypeEvaluator(model, type, graph, owners, orders, now);
        var accounts = await graph.ResourcesAsync(type.TargetEntityType, cancellationToken).ConfigureAwait(false);
        var categorizations = await store.GetCategorizationsAsync(type.TargetEntityType, cancellationToken).ConfigureAwait(false);
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
    /// <param name="orders">The orders known.</param>
    /// <param name="now">The generation's time.</param>
    /// <param name="changed">The ids the change feed holds since the type's last generation.</param>
    /// <param name="ownerCount">How many owners of the type there are (counted by the caller).</param>
    /// <param name="cancellationToken">Cancels the loading.</param>
    public static async Task<TypeEvaluator> CreateScopedAsync(IdentityModel model, ResourceType type, ResourceGraph graph, ICategorizationStore store, OrderIndex orders, DateTimeOffset now, IReadOnlySet<long> changed, long ownerCount, CancellationToken cancellationToken)
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

        var evaluator = new TypeEvaluator(model, type, graph, owners, orders, now)
        {
            Scope = [.. owners.Keys],
            _ownerTotal = (int)ownerCount,
            _accountTotal = await store.CountCategorizationsAsync(new CategorizationQuery(target) { ResourceType = type.Name, Statuses = settled, OwnedOnly = true }, cancellationToken).ConfigureAwait(false),
        };
        var scope = evaluator.Scope;
        await evaluator.LoadAsync(
            accounts.ToDictionary(static a => a.Id),
            categorizations,
            (dependency, query) => store.GetCategorizationsAsync(query with { OwnerIds = [.. scope] }, cancellationToken).AsTask(),
            cancellationToken).ConfigureAwait(false);
        return evaluator;
    }

    public IEnumerable<StoredResource> Owners => _owners.Values.OrderBy(static o => o.Key, StringComparer.Ordinal);

    /// <summary>Gets the number of owners of the type.</summary>
    public int OwnerCount => _ownerTotal ?? _owners.Count;

    /// <summary>Gets a value indicating whether some rule is code, which may read anything: every owner is evaluated each time.</summary>
    public bool HasCodeRules => _codeRules;

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

    /// <summary>The owners among the ids, in key order, as <see cref="Owners"/> gives them.</summary>
    public IEnumerable<StoredResource> OwnersAmong(IEnumerable<long> ids) =>
        ids.Select(id => _owners.GetValueOrDefault(id)).OfType<StoredResource>().OrderBy(static o => o.Key, StringComparer.Ordinal);

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

    /// <summary>A digest of everything the owner's evaluation reads; equal digests give equal orders.</summary>
    public ulong InputDigest(StoredResource owner)
    {
        if (_codeRules)
        {
            // Code may read anything: never skip.
            return 0;
        }

        var digest = Xxh64.Hash(BitConverter.GetBytes(owner.Id), owner.Digest ^ _rulesDigest);
        foreach (var expression in _navigatingExpressions)
        {
            digest = Mix(digest, _graph.ReachedDigest(owner, expression, "Owner"));
        }

        foreach (var (account, categorization) in _accountsByOwner.GetValueOrDefault(owner.Id) ?? [])
        {
            digest = Mix(digest, Xxh64.Hash(BitConverter.GetBytes(account.Id), account.Digest ^ (ulong)categorization.Confidence));
            foreach (var navigation in _linkRules.Governed.Keys)
            {
                foreach (var linked in _graph.Linked(account, navigation))
                {
                    digest = Mix(digest, (ulong)linked.Id * 0x9E3779B97F4A7C15UL);
                }
            }

            digest = Mix(digest, _orders.Digest(account.Id));
        }

        for (var i = 0; i < _dependencyHolders.Count; i++)
        {
            digest = Mix(digest, _dependencyHolders[i].Contains(owner.Id) ? (ulong)(i + 1) : 0);
        }

        digest = Mix(digest, _orders.OwnerDigest(_type.Name, owner.Id));
        digest = Mix(digest, _suggested.Contains(owner.Id) ? 0x5EEDUL : 0);
        digest = Mix(digest, _linkRules.TargetsDigest);
        return digest == 0 ? 1 : digest;
    }

    /// <summary>What the rules ask for the owner: entitlement, computed values and links, each explained.</summary>
    public Desired Evaluate(StoredResource owner)
    {
        var context = new ResourceContext(_graph, owner, null);
        var (entitled, grant) = _typeRules.Evaluate(context);
        var values = _scalarRules.Evaluate(context);
        var explain = new Dictionary<string, string>(_scalarRules.Explanations, StringComparer.Ordinal);
        var links = _linkRules.Evaluate(context, explain);
        return new Desired(entitled, grant, values, links, explain);
    }

    /// <summary>The orders that bring the owner's accounts in line with what the rules ask.</summary>
    public IEnumerable<ProvisioningOrder> Compare(StoredResource owner, Desired desired, OwnerProvisioningState? previous, Counters counters)
    {
        var accounts = _accountsByOwner.GetValueOrDefault(owner.Id) ?? [];
        var who = _factory.OwnerOf(owner);
        if (desired.Entitled == true && accounts.Count == 0)
        {
            if (!_type.Policies.AllowAdd)
            {
                yield break;
            }

            var missing = _type.Policies.DependsOn.Where((_, i) => !_dependencyHolders[i].Contains(owner.Id)).ToList();
            if (missing.Count > 0)
            {
                counters.WaitingForDependency++;
                yield break;
            }

            if (_suggested.Contains(owner.Id))
            {
                counters.WaitingForReview++;
                yield break;
            }

            if (_orders.HoldsAdded(_type.Name, owner.Id))
            {
                yield break;
            }

            var changes = desired.Values.Where(v => v.Value is not null && !_scalarRules.Manual.Contains(v.Key)).ToDictionary(static v => v.Key, static v => v.Value, StringComparer.Ordinal);
            var navigation = desired.Links.Where(static l => l.Value.Count > 0).ToDictionary(static l => l.Key, static l => new NavigationChange([.. l.Value], []), StringComparer.Ordinal);
            counters.Added++;
            yield return _factory.Create(OrderChangeType.Added, OrderKind.Rule, who, null, changes, navigation, _factory.ArgumentsOf(changes),
                $"{who.DisplayName} ({who.Key}) has no {_type.DisplayName}; {desired.Grant}"
                + (changes.Count == 0 ? string.Empty : "; computed " + string.Join(", ", changes.Select(c => $"{c.Key} = {RepositoryValues.Show(c.Value)} from {desired.Explain[c.Key]}"))),
                requireReview: false);
            yield break;
        }

        foreach (var (account, categorization) in accounts)
        {
            var review = categorization.Confidence < 100;
            if (desired.Entitled == false)
            {
                if (_orders.HoldsDeleted(account.Id) || IsEnded(account))
                {
                    continue;
                }

                var allowed = _type.Policies.AllowRemove;
                if (allowed)
                {
                    counters.Deleted++;
                }
                else
                {
                    counters.Gaps++;
                }

                yield return _factory.Create(OrderChangeType.Deleted, allowed ? OrderKind.Rule : OrderKind.Gap, who, _factory.ResourceOf(account), [], [], _factory.ArgumentsOf(account),
                    $"{who.DisplayName} ({who.Key}) is no longer entitled to {_type.DisplayName}: {desired.Grant}"
                    + (allowed ? string.Empty : $"; {_type.Name} does not allow removal, so the account is kept until reviewed"),
                    review);
                continue;
            }

            foreach (var order in Modifications(who, account, desired, previous, review, counters))
            {
                yield return order;
            }
        }
    }

    /// <summary>Accounts whose owner no longer exists: removed with <c>RemoveOrphans</c>, else a gap to review.</summary>
    public IEnumerable<ProvisioningOrder> Orphans(Counters counters)
    {
        foreach (var (account, categorization) in _orphans)
        {
            if (_orders.HoldsDeleted(account.Id) || IsEnded(account))
            {
                continue;
            }

            var remove = _type.Policies.RemoveOrphans;
            if (remove)
            {
                counters.Deleted++;
            }
            else
            {
                counters.Gaps++;
            }

            yield return _factory.Create(OrderChangeType.Deleted, remove ? OrderKind.Rule : OrderKind.Gap, null, _factory.ResourceOf(account), [], [], _factory.ArgumentsOf(account),
                $"the owner (id {categorization.OwnerId}) of {_type.DisplayName} '{account.Key}' no longer exists; "
                + (remove ? "RemoveOrphans is on" : "without RemoveOrphans the account is kept until reviewed"),
                requireReview: false);
        }
    }

    public OwnerProvisioningState StateOf(StoredResource owner, ulong digest, Desired desired) =>
        new(_type.Name, owner.Id, digest, desired.Entitled ?? false, desired.Values,
            desired.Links.ToDictionary(static l => l.Key, static l => (IReadOnlyList<string>)[.. l.Value], StringComparer.Ordinal));

    /// <summary>Whether a repository resource was ended by the internal workflow: it is not removed again.</summary>
    private bool IsEnded(StoredResource account)
    {
        var workflow = _type.Policies.Workflow;
        return (workflow.ActiveProperty is { } active && account.ValueAt(_targetType, _targetType.IndexOf(active)) is false)
            || (workflow.EndDateProperty is { } end && account.ValueAt(_targetType, _targetType.IndexOf(end)) is not null);
    }

    private static ulong Mix(ulong digest, ulong value) => (digest ^ value) * 0x100000001B3UL + 0x9E3779B97F4A7C15UL;

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

    private IEnumerable<ProvisioningOrder> Modifications(OrderOwner who, StoredResource account, Desired desired, OwnerProvisioningState? previous, bool review, Counters counters)
    {
        var difference = new OrderDifference();
        if (IsRepository && desired.Entitled == true && IsEnded(account))
        {
            // Entitled again (a rehire): the workflow's own properties go back, unless an order in flight does it already.
            var workflow = _type.Policies.Workflow;
            if (workflow.ActiveProperty is { } active && !_orders.Holds(account.Id, _targetType.FindProperty(active)!.Name, "true"))
            {
                difference.RuleChanges[_targetType.FindProperty(active)!.Name] = "true";
            }

            if (workflow.EndDateProperty is { } end && !_orders.Holds(account.Id, _targetType.FindProperty(end)!.Name, null))
            {
                difference.RuleChanges[_targetType.FindProperty(end)!.Name] = null;
            }

            if (difference.RuleChanges.Count > 0)
            {
                difference.RuleReasons.Add($"reactivated: it was ended, and {desired.Grant}");
            }
        }

        _scalarRules.Compare(account, desired, previous, difference, Notes);
        _linkRules.Compare(account, who, desired, previous, difference);
        if (difference.RuleChanges.Count > 0 || difference.RuleLinks.Count > 0)
        {
            counters.Modified++;
            yield return _factory.Create(OrderChangeType.Modified, OrderKind.Rule, who, _factory.ResourceOf(account), difference.RuleChanges, OrderDifference.Navigation(difference.RuleLinks), _factory.ArgumentsOf(account),
                $"{_type.DisplayName} '{account.Key}' of {who.DisplayName} ({who.Key}) differs from the rules: {string.Join("; ", difference.RuleReasons)}", review);
        }

        if (difference.DriftChanges.Count > 0 || difference.DriftLinks.Count > 0)
        {
            counters.NonConforming++;
            yield return _factory.Create(OrderChangeType.Modified, OrderKind.NonConforming, who, _factory.ResourceOf(account), difference.DriftChanges, OrderDifference.Navigation(difference.DriftLinks), _factory.ArgumentsOf(account),
                $"non-conforming {_type.DisplayName} '{account.Key}' of {who.DisplayName} ({who.Key}): {string.Join("; ", difference.DriftReasons)}. Approve to apply the computed values, decline to keep the current ones.",
                requireReview: true);
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
                    if (!_accountsByOwner.TryGetValue(ownerId, out var list))
                    {
                        _accountsByOwner[ownerId] = list = [];
                    }

                    list.Add((account, categorization));
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
