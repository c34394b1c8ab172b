namespace IdentitySync.Configuration;

/// <summary>The configuration of a resource type's provisioning thresholds; 0 turns a limit off.</summary>
public sealed class ProvisioningThresholdOptions
{
    /// <summary>Gets or sets the most orders one generation may produce (a count ≥ 0).</summary>
    /// <value>The default value is 0 (off).</value>
    public int MaxOrders { get; set; }

    /// <summary>Gets or sets the most orders in percent (0 to 100) of the type's resources.</summary>
    /// <value>The default value is 30.</value>
    public double MaxOrdersPercent { get; set; } = 30;
}
