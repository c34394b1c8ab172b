namespace IdentitySync.Rules;

/// <summary>A rule expression given as code by a code-first host.</summary>
public sealed class DelegateExpression : IRuleExpression
{
    private readonly Func<IExpressionContext, object?> _evaluate;

    private DelegateExpression(ExpressionKind kind, Func<IExpressionContext, object?> evaluate)
    {
        Kind = kind;
        _evaluate = evaluate;
    }

    /// <inheritdoc />
    public ExpressionKind Kind { get; }

    /// <summary>Creates a value expression.</summary>
    /// <param name="evaluate">Computes the value.</param>
    /// <returns>The expression.</returns>
    public static DelegateExpression Value(Func<IExpressionContext, object?> evaluate)
    {
        ArgumentNullException.ThrowIfNull(evaluate);
        return new(ExpressionKind.Value, evaluate);
    }

    /// <summary>Creates a predicate.</summary>
    /// <param name="evaluate">Answers yes or no.</param>
    /// <returns>The expression.</returns>
    public static DelegateExpression Predicate(Func<IExpressionContext, bool> evaluate)
    {
        ArgumentNullException.ThrowIfNull(evaluate);
        return new(ExpressionKind.Predicate, c => evaluate(c));
    }

    /// <inheritdoc />
    public object? Evaluate(IExpressionContext context) => _evaluate(context);
}
