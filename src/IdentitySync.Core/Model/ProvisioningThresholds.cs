namespace IdentitySync.Model;

/// <summary>Maxima of the orders one generation may produce for a resource type; exceeding any blocks generation. Zero turns a limit off.</summary>
public sealed record ProvisioningThresholds
{
    internal ProvisioningThresholds(int maxOrders, double maxOrdersPercent)
    {
        MaxOrders = maxOrders;
        MaxOrdersPercent = maxOrdersPercent;
    }

    /// <summary>Gets the most orders one generation may produce; 0 (the default) is off.</summary>
    public int MaxOrders { get; }

    /// <summary>Gets the most orders one generation may produce in percent of the type's resources; 30 by default, 0 is off.</summary>
    public double MaxOrdersPercent { get; }
}
