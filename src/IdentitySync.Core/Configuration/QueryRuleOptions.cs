using IdentitySync.Rules;

namespace IdentitySync.Configuration;

/// <summary>
/// The configuration of a query rule: the resource links to every target whose target-side value
/// equals the owner-side value, such as the group whose <c>Cn</c> is the owner's department code.
/// </summary>
public sealed class QueryRuleOptions
{
    /// <summary>Gets or sets the navigation property of the target entity type, such as <c>MemberOf</c>.</summary>
    public string? Property { get; set; }

    /// <summary>Gets or sets the owner-side value, in the expression language over <c>Owner</c>, such as <c>'GG_' + Owner.Organization.Code</c>.</summary>
    public string? Owner { get; set; }

    /// <summary>Gets or sets the target-side value, in the expression language over <c>Target</c>, such as <c>Target.Cn</c>.</summary>
    public string? Target { get; set; }

    /// <summary>Gets or sets the owner-side value as code, instead of <see cref="Owner"/> (code-first hosts only).</summary>
    public IRuleExpression? OwnerExpression { get; set; }

    /// <summary>Gets or sets the target-side value as code, instead of <see cref="Target"/> (code-first hosts only).</summary>
    public IRuleExpression? TargetExpression { get; set; }

    /// <summary>Gets or sets the condition over the owner, in the expression language; none always applies.</summary>
    public string? Criteria { get; set; }

    /// <summary>Gets or sets the condition as code, instead of <see cref="Criteria"/> (code-first hosts only).</summary>
    public IRuleExpression? CriteriaExpression { get; set; }
}
