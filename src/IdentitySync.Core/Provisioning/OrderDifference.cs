namespace IdentitySync.Provisioning;

/// <summary>
/// What one account lacks against the rules, gathered by the scalar and link rules: what a rule change
/// explains (one rule order) and what only a hand-made change can explain (one non-conforming order).
/// </summary>
internal sealed class OrderDifference
{
    public Dictionary<string, object?> RuleChanges { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, object?> DriftChanges { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, (List<string> Added, List<string> Removed)> RuleLinks { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, (List<string> Added, List<string> Removed)> DriftLinks { get; } = new(StringComparer.Ordinal);

    public List<string> RuleReasons { get; } = [];

    public List<string> DriftReasons { get; } = [];

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
