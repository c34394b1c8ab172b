namespace IdentitySync.ChangeSets;

/// <summary>
/// What one synchronization of a connector changes: computed against one version of the store, applied
/// in one transaction, or kept when a threshold blocks it so that it can be inspected, resumed or abandoned.
/// </summary>
public sealed record ChangeSet
{
    /// <summary>Initializes a new instance of the <see cref="ChangeSet"/> class.</summary>
    /// <param name="connector">The connector.</param>
    /// <param name="mode">The synchronization mode.</param>
    /// <param name="batchId">The id of the prepared batch it comes from.</param>
    /// <param name="baseVersion">The connector version it was computed against.</param>
    /// <param name="createdAt">When it was computed.</param>
    /// <param name="entityTypes">The changes per entity type.</param>
    /// <param name="associations">The changes per association.</param>
    public ChangeSet(string connector, SyncMode mode, string batchId, long baseVersion, DateTimeOffset createdAt, IReadOnlyList<EntityTypeChanges> entityTypes, IReadOnlyList<AssociationChanges> associations)
    {
        Connector = connector;
        Mode = mode;
        BatchId = batchId;
        BaseVersion = baseVersion;
        CreatedAt = createdAt;
        EntityTypes = entityTypes;
        Associations = associations;
    }

    /// <summary>Gets the connector.</summary>
    public string Connector { get; }

    /// <summary>Gets the synchronization mode.</summary>
    public SyncMode Mode { get; }

    /// <summary>Gets the id of the prepared batch it comes from; applying the same batch twice is a no-op.</summary>
    public string BatchId { get; }

    /// <summary>Gets the connector version it was computed against.</summary>
    public long BaseVersion { get; }

    /// <summary>Gets when it was computed.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>Gets the changes per entity type.</summary>
    public IReadOnlyList<EntityTypeChanges> EntityTypes { get; }

    /// <summary>Gets the changes per association.</summary>
    public IReadOnlyList<AssociationChanges> Associations { get; }

    /// <summary>
    /// Gets the connector's table watermarks once this change set is applied: those the export returned,
    /// and the previous ones of tables whose reader returned none. Recorded by the apply, never before.
    /// </summary>
    public IReadOnlyList<TableWatermark> Watermarks { get; init; } = [];

    /// <summary>Gets a value indicating whether it changes nothing.</summary>
    public bool IsEmpty =>
        EntityTypes.All(static e => e.Inserted.Count + e.Updated.Count + e.Deleted.Count == 0)
        && Associations.All(static a => a.Added.Count + a.Removed.Count == 0);
}
