namespace IdentitySync.ChangeSets;

/// <summary>How a synchronization treats its input.</summary>
public enum SyncMode
{
    /// <summary>A bulk load into a connector that holds nothing yet; thresholds do not apply.</summary>
    Initial,

    /// <summary>The snapshot is the truth: inserts, updates, and deletes of the connector's resources absent from it.</summary>
    Complete,

    /// <summary>Rows carry a <c>command</c> column (insert, update, delete, merge); rows not in the delta are untouched.</summary>
    Incremental,
}
