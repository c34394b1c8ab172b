using IdentitySync.Rules;

namespace IdentitySync.Model;

/// <summary>Matches an account to its owner: the owner-side value equals the account-side value.</summary>
public sealed record CorrelationRule
{
    internal CorrelationRule(IRuleExpression owner, IRuleExpression account, int confidence)
    {
        Owner = owner;
        Account = account;
        Confidence = confidence;
    }

    /// <summary>Gets the owner-side value.</summary>
    public IRuleExpression Owner { get; }

    /// <summary>Gets the account-side value.</summary>
    public IRuleExpression Account { get; }

    /// <summary>Gets the confidence, 0 to 150: from 100 applied, below a suggestion.</summary>
    public int Confidence { get; }
}
