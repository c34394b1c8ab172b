using System.Diagnostics;
using IdentitySync.Diagnostics;

namespace IdentitySync.Synchronization;

/// <summary>What a synchronization's report tells the meter and its span.</summary>
internal static class SyncTelemetry
{
    public static void Record(Activity? activity, SyncReport report, TimeSpan elapsed)
    {
        var connector = new KeyValuePair<string, object?>("identitysync.connector", report.Connector);
        activity?.SetTag("identitysync.outcome", report.Outcome.ToString());
        if (report.Outcome == SyncOutcome.Failed)
        {
            activity?.SetStatus(ActivityStatusCode.Error, report.Failure.ToString());
        }

        IdentitySyncTelemetry.SyncDuration.Record(elapsed.TotalSeconds, connector, new("identitysync.mode", report.Mode.ToString()), new("identitysync.outcome", report.Outcome.ToString()));
        if (report.Outcome == SyncOutcome.Blocked)
        {
            IdentitySyncTelemetry.BlockedRuns.Add(1, connector);
        }

        var applied = report.Outcome == SyncOutcome.Succeeded && !report.DryRun;
        foreach (var entityType in report.EntityTypes)
        {
            var type = new KeyValuePair<string, object?>("identitysync.type", entityType.EntityType);
            Add(IdentitySyncTelemetry.RowsRead, entityType.RowsRead, connector, type);
            Add(IdentitySyncTelemetry.Quarantined, entityType.Quarantined.Count, connector, type);
            if (applied)
            {
                Add(IdentitySyncTelemetry.ChangesApplied, entityType.Inserted, connector, type, new("identitysync.kind", "inserted"));
                Add(IdentitySyncTelemetry.ChangesApplied, entityType.Updated, connector, type, new("identitysync.kind", "updated"));
                Add(IdentitySyncTelemetry.ChangesApplied, entityType.Deleted, connector, type, new("identitysync.kind", "deleted"));
            }
        }

        foreach (var association in report.Associations)
        {
            var type = new KeyValuePair<string, object?>("identitysync.type", association.Association);
            Add(IdentitySyncTelemetry.RowsRead, association.RowsRead, connector, type);
            Add(IdentitySyncTelemetry.Quarantined, association.Quarantined.Count, connector, type);
            if (applied)
            {
                Add(IdentitySyncTelemetry.ChangesApplied, association.Inserted, connector, type, new("identitysync.kind", "links_inserted"));
                Add(IdentitySyncTelemetry.ChangesApplied, association.Deleted, connector, type, new("identitysync.kind", "links_deleted"));
            }
        }
    }

    private static void Add(System.Diagnostics.Metrics.Counter<long> counter, long value, params ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (value > 0)
        {
            counter.Add(value, tags);
        }
    }
}
