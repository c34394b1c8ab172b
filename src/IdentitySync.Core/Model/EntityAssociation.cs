namespace IdentitySync.Model;

/// <summary>A pair of navigation properties that are each other's inverse, such as <c>Group.member</c> and <c>User.memberOf</c>.</summary>
public sealed record EntityAssociation
{
    internal EntityAssociation(string name, AssociationEnd first, AssociationEnd second, AssociationCardinality cardinality)
    {
        Name = name;
        First = first;
        Second = second;
        Cardinality = cardinality;
    }

    /// <summary>Gets the association's identifier, unique in the model (case-insensitive).</summary>
    public string Name { get; }

    /// <summary>Gets the first side; links are stored from this side to the second.</summary>
    public AssociationEnd First { get; }

    /// <summary>Gets the second side.</summary>
    public AssociationEnd Second { get; }

    /// <summary>Gets the cardinality, which agrees with the multi-valuedness of the two navigation properties.</summary>
    public AssociationCardinality Cardinality { get; }
}
