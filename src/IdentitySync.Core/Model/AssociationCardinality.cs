namespace IdentitySync.Model;

/// <summary>How many resources each side of an association may reference.</summary>
public enum AssociationCardinality
{
    /// <summary>Both navigation properties are mono-valued.</summary>
    OneToOne,

    /// <summary>Exactly one of the two navigation properties is multi-valued (for example manager and direct reports).</summary>
    OneToMany,

    /// <summary>Both navigation properties are multi-valued (for example group members and memberships).</summary>
    ManyToMany,
}
