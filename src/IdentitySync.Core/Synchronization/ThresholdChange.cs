namespace IdentitySync.Synchronization;

/// <summary>The kind of change a threshold counts.</summary>
public enum ThresholdChange
{
    /// <summary>Inserted resources.</summary>
    Inserted,

    /// <summary>Updated resources.</summary>
    Updated,

    /// <summary>Deleted resources.</summary>
    Deleted,

    /// <summary>Inserted links.</summary>
    LinksInserted,

    /// <summary>Deleted links.</summary>
    LinksDeleted,

    /// <summary>An empty snapshot for a scope that holds resources or links: always blocks.</summary>
    EmptyInput,

    /// <summary>Rows quarantined, over every table of the connector; a percentage is of the rows read.</summary>
    Quarantined,
}
