using IdentitySync.Rules;

namespace IdentitySync.Configuration;

/// <summary>The configuration of a type rule: which owners should hold a resource of the type.</summary>
public sealed class TypeRuleOptions
{
    /// <summary>Gets or sets the condition over the owner, in the expression language, such as <c>not(Owner.IsContractor)</c>; none matches every owner.</summary>
    public string? Criteria { get; set; }

    /// <summary>Gets or sets the condition as code, instead of <see cref="Criteria"/> (code-first hosts only).</summary>
    public IRuleExpression? CriteriaExpression { get; set; }

    /// <summary>Gets or sets a value indicating whether the rule forbids the resource to the owners it matches, whatever the other rules say.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Deny { get; set; }
}
