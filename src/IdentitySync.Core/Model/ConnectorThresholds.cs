namespace IdentitySync.Model;

/// <summary>The thresholds of the connector scope: over all its entity types and associations together.</summary>
public sealed record ConnectorThresholds
{
    internal ConnectorThresholds(ResourceThresholds resources, LinkThresholds links, int maxQuarantined = 0, double maxQuarantinedPercent = 50)
    {
        Resources = resources;
        Links = links;
        MaxQuarantined = maxQuarantined;
        MaxQuarantinedPercent = maxQuarantinedPercent;
    }

    /// <summary>Gets the resource limits (by default 100 resources and 5 %).</summary>
    public ResourceThresholds Resources { get; }

    /// <summary>Gets the link limits (by default 1000 links and 5 %).</summary>
    public LinkThresholds Links { get; }

    /// <summary>Gets the most rows a run may quarantine (0: no limit).</summary>
    public int MaxQuarantined { get; }

    /// <summary>Gets the largest share of the rows read, in percent, that a run may quarantine (0: no limit; 50 by default).</summary>
    public double MaxQuarantinedPercent { get; }
}
