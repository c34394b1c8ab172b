using System.Globalization;
using IdentitySync.ChangeSets;

namespace IdentitySync.Synchronization;

/// <summary>Stage 6 of a synchronization: the report's counts, quarantined rows, and the words of a blocked run.</summary>
internal static class SyncReportBuilder
{
    /// <summary>Reports each entity type of a run: rows read, changes, duplicates and quarantined rows in line order.</summary>
    /// <param name="plan">The run's plan, with its preparers' counts.</param>
    /// <param name="changeSet">The change set.</param>
    /// <param name="listed">The most quarantined rows listed per entity type (all are counted).</param>
    public static IReadOnlyList<EntityTypeReport> EntityTypes(TablePlan plan, ChangeSet changeSet, int listed) =>
        [.. changeSet.EntityTypes.Select(changes =>
        {
            var entity = plan.Entities[changes.EntityType];
            return new EntityTypeReport
            {
                EntityType = changes.EntityType,
                RowsRead = entity.RowsRead,
                Inserted = changes.Inserted.Count,
                Updated = changes.Updated.Count(static u => u.Changes.Count > 0),
                Deleted = changes.Deleted.Count,
                Unchanged = changes.Unchanged,
                DuplicatesCollapsed = entity.DuplicatesCollapsed,
                Quarantined = First(entity.Quarantined, listed),
                QuarantinedCount = entity.Quarantined.Count,
            };
        })];

    /// <summary>Reports each association of a run: rows read, links added, removed and kept, quarantined rows in line order.</summary>
    /// <param name="plan">The run's plan, with its preparers' counts.</param>
    /// <param name="changeSet">The change set.</param>
    /// <param name="listed">The most quarantined rows listed per association (all are counted).</param>
    public static IReadOnlyList<AssociationReport> Associations(TablePlan plan, ChangeSet changeSet, int listed) =>
        [.. changeSet.Associations.Select(changes =>
        {
            var association = plan.Associations.First(a => a.Keys == changes.Association);
            return new AssociationReport
            {
                Association = changes.Association.Association,
                RowsRead = association.RowsRead,
                Inserted = changes.Added.Count,
                Deleted = changes.Removed.Count,
                Unchanged = changes.Unchanged,
                Quarantined = First(association.Quarantined, listed),
                QuarantinedCount = association.Quarantined.Count,
            };
        })];

    /// <summary>Reports each entity type of a change set alone (a resumed one): its counts.</summary>
    /// <param name="changeSet">The change set.</param>
    public static IReadOnlyList<EntityTypeReport> EntityTypes(ChangeSet changeSet) =>
        [.. changeSet.EntityTypes.Select(static e => new EntityTypeReport
        {
            EntityType = e.EntityType,
            Inserted = e.Inserted.Count,
            Updated = e.Updated.Count,
            Deleted = e.Deleted.Count,
            Unchanged = e.Unchanged,
        })];

    /// <summary>Reports each association of a change set alone (a resumed one): its counts.</summary>
    /// <param name="changeSet">The change set.</param>
    public static IReadOnlyList<AssociationReport> Associations(ChangeSet changeSet) =>
        [.. changeSet.Associations.Select(static a => new AssociationReport
        {
            Association = a.Association.Association,
            Inserted = a.Added.Count,
            Deleted = a.Removed.Count,
            Unchanged = a.Unchanged,
        })];

    /// <summary>
    /// Says why a run was blocked: each exceeded threshold in words, what to do next, and, for a first complete
    /// run into an empty connector, that the initial mode is meant for it.
    /// </summary>
    /// <param name="connector">The connector's name.</param>
    /// <param name="mode">The run's mode.</param>
    /// <param name="plan">The run's plan, to name the table an empty export came from.</param>
    /// <param name="verdicts">The verdicts, some exceeded.</param>
    public static string BlockedMessage(string connector, SyncMode mode, TablePlan plan, IReadOnlyList<ThresholdVerdict> verdicts)
    {
        var exceeded = verdicts.Where(static v => v.Exceeded).Select(v => Describe(plan, v));

        // A first complete run into an empty connector is what the initial mode is for: say so.
        var first = mode == SyncMode.Complete
            && verdicts.Any(static v => v.Exceeded && v.Change != ThresholdChange.Quarantined)
            && plan.Entities.Values.All(static e => e.Stored.Count == 0)
            && plan.Associations.All(static a => a.StoredLinks.Count == 0)
            ? $" Connector '{connector}' holds nothing yet: load it with the initial mode (identitysync sync --mode initial, or SyncMode.Initial), which checks no change threshold."
            : string.Empty;
        return $"Blocked by {string.Join("; ", exceeded)}. Nothing was applied; inspect the change set, then resume or abandon it.{first}";
    }

    /// <summary>The first quarantined rows by line: a report stays small when a wrong file quarantines a million rows.</summary>
    private static QuarantinedRow[] First(IReadOnlyList<QuarantinedRow> quarantined, int listed) =>
        [.. quarantined.OrderBy(static q => q.Line).Take(Math.Max(0, listed))];

    private static string Describe(TablePlan plan, ThresholdVerdict verdict)
    {
        var scope = verdict.Scope switch
        {
            ThresholdScope.Connector => $"connector {verdict.Name}",
            ThresholdScope.EntityType => $"entity type {verdict.Name}",
            _ => $"association {verdict.Name}",
        };
        if (verdict.Change == ThresholdChange.EmptyInput)
        {
            // Say which export came back empty: an empty file usually means a failed extract, not a source emptied.
            var source = verdict.Scope == ThresholdScope.EntityType && plan.Entities.TryGetValue(verdict.Name, out var entity)
                ? $"table '{entity.Mapping.Table}' of connection '{entity.Mapping.Connection}'"
                : plan.FindAssociation(verdict.Name) is { } association
                    ? $"table '{association.Mapping.Table}' of connection '{association.Mapping.Connection}'"
                    : "its export";
            return string.Create(CultureInfo.InvariantCulture, $"{scope}: {source} gave no rows while the store holds {verdict.StoredCount} (an empty export is usually a failed extract; check it, then resume if it is right)");
        }

        var unit = verdict.IsPercent ? "%" : string.Empty;
        if (verdict.Change == ThresholdChange.Quarantined)
        {
            return string.Create(
                CultureInfo.InvariantCulture,
                $"{scope}: {(verdict.IsPercent ? $"{verdict.Actual}% of the {verdict.StoredCount} rows read" : $"{verdict.Actual} rows")} quarantined, more than {(verdict.IsPercent ? "MaxQuarantinedPercent" : "MaxQuarantined")} {verdict.Limit}{unit} (most rows bad usually means a wrong file, encoding or separator; see the quarantined rows)");
        }

        return string.Create(
            CultureInfo.InvariantCulture,
            $"{scope}: {verdict.Change} {verdict.Actual}{unit} exceeds {verdict.Limit}{unit}{(verdict.IsPercent ? $" of {verdict.StoredCount}" : string.Empty)}");
    }
}
