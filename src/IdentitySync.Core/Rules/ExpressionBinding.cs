namespace IdentitySync.Rules;

/// <summary>Checks an expression's paths against entity types, whether they come from the model or from raw options.</summary>
internal static class ExpressionBinding
{
    /// <summary>Problems with the expression's paths, each with its position.</summary>
    /// <param name="expression">The expression.</param>
    /// <param name="roots">The entity type each allowed root reads.</param>
    /// <param name="shapeOf">The properties and navigations (name → target) of an entity type, or null when unknown.</param>
    public static IEnumerable<string> Problems(RuleExpression expression, IReadOnlyDictionary<string, string> roots, Func<string, TypeShape?> shapeOf)
    {
        foreach (var path in expression.Paths)
        {
            var root = roots.FirstOrDefault(r => string.Equals(r.Key, path.Root, StringComparison.OrdinalIgnoreCase));
            if (root.Key is null)
            {
                yield return $"at position {path.Position + 1}: '{path.Root}' is not available here; use {string.Join(" or ", roots.Keys)}";
                continue;
            }

            var shape = shapeOf(root.Value);
            for (var i = 0; shape is not null && i < path.Properties.Count; i++)
            {
                var name = path.Properties[i];
                var last = i == path.Properties.Count - 1;
                if (last && shape.Properties.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    break;
                }

                var target = shape.Navigations.FirstOrDefault(n => string.Equals(n.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
                if (target is not null && shapeOf(target) is { } next)
                {
                    shape = next;
                    continue;
                }

                yield return $"at position {path.Position + 1}: entity type '{shape.Name}' has no {(last ? "property" : "navigation property")} '{name}' in '{path}'; "
                    + $"it has: {string.Join(", ", shape.Properties.Concat(shape.Navigations.Select(static n => n.Key)))}";
                break;
            }
        }
    }
}

/// <summary>What binding needs of an entity type: its name, its scalar properties, its navigations and their targets.</summary>
internal sealed record TypeShape(string Name, IReadOnlyList<string> Properties, IReadOnlyList<KeyValuePair<string, string>> Navigations);
