using IdentitySync.Rules;
using IdentitySync.Connections;
using IdentitySync.Model;
using IdentitySync.Orders;
using IdentitySync.Storage;

namespace IdentitySync.Provisioning;

/// <summary>
/// A resource type's scalar rules: the values they compute for an owner, and how an account's values
/// differ from them under each property's ownership (authoritative, if empty, create only, manual, or by
/// default: a rule change is ordered, a difference no rule change explains is non-conforming).
/// </summary>
internal sealed class ScalarRuleSet
{
    private readonly ResourceType _type;
    private readonly EntityType _targetType;
    private readonly bool _isRepository;
    private readonly OrderIndex _orders;
    private readonly List<(ScalarRule Rule, ScalarProperty Property)> _rules;

    public ScalarRuleSet(ResourceType type, EntityType targetType, bool isRepository, OrderIndex orders)
    {
        _type = type;
        _targetType = targetType;
        _isRepository = isRepository;
        _orders = orders;
        _rules = [.. type.ScalarRules.Select(r => (r, targetType.FindProperty(r.Property)!))];
        Explanations = _rules.ToDictionary(static s => s.Property.Name, static s => $"`{s.Rule.Value.Text}`", StringComparer.Ordinal);
        Manual = _rules.Where(s => OwnershipOf(s.Rule) == PropertyOwnership.Manual).Select(static s => s.Property.Name).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Gets each computed property's explanation: its rule's expression.</summary>
    public IReadOnlyDictionary<string, string> Explanations { get; }

    /// <summary>Gets the properties the source never writes: an account to add is created without them.</summary>
    public IReadOnlySet<string> Manual { get; }

    /// <summary>Computes every scalar rule's value for an owner.</summary>
    /// <param name="context">The owner's rule context.</param>
    /// <returns>Values by property name: text, an array of texts, or null when empty.</returns>
    public Dictionary<string, object?> Evaluate(IExpressionContext context)
    {
        // Sized for every rule at once: grown rule by rule, each owner's dictionary left two smaller ones behind.
        var values = new Dictionary<string, object?>(_rules.Count, StringComparer.Ordinal);
        foreach (var (rule, property) in _rules)
        {
            var computed = rule.Value.Evaluate(context);
            values[property.Name] = property.IsMultiValued
                ? RuleValues.Texts(computed) is { Length: > 0 } items ? items : null
                : Rules.Values.Text(computed) is { Length: > 0 } text ? text : null;
        }

        return values;
    }

    /// <summary>Adds what an account's values lack against the computed ones to the difference.</summary>
    /// <param name="account">The correlated account.</param>
    /// <param name="desired">What the rules ask for its owner.</param>
    /// <param name="previous">What they asked at the last generation, if any.</param>
    /// <param name="difference">Receives the changes and their reasons.</param>
    /// <param name="notes">Receives what ownership policies made this generation skip.</param>
    public void Compare(StoredResource account, Desired desired, OwnerProvisioningState? previous, OrderDifference difference, List<OwnershipNote> notes)
    {
        var holder = _isRepository ? "the repository" : _type.Connector;
        var wins = _type.Policies.ComputedValuesWin;
        foreach (var (rule, property) in _rules)
        {
            var wanted = desired.Values[property.Name];
            var actual = RuleValues.Actual(account, _targetType, property);
            if (RuleValues.Same(wanted, actual, rule.Comparison) || _orders.Holds(account.Id, property.Name, wanted))
            {
                continue;
            }

            var ownership = OwnershipOf(rule);
            if (ownership is PropertyOwnership.CreateOnly or PropertyOwnership.Manual
                || (ownership == PropertyOwnership.IfEmpty && actual is not null))
            {
                if (ownership != PropertyOwnership.CreateOnly || _isRepository)
                {
                    notes.Add(new OwnershipNote(_type.Name, account.Key, property.Name, OwnershipAction.Skipped, ownership.Value,
                        $"{ownership}: {desired.Explain[property.Name]} computes {RepositoryValues.Show(wanted)}, but {(ownership == PropertyOwnership.IfEmpty ? "the property is not empty" : ownership == PropertyOwnership.Manual ? "the source never writes it" : "it was set at creation")}; it keeps {RepositoryValues.Show(actual)}"));
                }

                continue;
            }

            if (ownership is PropertyOwnership.Authoritative or PropertyOwnership.IfEmpty)
            {
                difference.RuleChanges[property.Name] = wanted;
                difference.RuleReasons.Add($"{property.Name}: {desired.Explain[property.Name]} computes {RepositoryValues.Show(wanted)}, {holder} holds {RepositoryValues.Show(actual)} ({ownership})");
                continue;
            }

            var ruleChanged = previous is not null && (!previous.Values.TryGetValue(property.Name, out var before) || !RuleValues.Same(before, wanted, ComparisonType.CaseSensitive));
            var retry = _orders.LastFailed(account.Id, property.Name);
            if (ruleChanged || retry || wins)
            {
                difference.RuleChanges[property.Name] = wanted;
                difference.RuleReasons.Add($"{property.Name}: {desired.Explain[property.Name]} computes {RepositoryValues.Show(wanted)}, {holder} holds {RepositoryValues.Show(actual)}"
                    + (ruleChanged ? $" (the rule computed {RepositoryValues.Show(previous!.Values.GetValueOrDefault(property.Name))} before)" : retry ? " (the last order for it failed)" : " (computed values win)"));
            }
            else
            {
                difference.DriftChanges[property.Name] = wanted;
                difference.DriftReasons.Add($"{property.Name} is {RepositoryValues.Show(actual)} in {_type.Connector} but {desired.Explain[property.Name]} computes {RepositoryValues.Show(wanted)}, and no rule change explains the difference");
            }
        }
    }

    /// <summary>The rule's ownership; for a repository type without one, authoritative; for a managed system, null (a hand-made change is reviewed).</summary>
    private PropertyOwnership? OwnershipOf(ScalarRule rule) =>
        rule.CreateOnly ? PropertyOwnership.CreateOnly : rule.Ownership ?? (_isRepository ? PropertyOwnership.Authoritative : null);
}
