namespace IdentitySync.Synchronization;

/// <summary>The scope a threshold applies to.</summary>
public enum ThresholdScope
{
    /// <summary>All the connector's entity types, or all its associations for link limits.</summary>
    Connector,

    /// <summary>One entity-type mapping.</summary>
    EntityType,

    /// <summary>One association mapping.</summary>
    Association,
}
