namespace IdentitySync.Model;

/// <summary>The thresholds of the connector scope: over all its entity types and associations together.</summary>
public sealed record ConnectorThresholds
{
    internal ConnectorThresholds(ResourceThresholds resources, LinkThresholds links)
    {
        Resources = resources;
        Links = links;
    }

    /// <summary>Gets the resource limits (by default 100 resources and 5 %).</summary>
    public ResourceThresholds Resources { get; }

    /// <summary>Gets the link limits (by default 1000 links and 5 %).</summary>
    public LinkThresholds Links { get; }
}
