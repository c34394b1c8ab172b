using FluentValidation;
using IdentitySync.Rules;

namespace IdentitySync.Configuration;

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
    private static IEnumerable<string> BindProblems(ConfigurationIndex index, RuleExpression expression, string root, string entityType) =>
        ExpressionBinding.Problems(expression, new Dictionary<string, string> { [root] = entityType }, name =>
            index.EntityTypes.TryGetValue(name, out var type)
                ? new TypeShape(
                    type.Name!,
                    [.. type.Properties.Select(static p => p.Name ?? string.Empty)],
                    [.. type.NavigationProperties.Where(static n => n.Name is not null && n.Target is not null).Select(static n => KeyValuePair.Create(n.Name!, n.Target!))])
                : null);
}
