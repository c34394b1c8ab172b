using IdentitySync.Rules;

namespace IdentitySync.Configuration;

/// <summary>The configuration of a correlation rule: an owner-side and an account-side value that must match.</summary>
public sealed class CorrelationRuleOptions
{
    /// <summary>Gets or sets the owner-side value, in the expression language, such as <c>Owner.EmployeeId</c>.</summary>
    public string? Owner { get; set; }

    /// <summary>Gets or sets the account-side value, in the expression language, such as <c>Account.EmployeeId</c>.</summary>
    public string? Account { get; set; }

    /// <summary>Gets or sets the owner-side value as code, instead of <see cref="Owner"/> (code-first hosts only).</summary>
    public IRuleExpression? OwnerExpression { get; set; }

    /// <summary>Gets or sets the account-side value as code, instead of <see cref="Account"/> (code-first hosts only).</summary>
    public IRuleExpression? AccountExpression { get; set; }

    /// <summary>Gets or sets the confidence, 0 to 150: from 100 the match is applied, below it is a suggestion to review.</summary>
    /// <value>The default value is 100.</value>
    public int Confidence { get; set; } = 100;
}
