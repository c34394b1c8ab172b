using System.Reflection;
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
internal sealed partial class TypeEvaluator
{
    // Below this many owners, a batch is evaluated on the calling thread.
    private const int ParallelEvaluationFloor = 256;

    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> NoLinks = new Dictionary<string, IReadOnlyList<string>>();
    private static readonly IReadOnlyDictionary<string, SortedSet<string>> NoDesiredLinks = new Dictionary<string, SortedSet<string>>();

    private static readonly string EngineVersion = typeof(TypeEvaluator).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? string.Empty;

    private readonly IdentityModel _model;
    private readonly ResourceType _type;
    private readonly ResourceGraph _graph;
    private readonly EntityType _targetType;
    private readonly Dictionary<long, OneOrMore<(StoredResource Account, AccountCategorization Categorization)>> _accountsByOwner = [];
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
    private Func<CancellationToken, Task<long>>? _countAccounts;
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

    /// <summary>
    /// Counts the accounts correlated to an owner as the type's (the denominator of <c>MaxOrdersPercent</c>): those held,
    /// or, for an evaluator that holds only the owners a change reached, every one in the store (asked only when the
    /// threshold needs it).
    /// </summary>
    /// <param name="cancellationToken">Cancels the count.</param>
    /// <returns>The count.</returns>
    public Task<long> CountAccountsAsync(CancellationToken cancellationToken) =>
        _countAccounts?.Invoke(cancellationToken) ?? Task.FromResult((long)_accountsByOwner.Values.Sum(static a => a.Count) + _orphans.Count);

    public IEnumerable<StoredResource> Owners => _owners.Values.OrderBy(static o => o.Key, StringComparer.Ordinal);

    /// <summary>Gets the number of owners of the type.</summary>
    public int OwnerCount => _ownerTotal ?? _owners.Count;

    /// <summary>Gets the orders the evaluator consults; a generation adds its own orders to them as it makes them.</summary>
    public OrderIndex Orders => _orders;

    /// <summary>Gets a value indicating whether some rule is code, which may read anything: every owner is evaluated each time.</summary>
    public bool HasCodeRules => _codeRules;

    /// <summary>The owners among the ids, in key order, as <see cref="Owners"/> gives them.</summary>
    public IEnumerable<StoredResource> OwnersAmong(IEnumerable<long> ids) =>
        ids.Select(id => _owners.GetValueOrDefault(id)).OfType<StoredResource>().OrderBy(static o => o.Key, StringComparer.Ordinal);

