namespace IdentitySync.Rules;

/// <summary>
/// An expression of the rule language, parsed once into a delegate: paths such as
/// <c>Owner.Manager.EmployeeId</c>, text and numbers, <c>+</c> to join text, transformations
/// (<c>lower</c>, <c>upper</c>, <c>trim</c>, <c>removeDiacritics</c>, <c>simplify</c>, <c>substring</c>,
/// <c>template</c>, <c>coalesce</c>) and predicates (<c>equals</c>, <c>startsWith</c>, <c>endsWith</c>,
/// <c>contains</c>, <c>matches</c>, <c>in</c>, <c>isEmpty</c>, <c>not</c>, <c>and</c>, <c>or</c>).
/// See docs/expressions.md.
/// </summary>
public sealed class RuleExpression : IRuleExpression
{
    private readonly Func<IExpressionContext, object?> _evaluate;

    private RuleExpression(string text, ExpressionKind kind, Func<IExpressionContext, object?> evaluate, IReadOnlyList<ExpressionPath> paths)
    {
        Text = text;
        Kind = kind;
        _evaluate = evaluate;
        Paths = paths;
    }

    /// <summary>Gets the expression's text.</summary>
    public string Text { get; }

    /// <inheritdoc />
    public ExpressionKind Kind { get; }

    /// <summary>Gets the property paths the expression reads, with their positions.</summary>
    public IReadOnlyList<ExpressionPath> Paths { get; }

    /// <summary>Parses an expression.</summary>
    /// <param name="text">The expression.</param>
    /// <returns>The parsed expression.</returns>
    /// <exception cref="ExpressionSyntaxException">The text is not an expression; the message shows where and what is allowed.</exception>
    public static RuleExpression Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new ExpressionParser(text);
        var (kind, evaluate) = parser.ParseAll();
        return new RuleExpression(text, kind, evaluate, parser.Paths);
    }

    /// <inheritdoc />
    public object? Evaluate(IExpressionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return _evaluate(context);
    }

    /// <summary>Evaluates a predicate.</summary>
    /// <param name="context">The values it reads.</param>
    /// <returns>The answer.</returns>
    /// <exception cref="InvalidOperationException">The expression computes a value, not a yes-or-no answer.</exception>
    public bool IsTrue(IExpressionContext context) =>
        Kind == ExpressionKind.Predicate ? (bool)Evaluate(context)! : throw new InvalidOperationException($"'{Text}' computes a value, not a yes-or-no answer.");

    /// <inheritdoc />
    public override string ToString() => Text;

    /// <summary>Two parsed expressions are equal when their texts are: they compute the same thing.</summary>
    /// <param name="obj">The other object.</param>
    /// <returns>Whether both are parsed from the same text.</returns>
    public override bool Equals(object? obj) => obj is RuleExpression other && string.Equals(Text, other.Text, StringComparison.Ordinal);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Text);
}

/// <summary>A property path in an expression.</summary>
/// <param name="Position">Its 0-based position in the expression.</param>
/// <param name="Root">The root: <c>Owner</c> or <c>Account</c>.</param>
/// <param name="Properties">The property names after the root.</param>
public sealed record ExpressionPath(int Position, string Root, IReadOnlyList<string> Properties)
{
    /// <inheritdoc />
    public override string ToString() => Root + "." + string.Join('.', Properties);
}
