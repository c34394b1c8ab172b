using IdentitySync.Rules;

namespace IdentitySync.Configuration;

/// <summary>The configuration of a navigation rule: a fixed target (such as a group) the resource links to while a condition holds.</summary>
public sealed class NavigationRuleOptions
{
    /// <summary>Gets or sets the navigation property of the target entity type, such as <c>MemberOf</c>.</summary>
    public string? Property { get; set; }

    /// <summary>Gets or sets the primary key of the linked resource, such as <c>CN=Staff,OU=Groups,DC=corp,DC=example</c>.</summary>
    public string? Target { get; set; }

    /// <summary>Gets or sets the condition over the owner, in the expression language; none always links.</summary>
    public string? Criteria { get; set; }

    /// <summary>Gets or sets the condition as code, instead of <see cref="Criteria"/> (code-first hosts only).</summary>
    public IRuleExpression? CriteriaExpression { get; set; }
}
