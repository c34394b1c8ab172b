using IdentitySync.Rules;
using IdentitySync.Model;

namespace IdentitySync.Provisioning;

/// <summary>
/// A resource type's type rules: whether an owner is entitled to it. The first matching deny rule
/// wins; else the first matching grant; without type rules nothing is decided (accounts are only kept in line).
/// </summary>
internal sealed class TypeRuleSet(IReadOnlyList<TypeRule> rules)
{
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
                    return (false, $"deny rule {i + 1}{RuleValues.Describe(rule.Criteria)} matches");
                }

                if (entitled != true)
                {
                    entitled = true;
                    grant = $"type rule {i + 1}{RuleValues.Describe(rule.Criteria)} grants it";
                }
            }
        }

        return (entitled, grant ?? (rules.Count == 1 ? "its type rule does not match" : $"none of its {rules.Count} type rules matches"));
    }
}
