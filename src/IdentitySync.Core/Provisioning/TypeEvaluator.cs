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
    private readonly IdentityModel _model;
    private readonly ResourceType _type;
    private readonly ResourceGraph _graph;
    private readonly EntityType _targetType;
    private readonly DateTimeOffset _now;
    private readonly Dictionary<long, List<(StoredResource Account, AccountCategorization Categorization)>> _accountsByOwner = [];
    private readonly List<(StoredResource Account, AccountCategorization Categorization)> _orphans = [];
    private readonly List<HashSet<long>> _dependencyHolders = [];
    private readonly HashSet<long> _suggested = [];
    private readonly Dictionary<string, Dictionary<string, StoredResource>> _navigationTargets = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, HashSet<string>> _governed = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(QueryRule Rule, int Number, Dictionary<string, List<string>> Targets)> _queries = [];
    private readonly List<(NavigationRule Rule, int Number, string? Key)> _navigations = [];
    private readonly Dictionary<long, StoredResource> _owners;
    private readonly OrderIndex _orders;
    private readonly ulong _rulesDigest;
    private readonly List<(ScalarRule Rule, ScalarProperty Property)> _scalars;
    private readonly Dictionary<string, string> _scalarExplanations;
    private readonly List<RuleExpression> _navigatingExpressions;
    private readonly bool _codeRules;
    private ulong _targetsDigest;

    private TypeEvaluator(IdentityModel model, ResourceType type, ResourceGraph graph, Dictionary<long, StoredResource> owners, OrderIndex orders, DateTimeOffset now)
    {
        _model = model;
        _type = type;
        _graph = graph;
        _owners = owners;
        _orders = orders;
        _now = now;
        _targetType = model.GetEntityType(type.TargetEntityType);
        _rulesDigest = RulesDigest(type);
        IsRepository = model.IsRepositoryType(type.TargetEntityType);
        _scalars = [.. type.ScalarRules.Select(r => (r, _targetType.FindProperty(r.Property)!))];
        _scalarExplanations = _scalars.ToDictionary(static s => s.Property.Name, static s => $"`{s.Rule.Value.Text}`", StringComparer.Ordinal);
        var ownerType = model.GetEntityType(type.OwnerEntityType);
        _codeRules = OwnerExpressions().Any(static e => e is not RuleExpression);

        // Only paths that navigate reach other resources; a property of the owner is in the owner's digest already.
        _navigatingExpressions = [.. OwnerExpressions().OfType<RuleExpression>()
            .Where(e => e.Paths.Any(p => string.Equals(p.Root, "Owner", StringComparison.OrdinalIgnoreCase) && p.Properties.Count > 1 && ownerType.FindNavigationProperty(p.Properties[0]) is not null))];
    }

    public List<string> Problems { get; } = [];

    /// <summary>Gets what ownership policies made this generation skip.</summary>
    public List<OwnershipNote> Notes { get; } = [];

    /// <summary>Gets who holds the actual values, for reasons: the managed system's connector, or the repository.</summary>
    private string Holder => IsRepository ? "the repository" : _type.Connector;

    /// <summary>Gets a value indicating whether the target is a repository type (no connector maps it): the internal workflow fulfills its orders.</summary>
    public bool IsRepository { get; }

    public int AccountCount => _accountsByOwner.Values.Sum(static a => a.Count) + _orphans.Count;

    public static async Task<TypeEvaluator> CreateAsync(IdentityModel model, ResourceType type, ResourceGraph graph, ICategorizationStore store, OrderIndex orders, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var owners = await graph.ResourcesAsync(type.OwnerEntityType, cancellationToken).ConfigureAwait(false);
        var evaluator = new TypeEvaluator(model, type, graph, owners, orders, now);
        await evaluator.LoadAsync(store, cancellationToken).ConfigureAwait(false);
        return evaluator;
    }

    public IEnumerable<StoredResource> Owners => _owners.Values.OrderBy(static o => o.Key, StringComparer.Ordinal);

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
            foreach (var navigation in _governed.Keys)
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
        digest = Mix(digest, _targetsDigest);
        return digest == 0 ? 1 : digest;
    }

    /// <summary>What the rules ask for the owner.</summary>
    public Desired Evaluate(StoredResource owner)
    {
        var context = new ResourceContext(_graph, owner, null);
        bool? entitled = null;
        string? grant = null;
        if (_type.TypeRules.Count > 0)
        {
            entitled = false;
            for (var i = 0; i < _type.TypeRules.Count; i++)
            {
                var rule = _type.TypeRules[i];
                if (rule.Criteria is null || rule.Criteria.Evaluate(context) is true)
                {
                    if (rule.Deny)
                    {
                        entitled = false;
                        grant = $"deny rule {i + 1}{Describe(rule.Criteria)} matches";
                        break;
                    }

                    if (entitled != true)
                    {
                        entitled = true;
                        grant = $"type rule {i + 1}{Describe(rule.Criteria)} grants it";
                    }
                }
            }

            grant ??= _type.TypeRules.Count == 1 ? "its type rule does not match" : $"none of its {_type.TypeRules.Count} type rules matches";
        }

        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        var explain = new Dictionary<string, string>(_scalarExplanations, StringComparer.Ordinal);
        foreach (var (rule, property) in _scalars)
        {
            var computed = rule.Value.Evaluate(context);
            values[property.Name] = property.IsMultiValued
                ? Texts(computed) is { Length: > 0 } items ? items : null
                : Values.Text(computed) is { Length: > 0 } text ? text : null;
        }

        var links = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var navigation in _governed.Keys)
        {
            links[navigation] = new SortedSet<string>(StringComparer.Ordinal);
        }

        foreach (var (rule, number, key) in _navigations)
        {
            if (key is not null && (rule.Criteria is null || rule.Criteria.Evaluate(context) is true))
            {
                links[rule.Property].Add(key);
                explain.TryAdd(rule.Property + "+" + key, $"navigation rule {number}{Describe(rule.Criteria)}");
            }
        }

        foreach (var (rule, number, targets) in _queries)
        {
            if (rule.Criteria is not null && rule.Criteria.Evaluate(context) is not true)
            {
                continue;
            }

            foreach (var value in Texts(rule.Owner.Evaluate(context)))
            {
                foreach (var key in targets.GetValueOrDefault(value) ?? [])
                {
                    links[rule.Property].Add(key);
                    explain.TryAdd(rule.Property + "+" + key, $"query rule {number} (`{rule.Owner.Text}` = `{rule.Target.Text}` on '{value}')");
                }
            }
        }

        return new Desired(entitled, grant, values, links, explain);
    }

    /// <summary>The orders that bring the owner's accounts in line with what the rules ask.</summary>
    public IEnumerable<ProvisioningOrder> Compare(StoredResource owner, Desired desired, OwnerProvisioningState? previous, Counters counters)
    {
        var accounts = _accountsByOwner.GetValueOrDefault(owner.Id) ?? [];
        var who = OwnerOf(owner);
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

            var manual = _type.ScalarRules.Where(r => OwnershipOf(r) == PropertyOwnership.Manual).Select(r => _targetType.FindProperty(r.Property)!.Name).ToHashSet(StringComparer.Ordinal);
            var changes = desired.Values.Where(v => v.Value is not null && !manual.Contains(v.Key)).ToDictionary(static v => v.Key, static v => v.Value, StringComparer.Ordinal);
            var navigation = desired.Links.Where(static l => l.Value.Count > 0).ToDictionary(static l => l.Key, static l => new NavigationChange([.. l.Value], []), StringComparer.Ordinal);
            counters.Added++;
            yield return NewOrder(OrderChangeType.Added, OrderKind.Rule, who, null, changes, navigation, ArgumentsOf(changes),
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

                yield return NewOrder(OrderChangeType.Deleted, allowed ? OrderKind.Rule : OrderKind.Gap, who, ResourceOf(account), [], [], ArgumentsOf(account),
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

            yield return NewOrder(OrderChangeType.Deleted, remove ? OrderKind.Rule : OrderKind.Gap, null, ResourceOf(account), [], [], ArgumentsOf(account),
                $"the owner (id {categorization.OwnerId}) of {_type.DisplayName} '{account.Key}' no longer exists; "
                + (remove ? "RemoveOrphans is on" : "without RemoveOrphans the account is kept until reviewed"),
                requireReview: false);
        }
    }

    public OwnerProvisioningState StateOf(StoredResource owner, ulong digest, Desired desired) =>
        new(_type.Name, owner.Id, digest, desired.Entitled ?? false, desired.Values,
            desired.Links.ToDictionary(static l => l.Key, static l => (IReadOnlyList<string>)[.. l.Value], StringComparer.Ordinal));

    /// <summary>The rule's ownership; for a repository type without one, authoritative; for a managed system, null (a hand-made change is reviewed).</summary>
    private PropertyOwnership? OwnershipOf(ScalarRule rule) =>
        rule.CreateOnly ? PropertyOwnership.CreateOnly : rule.Ownership ?? (IsRepository ? PropertyOwnership.Authoritative : null);

    /// <summary>Whether a repository resource was ended by the internal workflow: it is not removed again.</summary>
    private bool IsEnded(StoredResource account)
    {
        var workflow = _type.Policies.Workflow;
        return (workflow.ActiveProperty is { } active && account.ValueAt(_targetType, _targetType.IndexOf(active)) is false)
            || (workflow.EndDateProperty is { } end && account.ValueAt(_targetType, _targetType.IndexOf(end)) is not null);
    }

    private static ulong Mix(ulong digest, ulong value) => (digest ^ value) * 0x100000001B3UL + 0x9E3779B97F4A7C15UL;

    private static string Describe(IRuleExpression? criteria) => criteria is null ? " (no criteria)" : $" (`{criteria.Text}`)";

    private static string[] Texts(object? value) => [.. Values.Items(value).Select(Values.Text).Where(static t => t.Length > 0)];

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

    private static string Normalize(string text, ComparisonType comparison) => comparison switch
    {
        ComparisonType.IgnoreCase => text.ToUpperInvariant(),
        ComparisonType.IgnoreDiacritics => Values.RemoveDiacritics(text).ToUpperInvariant(),
        ComparisonType.Simplified => Values.Simplify(text),
        ComparisonType.DistinguishedName => Model.DistinguishedName.TryNormalize(text, out var normalized) ? normalized : text.ToUpperInvariant(),
        _ => text,
    };

    /// <summary>Whether two values (text, arrays of text, or null) are equal under a comparison; arrays compare as sets.</summary>
    internal static bool Same(object? left, object? right, ComparisonType comparison)
    {
        var l = Texts(left).Select(t => Normalize(t, comparison)).ToHashSet(StringComparer.Ordinal);
        var r = Texts(right).Select(t => Normalize(t, comparison)).ToHashSet(StringComparer.Ordinal);
        return l.SetEquals(r);
    }

    private IEnumerable<IRuleExpression> OwnerExpressions()
    {
        foreach (var rule in _type.TypeRules)
        {
            if (rule.Criteria is not null)
            {
                yield return rule.Criteria;
            }
        }

        foreach (var rule in _type.ScalarRules)
        {
            yield return rule.Value;
        }

        foreach (var rule in _type.NavigationRules)
        {
            if (rule.Criteria is not null)
            {
                yield return rule.Criteria;
            }
        }

        foreach (var rule in _type.QueryRules)
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
        var ruleChanges = new Dictionary<string, object?>(StringComparer.Ordinal);
        var driftChanges = new Dictionary<string, object?>(StringComparer.Ordinal);
        var ruleLinks = new Dictionary<string, (List<string> Added, List<string> Removed)>(StringComparer.Ordinal);
        var driftLinks = new Dictionary<string, (List<string> Added, List<string> Removed)>(StringComparer.Ordinal);
        var ruleReasons = new List<string>();
        var driftReasons = new List<string>();
        var wins = _type.Policies.ComputedValuesWin;
        if (IsRepository && desired.Entitled == true && IsEnded(account))
        {
            // Entitled again (a rehire): the workflow's own properties go back, unless an order in flight does it already.
            var workflow = _type.Policies.Workflow;
            if (workflow.ActiveProperty is { } active && !_orders.Holds(account.Id, _targetType.FindProperty(active)!.Name, "true"))
            {
                ruleChanges[_targetType.FindProperty(active)!.Name] = "true";
            }

            if (workflow.EndDateProperty is { } end && !_orders.Holds(account.Id, _targetType.FindProperty(end)!.Name, null))
            {
                ruleChanges[_targetType.FindProperty(end)!.Name] = null;
            }

            if (ruleChanges.Count > 0)
            {
                ruleReasons.Add($"reactivated: it was ended, and {desired.Grant}");
            }
        }

        foreach (var rule in _type.ScalarRules)
        {
            var property = _targetType.FindProperty(rule.Property)!;
            var wanted = desired.Values[property.Name];
            var actual = ActualValue(account, property);
            if (Same(wanted, actual, rule.Comparison) || _orders.Holds(account.Id, property.Name, wanted))
            {
                continue;
            }

            var ownership = OwnershipOf(rule);
            if (ownership is PropertyOwnership.CreateOnly or PropertyOwnership.Manual
                || (ownership == PropertyOwnership.IfEmpty && actual is not null))
            {
                if (ownership != PropertyOwnership.CreateOnly || IsRepository)
                {
                    Notes.Add(new OwnershipNote(_type.Name, account.Key, property.Name, OwnershipAction.Skipped, ownership.Value,
                        $"{ownership}: {desired.Explain[property.Name]} computes {RepositoryValues.Show(wanted)}, but {(ownership == PropertyOwnership.IfEmpty ? "the property is not empty" : ownership == PropertyOwnership.Manual ? "the source never writes it" : "it was set at creation")}; it keeps {RepositoryValues.Show(actual)}"));
                }

                continue;
            }

            if (ownership is PropertyOwnership.Authoritative or PropertyOwnership.IfEmpty)
            {
                ruleChanges[property.Name] = wanted;
                ruleReasons.Add($"{property.Name}: {desired.Explain[property.Name]} computes {RepositoryValues.Show(wanted)}, {Holder} holds {RepositoryValues.Show(actual)} ({ownership})");
                continue;
            }

            var ruleChanged = previous is not null && (!previous.Values.TryGetValue(property.Name, out var before) || !Same(before, wanted, ComparisonType.CaseSensitive));
            var retry = _orders.LastFailed(account.Id, property.Name);
            if (ruleChanged || retry || wins)
            {
                ruleChanges[property.Name] = wanted;
                ruleReasons.Add($"{property.Name}: {desired.Explain[property.Name]} computes {RepositoryValues.Show(wanted)}, {Holder} holds {RepositoryValues.Show(actual)}"
                    + (ruleChanged ? $" (the rule computed {RepositoryValues.Show(previous!.Values.GetValueOrDefault(property.Name))} before)" : retry ? " (the last order for it failed)" : " (computed values win)"));
            }
            else
            {
                driftChanges[property.Name] = wanted;
                driftReasons.Add($"{property.Name} is {RepositoryValues.Show(actual)} in {_type.Connector} but {desired.Explain[property.Name]} computes {RepositoryValues.Show(wanted)}, and no rule change explains the difference");
            }
        }

        foreach (var (navigation, wanted) in desired.Links)
        {
            var actual = _graph.Linked(account, navigation).Select(static r => r.Key).ToHashSet(StringComparer.Ordinal);
            var before = previous?.Links.GetValueOrDefault(navigation);
            var governed = _governed[navigation];
            foreach (var key in wanted.Where(k => !actual.Contains(k) && !_orders.Holds(account.Id, navigation + "+", k)))
            {
                var explained = previous is null || before is null || !before.Contains(key, StringComparer.Ordinal) || _orders.LastFailed(account.Id, navigation + "+" + key);
                if (explained || wins)
                {
                    Add(ruleLinks, navigation).Added.Add(key);
                    ruleReasons.Add($"{navigation} +'{key}': {desired.Explain[navigation + "+" + key]}");
                }
                else
                {
                    Add(driftLinks, navigation).Added.Add(key);
                    driftReasons.Add($"{navigation} lacks '{key}', which {desired.Explain[navigation + "+" + key]} gives and gave before (removed by hand?)");
                }
            }

            foreach (var key in actual.Where(k => (governed.Contains(k) || (before?.Contains(k, StringComparer.Ordinal) ?? false)) && !wanted.Contains(k) && !_orders.Holds(account.Id, navigation + "-", k)).Order(StringComparer.Ordinal))
            {
                var explained = before is not null && before.Contains(key, StringComparer.Ordinal);
                if (explained || wins)
                {
                    Add(ruleLinks, navigation).Removed.Add(key);
                    ruleReasons.Add($"{navigation} -'{key}': " + (explained ? "the rules gave it before and no longer do" : "no rule gives it (computed values win)"));
                }
                else
                {
                    Add(driftLinks, navigation).Removed.Add(key);
                    driftReasons.Add($"{navigation} holds '{key}', which no rule gives to {who.DisplayName} (added by hand?)");
                }
            }
        }

        if (ruleChanges.Count > 0 || ruleLinks.Count > 0)
        {
            counters.Modified++;
            yield return NewOrder(OrderChangeType.Modified, OrderKind.Rule, who, ResourceOf(account), ruleChanges, Links(ruleLinks), ArgumentsOf(account),
                $"{_type.DisplayName} '{account.Key}' of {who.DisplayName} ({who.Key}) differs from the rules: {string.Join("; ", ruleReasons)}", review);
        }

        if (driftChanges.Count > 0 || driftLinks.Count > 0)
        {
            counters.NonConforming++;
            yield return NewOrder(OrderChangeType.Modified, OrderKind.NonConforming, who, ResourceOf(account), driftChanges, Links(driftLinks), ArgumentsOf(account),
                $"non-conforming {_type.DisplayName} '{account.Key}' of {who.DisplayName} ({who.Key}): {string.Join("; ", driftReasons)}. Approve to apply the computed values, decline to keep the current ones.",
                requireReview: true);
        }

        static (List<string> Added, List<string> Removed) Add(Dictionary<string, (List<string> Added, List<string> Removed)> map, string navigation)
        {
            if (!map.TryGetValue(navigation, out var change))
            {
                map[navigation] = change = ([], []);
            }

            return change;
        }

        static Dictionary<string, NavigationChange> Links(Dictionary<string, (List<string> Added, List<string> Removed)> map) =>
            map.ToDictionary(static m => m.Key, static m => new NavigationChange(m.Value.Added, m.Value.Removed), StringComparer.Ordinal);
    }

    private ProvisioningOrder NewOrder(
        OrderChangeType changeType,
        OrderKind kind,
        OrderOwner? owner,
        OrderResource? resource,
        Dictionary<string, object?> changes,
        Dictionary<string, NavigationChange> navigation,
        Dictionary<string, string> arguments,
        string reason,
        bool requireReview)
    {
        var state = kind != OrderKind.Rule || requireReview || _type.Policies.RequireReview ? OrderState.AwaitingApproval : OrderState.Pending;
        var note = state == OrderState.Pending ? "generated"
            : kind != OrderKind.Rule ? "generated; waits for review"
            : _type.Policies.RequireReview ? $"generated; {_type.Name} requires review"
            : "generated; waits for review because the correlation behind it has a confidence below 100";
        return new ProvisioningOrder
        {
            ChangeType = changeType,
            Kind = kind,
            Connector = _type.Connector,
            ResourceType = _type.Name,
            Owner = owner,
            Resource = resource,
            Changes = changes,
            Navigation = navigation,
            Arguments = arguments,
            Reason = reason,
            State = state,
            CreatedAt = _now,
            StateChangedAt = _now,
            History = [new OrderHistoryEntry(state, _now, note)],
        };
    }

    private object? ActualValue(StoredResource account, ScalarProperty property)
    {
        var index = _targetType.IndexOf(property.Name);
        var value = account.ValueAt(_targetType, index);
        return property.IsMultiValued ? (Texts(value) is { Length: > 0 } items ? items : null) : value is null ? null : Values.Text(value);
    }

    private OrderOwner OwnerOf(StoredResource owner)
    {
        var type = _model.GetEntityType(owner.EntityType);
        string? Get(string name) => type.FindProperty(name) is { } p ? Values.Text(owner.ValueAt(type, type.IndexOf(p.Name))) : null;
        var display = Get("DisplayName") is { Length: > 0 } d ? d
            : (Get("FirstName") + " " + Get("LastName")).Trim() is { Length: > 0 } n ? n
            : owner.Key;
        return new OrderOwner(owner.Id, owner.Key, display);
    }

    private OrderResource ResourceOf(StoredResource account) =>
        new(account.Id, account.Key, _targetType.Properties.ToDictionary(static p => p.Name, p => ActualValue(account, p), StringComparer.Ordinal));

    private Dictionary<string, string> ArgumentsOf(StoredResource account) =>
        ArgumentsOf(_targetType.Properties.ToDictionary(static p => p.Name, p => ActualValue(account, p), StringComparer.Ordinal));

    private Dictionary<string, string> ArgumentsOf(Dictionary<string, object?> values)
    {
        var arguments = new Dictionary<string, string>(StringComparer.Ordinal);
        var mapping = _model.GetConnector(_type.Connector).FindEntityTypeMapping(_targetType.Name);
        foreach (var key in mapping?.Properties.Where(static p => p.Key != PropertyKey.None) ?? [])
        {
            if (values.GetValueOrDefault(key.Property) is { } value)
            {
                arguments[key.Property] = Values.Text(value);
            }
        }

        return arguments;
    }

    private async Task LoadAsync(ICategorizationStore store, CancellationToken cancellationToken)
    {
        foreach (var expression in OwnerExpressions())
        {
            await _graph.PrepareAsync(expression, "Owner", _type.OwnerEntityType, cancellationToken).ConfigureAwait(false);
        }

        var accounts = await _graph.ResourcesAsync(_type.TargetEntityType, cancellationToken).ConfigureAwait(false);
        var categorizations = await store.GetCategorizationsAsync(_type.TargetEntityType, cancellationToken).ConfigureAwait(false);
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
            foreach (var categorization in await store.GetCategorizationsAsync(dependencyType.TargetEntityType, cancellationToken).ConfigureAwait(false))
            {
                if (categorization is { OwnerId: { } ownerId, Status: CategorizationStatus.Correlated or CategorizationStatus.Reviewed }
                    && string.Equals(categorization.ResourceType, dependencyType.Name, StringComparison.OrdinalIgnoreCase))
                {
                    holders.Add(ownerId);
                }
            }

            _dependencyHolders.Add(holders);
        }

        foreach (var navigation in _type.NavigationRules.Select(static r => r.Property).Concat(_type.QueryRules.Select(static r => r.Property)).Distinct(StringComparer.Ordinal))
        {
            await _graph.PrepareNavigationAsync(_targetType.Name, navigation, cancellationToken).ConfigureAwait(false);
            var targetType = _targetType.FindNavigationProperty(navigation)!.TargetEntityType;
            var targets = await _graph.ResourcesAsync(targetType, cancellationToken).ConfigureAwait(false);
            _navigationTargets[navigation] = targets.Values.ToDictionary(static t => t.Key, StringComparer.Ordinal);
            _governed[navigation] = new HashSet<string>(StringComparer.Ordinal);
        }

        for (var i = 0; i < _type.NavigationRules.Count; i++)
        {
            var rule = _type.NavigationRules[i];
            var targets = _navigationTargets[rule.Property];
            var key = targets.ContainsKey(rule.Target) ? rule.Target
                : targets.Keys.Where(k => string.Equals(k, rule.Target, StringComparison.OrdinalIgnoreCase)).ToList() is [var only] ? only
                : null;
            if (key is null)
            {
                Problems.Add($"navigation rule {i + 1} of {_type.Name}: no {_targetType.FindNavigationProperty(rule.Property)!.TargetEntityType} has the key '{rule.Target}'; the rule links nothing until it exists");
            }
            else
            {
                _governed[rule.Property].Add(key);
            }

            _navigations.Add((rule, i + 1, key));
            _targetsDigest += key is null ? 0 : Xxh64.Hash(Encoding.UTF8.GetBytes(key), (ulong)(1000 + i));
        }

        for (var i = 0; i < _type.QueryRules.Count; i++)
        {
            var rule = _type.QueryRules[i];
            var index = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var target in _navigationTargets[rule.Property].Values.OrderBy(static t => t.Key, StringComparer.Ordinal))
            {
                await _graph.PrepareAsync(rule.Target, "Target", target.EntityType, cancellationToken).ConfigureAwait(false);
                foreach (var value in Texts(rule.Target.Evaluate(new ResourceContext(_graph, null, target))))
                {
                    if (!index.TryGetValue(value, out var keys))
                    {
                        index[value] = keys = [];
                    }

                    keys.Add(target.Key);
                }
            }

            // Every target the rule could link (its target-side value is not empty) is managed by it; links to other targets are left alone.
            foreach (var keys in index.Values)
            {
                _governed[rule.Property].UnionWith(keys);
            }

            _queries.Add((rule, i + 1, index));
            foreach (var (value, keys) in index)
            {
                // Order-independent: a renamed or new target changes every owner's digest.
                _targetsDigest += Xxh64.Hash(Encoding.UTF8.GetBytes(value + "\u001f" + string.Join('\u001f', keys)), (ulong)i);
            }
        }
    }
}
