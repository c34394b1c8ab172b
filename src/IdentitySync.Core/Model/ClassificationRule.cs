using IdentitySync.Rules;

namespace IdentitySync.Model;

/// <summary>Gives a resource type to accounts that no correlation matched, when a condition holds.</summary>
public sealed record ClassificationRule
{
    internal ClassificationRule(IRuleExpression predicate, int confidence)
    {
        Predicate = predicate;
        Confidence = confidence;
    }

    /// <summary>Gets the condition over the account.</summary>
    public IRuleExpression Predicate { get; }

    /// <summary>Gets the confidence, 0 to 150: from 100 applied, below a suggestion.</summary>
    public int Confidence { get; }
}
