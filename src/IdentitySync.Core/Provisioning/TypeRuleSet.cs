using IdentitySync.Rules;
using IdentitySync.Model;

namespace IdentitySync.Provisioning;

/// <summary>
/// A resource type's type rules: whether an owner is entitled to it. The first matching deny rule
/// wins; else the first matching grant; without type rules nothing is decided (accounts are only kept in line).
/// </summary>
internal sealed class TypeRuleSet(IReadOnlyList<TypeRule> rules)
{
    // The words depend on the rule only: written once, not once per owner.
    private readonly string[] _denies = [.. rules.Select(static (r, i) => $"deny rule {i + 1}{RuleValues.Describe(r.Criteria)} matches")];
    private readonly string[] _grants = [.. rules.Select(static (r, i) => $"type rule {i + 1}{RuleValues.Describe(r.Criteria)} grants it")];
    private readonly string _none = rules.Count == 1 ? "its type rule does not match" : $"none of its {rules.Count} type rules matches";

    /// <summary>Decides an owner's entitlement.</summary>
    /// <param name="context">The owner's rule context.</param>
    /// <returns>Entitled (null without type rules) and the words that say why.</returns>
    public (bool? Entitled, string? Grant) Evaluate(IExpressionContext context)
    {
        if (rules.Count == 0)
        {
            return (null, null);
        }

        bool? entitled = false;
        string? grant = null;
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            if (rule.Criteria is null || rule.Criteria.Evaluate(context) is true)
            {
                if (rule.Deny)
                {
                    return (false, _denies[i]);
                }

                if (entitled != true)
                {
                    entitled = true;
                    grant = _grants[i];
                }
            }
        }

        return (entitled, grant ?? _none);
    }
}
