namespace IdentitySync.Configuration;

/// <summary>How the internal workflow ends a repository resource (an identity) when a <c>Deleted</c> order reaches it.</summary>
public sealed class WorkflowOptions
{
    /// <summary>Gets or sets the DateTime property set to the end date.</summary>
    public string? EndDateProperty { get; set; }

    /// <summary>Gets or sets the Bool property set to false.</summary>
    public string? ActiveProperty { get; set; }

    /// <summary>Gets or sets a value indicating whether the resource is deleted instead of ended (its history goes with it).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool HardDelete { get; set; }
}
