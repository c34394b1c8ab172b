using IdentitySync.Rules;

namespace IdentitySync.Configuration;

/// <summary>The configuration of a scalar rule: a property of the resource computed from its owner.</summary>
public sealed class ScalarRuleOptions
{
    /// <summary>Gets or sets the scalar property of the target entity type the rule computes.</summary>
    public string? Property { get; set; }

    /// <summary>Gets or sets the value, in the expression language over <c>Owner</c>, such as <c>Owner.FirstName + ' ' + Owner.LastName</c>.</summary>
    public string? Value { get; set; }

    /// <summary>Gets or sets the value as code, instead of <see cref="Value"/> (code-first hosts only).</summary>
    public IRuleExpression? ValueExpression { get; set; }

    /// <summary>Gets or sets how the computed value is compared with the actual one: <c>CaseSensitive</c>, <c>IgnoreCase</c>, <c>IgnoreDiacritics</c>, <c>Simplified</c> or <c>DistinguishedName</c>.</summary>
    /// <value>The default value is <c>CaseSensitive</c>.</value>
    public Model.ComparisonType? Comparison { get; set; }

    /// <summary>Gets or sets a value indicating whether the value is only set when the resource is created, and never compared afterwards.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool CreateOnly { get; set; }

    /// <summary>Gets or sets who may overwrite the property: <c>Authoritative</c>, <c>CreateOnly</c>, <c>IfEmpty</c> or <c>Manual</c>.</summary>
    /// <value>The default value is <see langword="null"/>: for a repository type (identities) <c>Authoritative</c>; for a managed system, a value changed by hand is reviewed as non-conforming.</value>
    public Model.PropertyOwnership? Ownership { get; set; }
}
