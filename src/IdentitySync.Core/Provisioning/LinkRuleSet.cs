using System.Text;
using IdentitySync.Categorization;
using IdentitySync.Internal;
using IdentitySync.Model;
using IdentitySync.Orders;
using IdentitySync.Storage;

namespace IdentitySync.Provisioning;

/// <summary>
/// A resource type's navigation and query rules: the links they compute for an owner (a fixed target, or
/// the targets whose value matches the owner's), the targets they govern (links to other targets are left
/// alone), and how an account's links differ from them.
/// </summary>
internal sealed class LinkRuleSet
{
    private readonly ResourceType _type;
    private readonly EntityType _targetType;
    private readonly ResourceGraph _graph;
    private readonly OrderIndex _orders;
    private readonly Dictionary<string, HashSet<string>> _governed = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(QueryRule Rule, int Number, Dictionary<string, List<string>> Targets)> _queries = [];
    private readonly List<(NavigationRule Rule, int Number, string? Key)> _navigations = [];

    public LinkRuleSet(ResourceType type, EntityType targetType, ResourceGraph graph, OrderIndex orders)
    {
        _type = type;
        _targetType = targetType;
        _graph = graph;
        _orders = orders;
    }

    /// <summary>Gets a value indicating whether the type has navigation or query rules (without, an owner's links are never computed).</summary>
    public bool HasRules => _type.NavigationRules.Count > 0 || _type.QueryRules.Count > 0;

    /// <summary>Gets the navigation properties the rules govern, each with the target keys a rule can give.</summary>
    public IReadOnlyDictionary<string, HashSet<string>> Governed => _governed;

    /// <summary>Gets a digest of the rules' targets: a renamed or new target changes every owner's input.</summary>
    public ulong TargetsDigest { get; private set; }

