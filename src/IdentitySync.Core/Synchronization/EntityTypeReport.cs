namespace IdentitySync.Synchronization;

/// <summary>What a synchronization did to one entity type.</summary>
public sealed record EntityTypeReport
{
    /// <summary>Gets the entity type.</summary>
    public required string EntityType { get; init; }

    /// <summary>Gets the rows read from the source.</summary>
    public long RowsRead { get; init; }

    /// <summary>Gets the inserted resources.</summary>
    public long Inserted { get; init; }

    /// <summary>Gets the updated resources.</summary>
    public long Updated { get; init; }

    /// <summary>Gets the deleted resources.</summary>
    public long Deleted { get; init; }

    /// <summary>Gets the resources left as they were.</summary>
    public long Unchanged { get; init; }

    /// <summary>Gets the identical duplicate rows collapsed into one.</summary>
    public long DuplicatesCollapsed { get; init; }

    /// <summary>
    /// Gets the rows left out with a reason, in line order: the first <see cref="SyncEngineOptions.ReportedQuarantinedRows"/>
    /// of them (<see cref="QuarantinedCount"/> counts them all; <see cref="SyncRunOptions.QuarantineOutput"/> receives them all).
    /// </summary>
    public IReadOnlyList<QuarantinedRow> Quarantined { get; init; } = [];

    /// <summary>Gets the number of rows quarantined, listed in <see cref="Quarantined"/> or not.</summary>
    public long QuarantinedCount { get; init; }
}
