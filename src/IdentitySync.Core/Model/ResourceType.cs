namespace IdentitySync.Model;

/// <summary>
/// A category of target resources with one intent and one provisioning policy, such as nominative
/// Active Directory users, linking an owner entity type to a target entity type of a connector.
/// </summary>
public sealed record ResourceType
{
    internal ResourceType(
        string name,
        string displayName,
        string connector,
        string ownerEntityType,
        string targetEntityType,
        ResourceTypePolicies policies,
        IReadOnlyList<CorrelationRule> correlationRules,
        IReadOnlyList<ClassificationRule> classificationRules,
        IReadOnlyList<TypeRule> typeRules,
        IReadOnlyList<ScalarRule> scalarRules,
        IReadOnlyList<NavigationRule> navigationRules,
        IReadOnlyList<QueryRule> queryRules,
        TimeSpan? archiveAfter = null)
    {
        ArchiveAfter = archiveAfter;
        TypeRules = typeRules;
        ScalarRules = scalarRules;
        NavigationRules = navigationRules;
        QueryRules = queryRules;
        CorrelationRules = correlationRules;
        ClassificationRules = classificationRules;
        Name = name;
        DisplayName = displayName;
        Connector = connector;
        OwnerEntityType = ownerEntityType;
        TargetEntityType = targetEntityType;
        Policies = policies;
    }

    /// <summary>Gets the resource type's identifier, unique in the model (case-insensitive).</summary>
    public string Name { get; }

    /// <summary>Gets the name people read, such as <c>AD User (nominative)</c>; the identifier when not configured.</summary>
    public string DisplayName { get; }

    /// <summary>Gets the name of the connector whose resources this type categorizes and provisions.</summary>
    public string Connector { get; }

    /// <summary>Gets the name of the owners' entity type, usually the identity.</summary>
    public string OwnerEntityType { get; }

    /// <summary>Gets the name of the target resources' entity type: mapped by <see cref="Connector"/>, or by no connector for repository types such as identities.</summary>
    public string TargetEntityType { get; }

    /// <summary>Gets the correlation rules, in declaration order.</summary>
    public IReadOnlyList<CorrelationRule> CorrelationRules { get; }

    /// <summary>Gets the classification rules, in declaration order.</summary>
    public IReadOnlyList<ClassificationRule> ClassificationRules { get; }

    /// <summary>Gets the type rules, in declaration order: OR-ed, a deny rule forbids; without any, the type neither adds nor removes resources.</summary>
    public IReadOnlyList<TypeRule> TypeRules { get; }

    /// <summary>Gets the scalar rules, in declaration order.</summary>
    public IReadOnlyList<ScalarRule> ScalarRules { get; }

    /// <summary>Gets the navigation rules, in declaration order.</summary>
    public IReadOnlyList<NavigationRule> NavigationRules { get; }

    /// <summary>Gets the query rules, in declaration order.</summary>
    public IReadOnlyList<QueryRule> QueryRules { get; }

    /// <summary>Gets the provisioning policies.</summary>
    public ResourceTypePolicies Policies { get; }

    /// <summary>
    /// Gets how long an order of this type stays among the working orders once it has ended (verified,
    /// declined, or in error) before order generation moves it to the archive; null (the default) keeps every
    /// order. Not a rule: changing it does not make generation evaluate every owner again.
    /// </summary>
    public TimeSpan? ArchiveAfter { get; }
}
