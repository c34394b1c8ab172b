namespace IdentitySync.Categorizations;

/// <summary>Where an account stands in categorization.</summary>
public enum CategorizationStatus
{
    /// <summary>No rule matched yet.</summary>
    Uncategorized,

    /// <summary>A correlation rule at 100 or more set its owner and resource type.</summary>
    Correlated,

    /// <summary>A classification rule at 100 or more set its resource type; it has no owner.</summary>
    Classified,

    /// <summary>A rule below 100 (or a conflict) proposes an owner or a type, for review.</summary>
    Suggested,

    /// <summary>Several owners matched at the same confidence: a suggestion listing the candidates, never an automatic choice.</summary>
    Ambiguous,

    /// <summary>A person decided; rules never change it again.</summary>
    Reviewed,

    /// <summary>A person rejected the suggestion; rules never suggest again.</summary>
    Rejected,
}
