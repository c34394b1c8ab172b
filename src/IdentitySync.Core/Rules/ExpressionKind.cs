namespace IdentitySync.Rules;

/// <summary>What an expression computes.</summary>
public enum ExpressionKind
{
    /// <summary>A value: text, a number, a date… or several of them for a multi-valued property.</summary>
    Value,

    /// <summary>A yes-or-no answer, for criteria and classification rules.</summary>
    Predicate,
}
