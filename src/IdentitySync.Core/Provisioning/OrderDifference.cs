namespace IdentitySync.Provisioning;

/// <summary>
/// What one account lacks against the rules, gathered by the scalar and link rules: what a rule change
/// explains (one rule order) and what only a hand-made change can explain (one non-conforming order).
/// </summary>
internal sealed class OrderDifference
{
    // Made when first written: most accounts a generation compares differ in nothing (decision 98).
    private Dictionary<string, object?>? _ruleChanges;
    private Dictionary<string, object?>? _driftChanges;
    private Dictionary<string, (List<string> Added, List<string> Removed)>? _ruleLinks;
    private Dictionary<string, (List<string> Added, List<string> Removed)>? _driftLinks;
    private List<string>? _ruleReasons;
    private List<string>? _driftReasons;

    public Dictionary<string, object?> RuleChanges => _ruleChanges ??= new(StringComparer.Ordinal);

    public Dictionary<string, object?> DriftChanges => _driftChanges ??= new(StringComparer.Ordinal);

    public Dictionary<string, (List<string> Added, List<string> Removed)> RuleLinks => _ruleLinks ??= new(StringComparer.Ordinal);

    public Dictionary<string, (List<string> Added, List<string> Removed)> DriftLinks => _driftLinks ??= new(StringComparer.Ordinal);

    public List<string> RuleReasons => _ruleReasons ??= [];

    public List<string> DriftReasons => _driftReasons ??= [];

    /// <summary>Gets a value indicating whether a rule change explains some value or link: one rule order.</summary>
    public bool HasRuleChanges => _ruleChanges is { Count: > 0 } || _ruleLinks is { Count: > 0 };

    /// <summary>Gets a value indicating whether some value or link differs that no rule change explains: one non-conforming order.</summary>
    public bool HasDrift => _driftChanges is { Count: > 0 } || _driftLinks is { Count: > 0 };

    /// <summary>The added and removed keys of one navigation property in a link map, created when first needed.</summary>
    /// <param name="map">The rule or drift links.</param>
    /// <param name="navigation">The navigation property.</param>
    /// <returns>Its lists.</returns>
    public static (List<string> Added, List<string> Removed) Of(Dictionary<string, (List<string> Added, List<string> Removed)> map, string navigation)
    {
        if (!map.TryGetValue(navigation, out var change))
        {
            map[navigation] = change = ([], []);
        }

        return change;
    }

    /// <summary>A link map as an order's navigation changes.</summary>
    /// <param name="map">The rule or drift links.</param>
    /// <returns>The changes by navigation property.</returns>
    public static Dictionary<string, Orders.NavigationChange> Navigation(Dictionary<string, (List<string> Added, List<string> Removed)> map) =>
        map.ToDictionary(static m => m.Key, static m => new Orders.NavigationChange(m.Value.Added, m.Value.Removed), StringComparer.Ordinal);
}
