namespace IdentitySync.Configuration;

/// <summary>The configuration of a resource type and its policies.</summary>
public sealed class ResourceTypeOptions
{
    /// <summary>Gets or sets the identifier: letters, digits and '_', not starting with a digit.</summary>
    public string? Name { get; set; }

    /// <summary>Gets or sets the name people read.</summary>
    /// <value>The default value is <see langword="null"/>: the identifier.</value>
    public string? DisplayName { get; set; }

    /// <summary>Gets or sets the name of the connector whose resources this type holds.</summary>
    public string? Connector { get; set; }

    /// <summary>Gets or sets the name of the owners' entity type.</summary>
    public string? OwnerEntityType { get; set; }

    /// <summary>Gets or sets the name of the target entity type: one that <see cref="Connector"/> maps, or a repository type no connector maps (identities, for an HR connector).</summary>
    public string? TargetEntityType { get; set; }

    /// <summary>Gets or sets a value indicating whether missing resources are created.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool AllowAdd { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether resources of owners no longer entitled are removed.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool AllowRemove { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether resources whose owner was deleted are removed.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool RemoveOrphans { get; set; }

    /// <summary>Gets or sets a value indicating whether orders wait for approval.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool RequireReview { get; set; }

    /// <summary>Gets or sets a value indicating whether one owner may hold several resources of this type.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool AllowMultiplePerOwner { get; set; }

    /// <summary>Gets the resource types an owner must hold before a resource of this type is added.</summary>
    public IList<string> DependsOn { get; } = [];

    /// <summary>Gets the correlation rules: which owner an account belongs to.</summary>
    public IList<CorrelationRuleOptions> CorrelationRules { get; } = [];

    /// <summary>Gets the classification rules: accounts of this type that no correlation matched (service, administration accounts).</summary>
    public IList<ClassificationRuleOptions> ClassificationRules { get; } = [];

    /// <summary>Gets the type rules: which owners should hold a resource of this type. Without any, the type never adds nor removes resources; its other rules still keep existing ones in line.</summary>
    public IList<TypeRuleOptions> TypeRules { get; } = [];

    /// <summary>Gets the scalar rules: property values computed from the owner.</summary>
    public IList<ScalarRuleOptions> ScalarRules { get; } = [];

    /// <summary>Gets the navigation rules: fixed links (such as a group) while a condition holds.</summary>
    public IList<NavigationRuleOptions> NavigationRules { get; } = [];

    /// <summary>Gets the query rules: links to the targets whose value matches the owner's.</summary>
    public IList<QueryRuleOptions> QueryRules { get; } = [];

    /// <summary>Gets or sets a value indicating whether computed values always win: a value changed by hand in the managed system is put back by an order, instead of being reported as non-conforming for review.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool ComputedValuesWin { get; set; }

    /// <summary>Gets how the internal workflow ends resources of a repository type (identities): an end date, an inactive flag, or a hard delete.</summary>
    public WorkflowOptions Workflow { get; } = new();

    /// <summary>Gets the provisioning thresholds.</summary>
    public ProvisioningThresholdOptions Thresholds { get; } = new();

    /// <summary>Gets or sets how long an order may stay transmitted or executed before it becomes <c>Error</c>.</summary>
    /// <value>The default value is one day.</value>
    public TimeSpan TransmittedTimeout { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Gets or sets how long an ended order (verified, declined, in error) stays among the working orders
    /// before order generation moves it to the archive, where it stays readable. An archived declined order
    /// no longer holds its change back: the next generation proposes it again for review.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: orders are never archived.</value>
    public TimeSpan? ArchiveAfter { get; set; }
}