    /// <summary>Loads the targets of every rule, resolves navigation rules' keys and indexes query rules by value.</summary>
    /// <param name="problems">Receives rules that name a target that does not exist.</param>
    /// <param name="cancellationToken">Cancels the loading.</param>
    /// <returns>A task that completes when loaded.</returns>
    public async Task LoadAsync(List<string> problems, CancellationToken cancellationToken)
    {
        var targetsByNavigation = new Dictionary<string, Dictionary<string, StoredResource>>(StringComparer.OrdinalIgnoreCase);
        foreach (var navigation in _type.NavigationRules.Select(static r => r.Property).Concat(_type.QueryRules.Select(static r => r.Property)).Distinct(StringComparer.Ordinal))
        {
            await _graph.PrepareNavigationAsync(_targetType.Name, navigation, cancellationToken).ConfigureAwait(false);
            var targetType = _targetType.FindNavigationProperty(navigation)!.TargetEntityType;
            var targets = await _graph.ResourcesAsync(targetType, cancellationToken).ConfigureAwait(false);
            targetsByNavigation[navigation] = targets.Values.ToDictionary(static t => t.Key, StringComparer.Ordinal);
            _governed[navigation] = new HashSet<string>(StringComparer.Ordinal);
        }

        for (var i = 0; i < _type.NavigationRules.Count; i++)
        {
            var rule = _type.NavigationRules[i];
            var targets = targetsByNavigation[rule.Property];
            var key = targets.ContainsKey(rule.Target) ? rule.Target
                : targets.Keys.Where(k => string.Equals(k, rule.Target, StringComparison.OrdinalIgnoreCase)).ToList() is [var only] ? only
                : null;
            if (key is null)
            {
                problems.Add($"navigation rule {i + 1} of {_type.Name}: no {_targetType.FindNavigationProperty(rule.Property)!.TargetEntityType} has the key '{rule.Target}'; the rule links nothing until it exists");
            }
            else
            {
                _governed[rule.Property].Add(key);
            }

            _navigations.Add((rule, i + 1, key));
            TargetsDigest += key is null ? 0 : Xxh64.Hash(Encoding.UTF8.GetBytes(key), (ulong)(1000 + i));
        }

        for (var i = 0; i < _type.QueryRules.Count; i++)
        {
            var rule = _type.QueryRules[i];
            var index = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var target in targetsByNavigation[rule.Property].Values.OrderBy(static t => t.Key, StringComparer.Ordinal))
            {
                await _graph.PrepareAsync(rule.Target, "Target", target.EntityType, cancellationToken).ConfigureAwait(false);
                foreach (var value in RuleValues.Texts(rule.Target.Evaluate(new ResourceContext(_graph, null, target))))
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
                TargetsDigest += Xxh64.Hash(Encoding.UTF8.GetBytes(value + "\u001f" + string.Join('\u001f', keys)), (ulong)i);
            }
        }
    }

    /// <summary>Computes the links the rules give an owner.</summary>
    /// <param name="context">The owner's rule context.</param>
    /// <param name="explain">Receives each link's explanation, under "navigation+key".</param>
    /// <returns>Target keys by governed navigation property (empty sets included).</returns>
    public Dictionary<string, SortedSet<string>> Evaluate(ResourceContext context, Dictionary<string, string> explain)
    {
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
                explain.TryAdd(rule.Property + "+" + key, $"navigation rule {number}{RuleValues.Describe(rule.Criteria)}");
            }
        }

        foreach (var (rule, number, targets) in _queries)
        {
            if (rule.Criteria is not null && rule.Criteria.Evaluate(context) is not true)
            {
                continue;
            }

            foreach (var value in RuleValues.Texts(rule.Owner.Evaluate(context)))
            {
                foreach (var key in targets.GetValueOrDefault(value) ?? [])
                {
                    links[rule.Property].Add(key);
                    explain.TryAdd(rule.Property + "+" + key, $"query rule {number} (`{rule.Owner.Text}` = `{rule.Target.Text}` on '{value}')");
                }
            }
        }

        return links;
    }

    /// <summary>
    /// Adds what an account's links lack against the computed ones to the difference: a link the rules
    /// give and did not give before is a rule change, one they gave before and that is missing was removed
    /// by hand (non-conforming); likewise for links to governed targets the rules no longer give.
    /// </summary>
    /// <param name="account">The correlated account.</param>
    /// <param name="who">Its owner, as orders name them.</param>
    /// <param name="desired">What the rules ask for the owner.</param>
    /// <param name="previous">What they asked at the last generation, if any.</param>
    /// <param name="difference">Receives the link changes and their reasons.</param>
    public void Compare(StoredResource account, OrderOwner who, Desired desired, OwnerProvisioningState? previous, OrderDifference difference)
    {
        var wins = _type.Policies.ComputedValuesWin;
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
                    OrderDifference.Of(difference.RuleLinks, navigation).Added.Add(key);
                    difference.RuleReasons.Add($"{navigation} +'{key}': {desired.Explain[navigation + "+" + key]}");
                }
                else
                {
                    OrderDifference.Of(difference.DriftLinks, navigation).Added.Add(key);
                    difference.DriftReasons.Add($"{navigation} lacks '{key}', which {desired.Explain[navigation + "+" + key]} gives and gave before (removed by hand?)");
                }
            }

            foreach (var key in actual.Where(k => (governed.Contains(k) || (before?.Contains(k, StringComparer.Ordinal) ?? false)) && !wanted.Contains(k) && !_orders.Holds(account.Id, navigation + "-", k)).Order(StringComparer.Ordinal))
            {
                var explained = before is not null && before.Contains(key, StringComparer.Ordinal);
                if (explained || wins)
                {
                    OrderDifference.Of(difference.RuleLinks, navigation).Removed.Add(key);
                    difference.RuleReasons.Add($"{navigation} -'{key}': " + (explained ? "the rules gave it before and no longer do" : "no rule gives it (computed values win)"));
                }
                else
                {
                    OrderDifference.Of(difference.DriftLinks, navigation).Removed.Add(key);
                    difference.DriftReasons.Add($"{navigation} holds '{key}', which no rule gives to {who.DisplayName} (added by hand?)");
                }
            }
        }
    }
}
