using IdentitySync.Rules;

namespace IdentitySync.Configuration;

/// <summary>The configuration of a classification rule: a condition over an account that no correlation matched.</summary>
public sealed class ClassificationRuleOptions
{
    /// <summary>Gets or sets the condition, in the expression language, such as <c>startsWith(Account.SamAccountName, 'adm-')</c>.</summary>
    public string? Predicate { get; set; }

    /// <summary>Gets or sets the condition as code, instead of <see cref="Predicate"/> (code-first hosts only).</summary>
    public IRuleExpression? PredicateExpression { get; set; }

    /// <summary>Gets or sets the confidence, 0 to 150: from 100 the type is applied, below it is a suggestion to review.</summary>
    /// <value>The default value is 100.</value>
    public int Confidence { get; set; } = 100;
}
