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
        foreach (var e in report.EntityTypes)
        {
            Scope(e.EntityType, e.RowsRead, e.QuarantinedCount, [("inserted", e.Inserted), ("updated", e.Updated), ("deleted", e.Deleted)]);
        }

        foreach (var a in report.Associations)
        {
            Scope(a.Association, a.RowsRead, a.QuarantinedCount, [("links_inserted", a.Inserted), ("links_deleted", a.Deleted)]);
        }

        void Scope(string name, long rowsRead, long quarantined, (string Kind, long Count)[] changes)
        {
            var type = new KeyValuePair<string, object?>("identitysync.type", name);
            Add(IdentitySyncTelemetry.RowsRead, rowsRead, connector, type);
            Add(IdentitySyncTelemetry.Quarantined, quarantined, connector, type);
            foreach (var (kind, count) in applied ? changes : [])
            {
                Add(IdentitySyncTelemetry.ChangesApplied, count, connector, type, new("identitysync.kind", kind));
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
