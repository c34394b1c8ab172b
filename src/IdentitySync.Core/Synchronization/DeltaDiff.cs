using IdentitySync.ChangeSets;

namespace IdentitySync.Synchronization;

/// <summary>
/// Stage 4 of a run on a native delta, per entity type: each row's command against what is stored. A command
/// that contradicts the store (an insert of an existing key, an update or delete of a missing one) is quarantined.
/// </summary>
internal static class DeltaDiff
{
    /// <summary>Applies the commands of the rows an entity preparer read to the resources it loaded.</summary>
    /// <param name="entity">The preparer, with its rows and stored resources; receives the quarantined rows.</param>
    /// <returns>The entity type's changes.</returns>
    public static EntityTypeChanges Diff(EntityPreparer entity)
    {
        List<ResourceChange> inserted = [], updated = [], deleted = [];
        long unchanged = 0;
        foreach (var row in entity.Rows.Values)
        {
            if (entity.Held.Contains(row.Key))
            {
                continue;
            }

            var stored = entity.Stored[row.Ordinal];
            switch (row.Command)
            {
                case RowCommand.Insert when stored is not null:
                    entity.Quarantine(row.Source, row.Line, row.Key, $"insert of {entity.EntityType.Name} '{row.Key}', which already exists");
                    break;
                case RowCommand.Update when stored is null:
                    entity.Quarantine(row.Source, row.Line, row.Key, $"update of {entity.EntityType.Name} '{row.Key}', which does not exist");
                    break;
                case RowCommand.Delete when stored is null:
                    entity.Quarantine(row.Source, row.Line, row.Key, $"delete of {entity.EntityType.Name} '{row.Key}', which does not exist");
                    break;
                case RowCommand.Delete:
                    deleted.Add(new ResourceChange(stored!.Key, stored.Digest, stored.Values, [], row.Line));
                    break;
                case RowCommand.Insert or RowCommand.Merge when stored is null:
                    inserted.Add(new ResourceChange(row.Key, row.Digest, row.Values!, [], row.Line));
                    break;
                default:
                    unchanged += RowComparison.CompareWithStored(entity.EntityType, stored!, row, updated);
                    break;
            }
        }

        return new EntityTypeChanges(entity.EntityType.Name, inserted, updated, deleted, unchanged);
    }
}
