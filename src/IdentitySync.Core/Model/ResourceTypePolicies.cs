namespace IdentitySync.Model;

/// <summary>The provisioning policies of a resource type.</summary>
public sealed record ResourceTypePolicies
{
    internal ResourceTypePolicies(
        bool allowAdd,
        bool allowRemove,
        bool removeOrphans,
        bool requireReview,
        bool allowMultiplePerOwner,
        IReadOnlyList<string> dependsOn,
        ProvisioningThresholds thresholds,
        TimeSpan transmittedTimeout,
        bool computedValuesWin,
        WorkflowPolicy workflow)
    {
        Workflow = workflow;
        ComputedValuesWin = computedValuesWin;
        AllowAdd = allowAdd;
        AllowRemove = allowRemove;
        RemoveOrphans = removeOrphans;
        RequireReview = requireReview;
        AllowMultiplePerOwner = allowMultiplePerOwner;
        DependsOn = dependsOn;
        Thresholds = thresholds;
        TransmittedTimeout = transmittedTimeout;
    }

    /// <summary>Gets a value indicating whether missing resources are created (<c>Added</c> orders); true by default.</summary>
    public bool AllowAdd { get; }

    /// <summary>Gets a value indicating whether resources of owners no longer entitled are removed (<c>Deleted</c> orders); true by default.</summary>
    public bool AllowRemove { get; }

    /// <summary>Gets a value indicating whether resources whose owner was deleted are removed; false by default.</summary>
    public bool RemoveOrphans { get; }

    /// <summary>Gets a value indicating whether orders wait for approval before they are fulfilled; false by default.</summary>
    public bool RequireReview { get; }

    /// <summary>Gets a value indicating whether one owner may hold several resources of this type; false by default.</summary>
    public bool AllowMultiplePerOwner { get; }

    /// <summary>Gets the resource types an owner must hold before a resource of this type is added.</summary>
    public IReadOnlyList<string> DependsOn { get; }

    /// <summary>Gets the provisioning thresholds.</summary>
    public ProvisioningThresholds Thresholds { get; }

    /// <summary>Gets how long an order may stay transmitted or executed before it becomes <c>Error</c>; one day by default.</summary>
    public TimeSpan TransmittedTimeout { get; }

    /// <summary>Gets a value indicating whether computed values always win over values changed by hand in the managed system; false by default (such values are reported as non-conforming).</summary>
    public bool ComputedValuesWin { get; }

    /// <summary>Gets how the internal workflow ends resources of a repository type.</summary>
    public WorkflowPolicy Workflow { get; }
}
