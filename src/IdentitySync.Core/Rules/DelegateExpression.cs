namespace IdentitySync.Rules;

/// <summary>A rule expression given as code by a code-first host.</summary>
public sealed class DelegateExpression : IRuleExpression
{
    private readonly Func<IExpressionContext, object?> _evaluate;

    private DelegateExpression(ExpressionKind kind, Func<IExpressionContext, object?> evaluate, string? description)
    {
        Kind = kind;
        _evaluate = evaluate;
        Text = description ?? "(code)";
    }

    /// <inheritdoc />
    public string Text { get; }

    /// <inheritdoc />
    public ExpressionKind Kind { get; }

    /// <summary>Creates a value expression.</summary>
    /// <param name="evaluate">Computes the value.</param>
    /// <param name="description">What it computes, for reports and reasons; "(code)" when <see langword="null"/>.</param>
    /// <returns>The expression.</returns>
    public static DelegateExpression Value(Func<IExpressionContext, object?> evaluate, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(evaluate);
        return new(ExpressionKind.Value, evaluate, description);
    }

    /// <summary>Creates a predicate.</summary>
    /// <param name="evaluate">Answers yes or no.</param>
    /// <param name="description">What it checks, for reports and reasons; "(code)" when <see langword="null"/>.</param>
    /// <returns>The expression.</returns>
    public static DelegateExpression Predicate(Func<IExpressionContext, bool> evaluate, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(evaluate);
        return new(ExpressionKind.Predicate, c => evaluate(c), description);
    }

    /// <inheritdoc />
    public object? Evaluate(IExpressionContext context) => _evaluate(context);
}
