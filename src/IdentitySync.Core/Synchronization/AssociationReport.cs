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

    /// <summary>
    /// Gets the rows left out with a reason, in line order: the first <see cref="SyncEngineOptions.ReportedQuarantinedRows"/>
    /// of them (<see cref="QuarantinedCount"/> counts them all; <see cref="SyncRunOptions.QuarantineOutput"/> receives them all).
    /// </summary>
    public IReadOnlyList<QuarantinedRow> Quarantined { get; init; } = [];

    /// <summary>Gets the number of rows quarantined, listed in <see cref="Quarantined"/> or not.</summary>
    public long QuarantinedCount { get; init; }
}