    /// <summary>A digest of everything the owner's evaluation reads; equal digests give equal orders.</summary>
    public ulong InputDigest(StoredResource owner)
    {
        if (_codeRules)
        {
            // Code may read anything: never skip.
            return 0;
        }

        var digest = Xxh64.Hash(owner.Id, owner.Digest ^ _rulesDigest);
        foreach (var expression in _navigatingExpressions)
        {
            digest = Mix(digest, _graph.ReachedDigest(owner, expression, "Owner"));
        }

        foreach (var (account, categorization) in _accountsByOwner.GetValueOrDefault(owner.Id))
        {
            digest = Mix(digest, Xxh64.Hash(account.Id, account.Digest ^ (ulong)categorization.Confidence));
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

    /// <summary>
    /// What the rules ask for each of some owners, in their order. Rules the engine parsed read nothing but the values
    /// they are given and write nothing, so many owners are evaluated on every core; rules written as code may not be
    /// thread-safe, and are called one owner at a time, as are a few owners (not worth the threads). What an owner's rule
    /// throws is thrown as the loop of one owner at a time throws it.
    /// </summary>
    /// <param name="owners">The owners.</param>
    /// <param name="cancellationToken">Stops the evaluation.</param>
    public Desired[] EvaluateAll(IReadOnlyList<StoredResource> owners, CancellationToken cancellationToken) =>
        Parallelism.Map(owners.Count, !_codeRules, ParallelEvaluationFloor, i => Evaluate(owners[i]), cancellationToken);

    /// <summary>What the rules ask for the owner: entitlement, computed values and links, each explained.</summary>
    public Desired Evaluate(StoredResource owner)
    {
        var context = new ResourceContext(_graph, owner, null);
        var (entitled, grant) = _typeRules.Evaluate(context);
        var values = _scalarRules.Evaluate(context);
        if (!_linkRules.HasRules)
        {
            // Nothing adds to the explanations: every owner shares the scalar rules' (decision 98).
            return new Desired(entitled, grant, values, NoDesiredLinks, _scalarRules.Explanations);
        }

        var explain = new Dictionary<string, string>(_scalarRules.Explanations, StringComparer.Ordinal);
        var links = _linkRules.Evaluate(context, explain);
        return new Desired(entitled, grant, values, links, explain);
    }

    /// <summary>
    /// Adds to <paramref name="into"/> the orders that bring the owner's accounts in line with what the rules ask
    /// (into a list the caller reuses: most owners get none, and a million owners' iterators and lists were garbage).
    /// </summary>
    public void Compare(StoredResource owner, Desired desired, OwnerProvisioningState? previous, Counters counters, List<ProvisioningOrder> into)
    {
        var accounts = _accountsByOwner.GetValueOrDefault(owner.Id);

        // Named only for an order or a reason: most owners get neither.
        OrderOwner? known = null;
        if (desired.Entitled == true && accounts.Count == 0)
        {
            if (!_type.Policies.AllowAdd)
            {
                return;
            }

            var missing = _type.Policies.DependsOn.Where((_, i) => !_dependencyHolders[i].Contains(owner.Id)).ToList();
            if (missing.Count > 0)
            {
                counters.WaitingForDependency++;
                return;
            }

            if (_suggested.Contains(owner.Id))
            {
                counters.WaitingForReview++;
                return;
            }

            if (_orders.HoldsAdded(_type.Name, owner.Id))
            {
                return;
            }

            var changes = desired.Values.Where(v => v.Value is not null && !_scalarRules.Manual.Contains(v.Key)).ToDictionary(static v => v.Key, static v => v.Value, StringComparer.Ordinal);
            var navigation = desired.Links.Where(static l => l.Value.Count > 0).ToDictionary(static l => l.Key, static l => new NavigationChange([.. l.Value], []), StringComparer.Ordinal);
            counters.Added++;
            var who = known ??= _factory.OwnerOf(owner);
            into.Add(_factory.Create(OrderChangeType.Added, OrderKind.Rule, who, null, changes, navigation, _factory.ArgumentsOf(changes),
                $"{who.DisplayName} ({who.Key}) has no {_type.DisplayName}; {desired.Grant}"
                + (changes.Count == 0 ? string.Empty : "; computed " + string.Join(", ", changes.Select(c => $"{c.Key} = {RepositoryValues.Show(c.Value)} from {desired.Explain[c.Key]}"))),
                requireReview: false));
            return;
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

                var who = known ??= _factory.OwnerOf(owner);
                into.Add(_factory.Create(OrderChangeType.Deleted, allowed ? OrderKind.Rule : OrderKind.Gap, who, _factory.ResourceOf(account), [], [], _factory.ArgumentsOf(account),
                    $"{who.DisplayName} ({who.Key}) is no longer entitled to {_type.DisplayName}: {desired.Grant}"
                    + (allowed ? string.Empty : $"; {_type.Name} does not allow removal, so the account is kept until reviewed"),
                    review));
                continue;
            }

            Modifications(owner, account, desired, previous, review, counters, into);
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

    /// <summary>
    /// The state to save for an owner, packed as the store keeps it: a generation holds one for every owner it
    /// evaluates until it saves them, and a million pairs of dictionaries held that long cost more in collections
    /// than evaluating them (decision 98).
    /// </summary>
    public OwnerProvisioningState StateOf(StoredResource owner, ulong digest, Desired desired) =>
        OwnerProvisioningState.Packed(_type.Name, owner.Id, digest, desired.Entitled ?? false, desired.Values,
            desired.Links.Count == 0 ? NoLinks : desired.Links.ToDictionary(static l => l.Key, static l => (IReadOnlyList<string>)[.. l.Value], StringComparer.Ordinal));

    /// <summary>Whether a repository resource was ended by the internal workflow: it is not removed again.</summary>
    private bool IsEnded(StoredResource account)
    {
        var workflow = _type.Policies.Workflow;
        return (workflow.ActiveProperty is { } active && account.ValueAt(_targetType, _targetType.IndexOf(active)) is false)
            || (workflow.EndDateProperty is { } end && account.ValueAt(_targetType, _targetType.IndexOf(end)) is not null);
    }

    private static ulong Mix(ulong digest, ulong value) => (digest ^ value) * 0x100000001B3UL + 0x9E3779B97F4A7C15UL;

    private void Modifications(StoredResource owner, StoredResource account, Desired desired, OwnerProvisioningState? previous, bool review, Counters counters, List<ProvisioningOrder> into)
    {
        OrderOwner? known = null;
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
        if (_linkRules.HasRules)
        {
            _linkRules.Compare(account, known ??= _factory.OwnerOf(owner), desired, previous, difference);
        }

        if (difference.HasRuleChanges)
        {
            counters.Modified++;
            var who = known ??= _factory.OwnerOf(owner);
            into.Add(_factory.Create(OrderChangeType.Modified, OrderKind.Rule, who, _factory.ResourceOf(account), difference.RuleChanges, OrderDifference.Navigation(difference.RuleLinks), _factory.ArgumentsOf(account),
                $"{_type.DisplayName} '{account.Key}' of {who.DisplayName} ({who.Key}) differs from the rules: {string.Join("; ", difference.RuleReasons)}", review));
        }

        if (difference.HasDrift)
        {
            counters.NonConforming++;
            var who = known ??= _factory.OwnerOf(owner);
            into.Add(_factory.Create(OrderChangeType.Modified, OrderKind.NonConforming, who, _factory.ResourceOf(account), difference.DriftChanges, OrderDifference.Navigation(difference.DriftLinks), _factory.ArgumentsOf(account),
                $"non-conforming {_type.DisplayName} '{account.Key}' of {who.DisplayName} ({who.Key}): {string.Join("; ", difference.DriftReasons)}. Approve to apply the computed values, decline to keep the current ones.",
                requireReview: true));
        }
    }
}
