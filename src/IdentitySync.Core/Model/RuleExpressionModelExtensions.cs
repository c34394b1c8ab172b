using IdentitySync.Rules;

namespace IdentitySync.Model;

/// <summary>Checks rule expressions against an identity model.</summary>
public static class RuleExpressionModelExtensions
{
    /// <summary>Checks every path against the model: each step but the last a navigation property, the last a property.</summary>
    /// <param name="expression">The expression.</param>
    /// <param name="model">The model.</param>
    /// <param name="roots">The entity type of each root, such as <c>Owner</c> → <c>Identity</c>.</param>
    /// <returns>Problems, each with its position; empty when every path exists.</returns>
    public static IReadOnlyList<string> Bind(this RuleExpression expression, IdentityModel model, IReadOnlyDictionary<string, string> roots)
    {
        ArgumentNullException.ThrowIfNull(expression);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(roots);
        return [.. ExpressionBinding.Problems(expression, roots, name =>
            model.EntityTypes.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase)) is { } type
                ? new TypeShape(type.Name, [.. type.Properties.Select(static p => p.Name)], [.. type.NavigationProperties.Select(static n => KeyValuePair.Create(n.Name, n.TargetEntityType))])
                : null)];
    }
}
