namespace IdentitySync.Rules;

/// <summary>
/// An expression of a rule: parsed from the expression language (<see cref="RuleExpression"/>), or a
/// delegate from a code-first host. Another language (C#) plugs in behind the same interface.
/// </summary>
public interface IRuleExpression
{
    /// <summary>Gets the expression as people read it: its text, or a description of the code behind it.</summary>
    string Text { get; }

    /// <summary>Gets what the expression computes.</summary>
    ExpressionKind Kind { get; }

    /// <summary>Evaluates the expression.</summary>
    /// <param name="context">The values it reads.</param>
    /// <returns>The value; a bool for predicates.</returns>
    object? Evaluate(IExpressionContext context);
}
