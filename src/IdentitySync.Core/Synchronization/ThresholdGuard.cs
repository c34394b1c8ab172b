using IdentitySync.Model;

namespace IdentitySync.Synchronization;

/// <summary>Checks a change set against the thresholds of its three scopes.</summary>
internal static class ThresholdGuard
{
    public static void Check(
        List<ThresholdVerdict> verdicts,
        ThresholdScope scope,
        string name,
        ResourceThresholds limits,
        long stored,
        long inserted,
        long updated,
        long deleted)
    {
        Check(verdicts, scope, name, ThresholdChange.Inserted, limits.MaxInserted, limits.MaxInsertedPercent, stored, inserted);
        Check(verdicts, scope, name, ThresholdChange.Updated, limits.MaxUpdated, limits.MaxUpdatedPercent, stored, updated);
        Check(verdicts, scope, name, ThresholdChange.Deleted, limits.MaxDeleted, limits.MaxDeletedPercent, stored, deleted);
    }

    public static void Check(List<ThresholdVerdict> verdicts, ThresholdScope scope, string name, LinkThresholds limits, long stored, long inserted, long deleted)
    {
        Check(verdicts, scope, name, ThresholdChange.LinksInserted, limits.MaxInserted, limits.MaxInsertedPercent, stored, inserted);
        Check(verdicts, scope, name, ThresholdChange.LinksDeleted, limits.MaxDeleted, limits.MaxDeletedPercent, stored, deleted);
    }

    /// <summary>An empty snapshot of a scope that holds something always blocks: it is a truncated or missing export.</summary>
    public static void CheckEmptyInput(List<ThresholdVerdict> verdicts, ThresholdScope scope, string name, long stored, long rowsRead)
    {
        if (stored > 0 && rowsRead == 0)
        {
            verdicts.Add(new ThresholdVerdict { Scope = scope, Name = name, Change = ThresholdChange.EmptyInput, Limit = 0, IsPercent = false, Actual = 0, StoredCount = stored, Exceeded = true });
        }
    }

    /// <summary>
    /// The quarantine limit of the connector scope: a run in which too many rows are bad is blocked rather than
    /// applying the rest, whatever its mode (an initial load of mostly bad rows is no better).
    /// </summary>
    public static void CheckQuarantine(List<ThresholdVerdict> verdicts, string connector, ConnectorThresholds limits, long rowsRead, long quarantined) =>
        Check(verdicts, ThresholdScope.Connector, connector, ThresholdChange.Quarantined, limits.MaxQuarantined, limits.MaxQuarantinedPercent, rowsRead, quarantined);

    private static void Check(List<ThresholdVerdict> verdicts, ThresholdScope scope, string name, ThresholdChange change, int max, double maxPercent, long stored, long actual)
    {
        if (max > 0)
        {
            verdicts.Add(new ThresholdVerdict { Scope = scope, Name = name, Change = change, Limit = max, IsPercent = false, Actual = actual, StoredCount = stored, Exceeded = actual > max });
        }

        // A percentage of nothing has no meaning: a scope that holds nothing is guarded by its counts alone.
        if (maxPercent > 0 && stored > 0)
        {
            var percent = Math.Round(actual * 100.0 / stored, 2);
            verdicts.Add(new ThresholdVerdict { Scope = scope, Name = name, Change = change, Limit = maxPercent, IsPercent = true, Actual = percent, StoredCount = stored, Exceeded = actual * 100.0 / stored > maxPercent });
        }
    }
}
