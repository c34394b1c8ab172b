using FluentValidation;
using IdentitySync.Rules;

namespace IdentitySync.Configuration.Validation;

/// <summary>Checks a rule's expression: it parses, computes the right kind, and reads only its side's paths.</summary>
internal static class RuleExpressionChecks
{
    public static void Check<T>(
        ValidationContext<T> context,
        ConfigurationIndex index,
        string path,
        string? text,
        IRuleExpression? code,
        ExpressionKind kind,
        string root,
        string? entityType)
    {
        if (code is not null)
        {
            if (code.Kind != kind)
            {
                context.AddFailure(path, $"the expression given as code computes {Describe(code.Kind)}; this rule needs {Describe(kind)}");
            }

            return;
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            context.AddFailure(path, $"required; give {Describe(kind)} over {root}, for example {(kind == ExpressionKind.Value ? root + ".EmployeeId" : "startsWith(Account.Login, 'adm-')")}");
            return;
        }

        RuleExpression expression;
        try
        {
            expression = RuleExpression.Parse(text);
        }
        catch (ExpressionSyntaxException exception)
        {
            context.AddFailure(path, $"{exception.Problem} (at position {exception.Position + 1} of '{text}')");
            return;
        }

        if (expression.Kind != kind)
        {
            context.AddFailure(path, $"'{text}' computes {Describe(expression.Kind)}; this rule needs {Describe(kind)}");
            return;
        }

        if (entityType is null)
        {
            return;
        }

        foreach (var problem in BindProblems(index, expression, root, entityType))
        {
            context.AddFailure(path, $"{problem} (in '{text}')");
        }
    }

    public static void CheckConfidence<T>(ValidationContext<T> context, string path, int confidence)
    {
        if (confidence is < 0 or > 150)
        {
            context.AddFailure(path, $"{confidence} is out of range; a confidence is from 0 to 150 (100 and more: applied; below: a suggestion to review)");
        }
    }

    private static string Describe(ExpressionKind kind) => kind == ExpressionKind.Value ? "a value" : "a yes-or-no answer";

    /// <summary>Binding needs types by name: checked on the raw configuration, before the model exists.</summary>
    private static IEnumerable<string> BindProblems(ConfigurationIndex index, RuleExpression expression, string root, string entityType)
    {
        foreach (var path in expression.Paths)
        {
            if (!string.Equals(path.Root, root, StringComparison.OrdinalIgnoreCase))
            {
                yield return $"at position {path.Position + 1}: '{path.Root}' is not available here; this side reads {root}";
                continue;
            }

            var type = index.EntityTypes[entityType];
            for (var i = 0; i < path.Properties.Count; i++)
            {
                var name = path.Properties[i];
                var last = i == path.Properties.Count - 1;
                if (last && type.Properties.Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)))
                {
                    break;
                }

                var navigation = type.NavigationProperties.FirstOrDefault(n => string.Equals(n.Name, name, StringComparison.OrdinalIgnoreCase));
                if (navigation?.Target is { } target && index.EntityTypes.TryGetValue(target, out var next))
                {
                    type = next;
                    continue;
                }

                yield return $"at position {path.Position + 1}: entity type '{type.Name}' has no {(last ? "property" : "navigation property")} '{name}'";
                break;
            }
        }
    }
}
