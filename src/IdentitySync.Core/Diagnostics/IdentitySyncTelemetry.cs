using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace IdentitySync.Diagnostics;

/// <summary>
/// The traces and metrics IdentitySync emits, both named <see cref="Name"/>: listen with OpenTelemetry
/// (<c>AddSource("IdentitySync")</c>, <c>AddMeter("IdentitySync")</c>) or any <see cref="ActivityListener"/> and
/// <see cref="MeterListener"/>. Every run has a span, and each of its stages a child span; instruments are
/// tagged by connector, entity type, association, resource type or job, never by a resource's key.
/// docs/observability.md lists the spans, instruments and log events.
/// </summary>
public static class IdentitySyncTelemetry
{
    /// <summary>The name of the activity source and of the meter.</summary>
    public const string Name = "IdentitySync";

    /// <summary>Gets the source of IdentitySync's spans.</summary>
    public static ActivitySource Source { get; } = new(Name, typeof(IdentitySyncTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>Gets the meter of IdentitySync's instruments.</summary>
    public static Meter Meter { get; } = new(Name, typeof(IdentitySyncTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>Rows read from exports, tagged <c>connector</c> and <c>type</c> (an entity type or an association).</summary>
    internal static Counter<long> RowsRead { get; } = Meter.CreateCounter<long>("identitysync.sync.rows_read", "{row}", "Rows read from exports.");

    /// <summary>Changes applied, tagged <c>connector</c>, <c>type</c> and <c>kind</c> (inserted, updated, deleted, links_inserted, links_deleted).</summary>
    internal static Counter<long> ChangesApplied { get; } = Meter.CreateCounter<long>("identitysync.sync.changes_applied", "{change}", "Changes applied to the store by synchronizations.");

    /// <summary>Rows quarantined, tagged <c>connector</c> and <c>type</c>.</summary>
    internal static Counter<long> Quarantined { get; } = Meter.CreateCounter<long>("identitysync.sync.quarantined", "{row}", "Rows left out of synchronizations, with a reason.");

    /// <summary>Runs a threshold blocked, tagged <c>connector</c>.</summary>
    internal static Counter<long> BlockedRuns { get; } = Meter.CreateCounter<long>("identitysync.sync.blocked_runs", "{run}", "Synchronizations a threshold blocked.");

    /// <summary>How long synchronizations took, tagged <c>connector</c>, <c>mode</c> and <c>outcome</c>.</summary>
    internal static Histogram<double> SyncDuration { get; } = Meter.CreateHistogram<double>("identitysync.sync.duration", "s", "How long synchronizations took.");

    /// <summary>Orders that reached a state, tagged <c>resource_type</c> and <c>state</c>.</summary>
    internal static Counter<long> Orders { get; } = Meter.CreateCounter<long>("identitysync.orders", "{order}", "Provisioning orders moved to a state (generated, handed over, executed, in error…).");

    /// <summary>How long categorizations, order generations, fulfilments and verifications took, tagged <c>stage</c>.</summary>
    internal static Histogram<double> StageDuration { get; } = Meter.CreateHistogram<double>("identitysync.stage.duration", "s", "How long categorization and provisioning passes took.");

    /// <summary>How long job runs took, tagged <c>job</c> and <c>status</c>.</summary>
    internal static Histogram<double> JobDuration { get; } = Meter.CreateHistogram<double>("identitysync.job.duration", "s", "How long job runs took.");

    /// <summary>A tag.</summary>
    internal static KeyValuePair<string, object?> Tag(string key, object? value) => new(key, value);

    /// <summary>Runs a categorization or provisioning pass under its span, and records how long it took.</summary>
    internal static async Task<T> RunStageAsync<T>(string span, string stage, TimeProvider time, Func<Task<T>> run, params KeyValuePair<string, object?>[] tags)
    {
        using var activity = Start(span, tags);
        var clock = time.GetTimestamp();
        var result = await run().ConfigureAwait(false);
        StageDuration.Record(time.GetElapsedTime(clock).TotalSeconds, Tag("identitysync.stage", stage));
        return result;
    }

    /// <summary>Starts a span of a run or a stage; null when nobody listens.</summary>
    internal static Activity? Start(string name, params ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var activity = Source.StartActivity(name, ActivityKind.Internal);
        if (activity is not null)
        {
            foreach (var (key, value) in tags)
            {
                activity.SetTag(key, value);
            }
        }

        return activity;
    }
}

/// <summary>The spans of a run's stages, one after the other: starting a stage ends the one before.</summary>
/// <param name="scope">What the stages work on, tagged on each (a connector's name).</param>
/// <param name="tag">The tag's name.</param>
internal sealed class StageSpans(string scope, string tag = "identitysync.connector") : IDisposable
{
    private Activity? _current;

    public void Start(string name)
    {
        _current?.Dispose();
        _current = IdentitySyncTelemetry.Start(name, IdentitySyncTelemetry.Tag(tag, scope));
    }

    public void Dispose()
    {
        _current?.Dispose();
        _current = null;
    }
}
