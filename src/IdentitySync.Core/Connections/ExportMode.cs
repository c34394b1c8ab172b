namespace IdentitySync.Connections;

/// <summary>What an export reads.</summary>
public enum ExportMode
{
    /// <summary>Everything: a complete snapshot of the table.</summary>
    Complete,

    /// <summary>The changes since the previous export, each row with a <c>command</c> column.</summary>
    Incremental,
}
