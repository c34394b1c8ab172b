using IdentitySync.ChangeSets;

namespace IdentitySync.Synchronization;

/// <summary>
/// Stage 4 of a complete run, per entity type: the rows read against the resources stored. A stored key
/// without a row is deleted, a row without a stored key inserted; held keys (quarantined rows) stay as stored.
/// </summary>
internal static class SnapshotDiff
{
    /// <summary>Compares the rows an entity preparer read with the resources it loaded.</summary>
    /// <param name="entity">The preparer, with its rows and stored resources.</param>
    /// <returns>The entity type's changes.</returns>
    public static EntityTypeChanges Diff(EntityPreparer entity)
    {
        // Nothing stored: every row is an insert, and the list is sized once (ten million rows: no doublings).
        List<ResourceChange> inserted = new(entity.Stored.Count == 0 ? entity.Rows.Count : 0), updated = [], deleted = [];
        long unchanged = 0;
        foreach (var row in entity.Rows.Values)
        {
            if (entity.Held.Contains(row.Key))
            {
                continue;
            }

            var stored = entity.Stored[row.Ordinal];
            if (stored is null)
            {
                inserted.Add(new ResourceChange(row.Key, row.Digest, row.Values!, [], row.Line));
            }
            else
            {
                unchanged += RowComparison.CompareWithStored(entity.EntityType, stored, row, updated);
            }
        }

        foreach (var (ordinal, stored) in entity.Stored.Entries)
        {
            if (entity.Rows[ordinal] is null && !entity.Held.Contains(stored.Key))
            {
                deleted.Add(new ResourceChange(stored.Key, stored.Digest, stored.Values, [], 0));
            }
        }

        return new EntityTypeChanges(entity.EntityType.Name, inserted, updated, deleted, unchanged);
    }
}
