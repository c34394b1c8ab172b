using IdentitySync.ChangeSets;
using IdentitySync.Model;

namespace IdentitySync.Synchronization;

/// <summary>
/// Stage 5 of a synchronization: the change set's counts against the thresholds of each entity type, association
/// and the connector, less what executed orders asked for; and the share of quarantined rows.
/// </summary>
internal static class ThresholdCheck
{
    /// <summary>Checks a change set before anything is applied.</summary>
    /// <param name="connector">The connector, with its thresholds.</param>
    /// <param name="mode">The run's mode: an initial load checks only the quarantine limit; an incremental one no empty input.</param>
    /// <param name="plan">The run's plan, with its preparers' counts read and stored.</param>
    /// <param name="changeSet">The change set.</param>
    /// <param name="expected">The changes executed orders asked for.</param>
    /// <returns>Every verdict, exceeded or not.</returns>
    public static List<ThresholdVerdict> Verdicts(Connector connector, SyncMode mode, TablePlan plan, ChangeSet changeSet, ExpectedChanges expected)
    {
        var verdicts = new List<ThresholdVerdict>();
        if (mode != SyncMode.Initial)
        {
            CheckChanges(verdicts, connector, mode == SyncMode.Incremental, plan, changeSet, expected);
        }

        ThresholdGuard.CheckQuarantine(
            verdicts,
            connector.Name,
            connector.Thresholds,
            plan.Entities.Values.Sum(static e => e.RowsRead) + plan.Associations.Sum(static a => a.RowsRead),
            plan.Entities.Values.Sum(static e => e.Quarantined.Count) + plan.Associations.Sum(static a => a.Quarantined.Count));
        return verdicts;
    }

    private static void CheckChanges(List<ThresholdVerdict> verdicts, Connector connector, bool incremental, TablePlan plan, ChangeSet changeSet, ExpectedChanges expected)
    {
        long storedResources = 0, inserted = 0, updated = 0, deleted = 0;
        foreach (var changes in changeSet.EntityTypes)
        {
            var entity = plan.Entities[changes.EntityType];
            var stored = entity.Stored.Count;
            var changedRows = changes.Updated.Where(static u => u.Changes.Count > 0).ToList();
            var insertedCount = changes.Inserted.Count - expected.Inserted(entity.EntityType, entity.Mapping, changes.Inserted);
            var changed = changedRows.Count - expected.Updated(entity.Mapping, changedRows);
            var deletedCount = changes.Deleted.Count - expected.Deleted(entity.Mapping, changes.Deleted);
            storedResources += stored;
            inserted += insertedCount;
            updated += changed;
            deleted += deletedCount;
            if (!incremental)
            {
                ThresholdGuard.CheckEmptyInput(verdicts, ThresholdScope.EntityType, changes.EntityType, stored, entity.RowsRead);
            }

            ThresholdGuard.Check(verdicts, ThresholdScope.EntityType, changes.EntityType, entity.Mapping.Thresholds, stored, insertedCount, changed, deletedCount);
        }

        long storedLinks = 0, linksInserted = 0, linksDeleted = 0;
        foreach (var changes in changeSet.Associations)
        {
            var association = plan.Associations.First(a => a.Keys == changes.Association);
            long stored = association.StoredLinks.Count;
            var added = changes.Added.Count - expected.LinksAdded(changes.Association.Association, changes.Added);
            var removed = changes.Removed.Count - expected.LinksRemoved(changes.Association.Association, changes.Removed);
            storedLinks += stored;
            linksInserted += added;
            linksDeleted += removed;
            if (!incremental)
            {
                ThresholdGuard.CheckEmptyInput(verdicts, ThresholdScope.Association, changes.Association.Association, stored, association.PairCount);
            }

            ThresholdGuard.Check(verdicts, ThresholdScope.Association, changes.Association.Association, association.Mapping.Thresholds, stored, added, removed);
        }

        ThresholdGuard.Check(verdicts, ThresholdScope.Connector, connector.Name, connector.Thresholds.Resources, storedResources, inserted, updated, deleted);
        ThresholdGuard.Check(verdicts, ThresholdScope.Connector, connector.Name, connector.Thresholds.Links, storedLinks, linksInserted, linksDeleted);
    }
}
