namespace IdentitySync.Configuration;

/// <summary>The configuration of an association between two navigation properties.</summary>
public sealed class AssociationOptions
{
    /// <summary>Gets or sets the identifier: letters, digits and '_', not starting with a digit.</summary>
    public string? Name { get; set; }

    /// <summary>Gets or sets the first side as <c>EntityType.NavigationProperty</c>, for example <c>Group.member</c>.</summary>
    public string? First { get; set; }

    /// <summary>Gets or sets the second side as <c>EntityType.NavigationProperty</c>, for example <c>User.memberOf</c>.</summary>
    public string? Second { get; set; }

    /// <summary>Gets or sets the cardinality: OneToOne, OneToMany or ManyToMany.</summary>
    /// <value>The default value is <see langword="null"/>: derived from the multi-valuedness of the two sides.</value>
    public Model.AssociationCardinality? Cardinality { get; set; }
}
