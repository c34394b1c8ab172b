namespace IdentitySync.Synchronization;

/// <summary>What a synchronization did to one association.</summary>
public sealed record AssociationReport
{
    /// <summary>Gets the association.</summary>
    public required string Association { get; init; }

    /// <summary>Gets the rows read from the source (rows with an empty side hold no link and are not counted as links).</summary>
    public long RowsRead { get; init; }

    /// <summary>Gets the inserted links.</summary>
    public long Inserted { get; init; }

    /// <summary>Gets the deleted links.</summary>
    public long Deleted { get; init; }

    /// <summary>Gets the links left as they were.</summary>
    public long Unchanged { get; init; }

    /// <summary>Gets the rows left out, with their line and reason.</summary>
    public IReadOnlyList<QuarantinedRow> Quarantined { get; init; } = [];
}
