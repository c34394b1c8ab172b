using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace IdentitySync.Benchmarks.Scenarios;

/// <summary>
/// <c>--allocations N</c>: the runtime's allocation samples (one event per about 100 KB allocated, with the type of the
/// object that crossed the mark), summed by type for each phase, so that a phase's allocated bytes can be traced to
/// the types that make them. Sampling slows the run a little: its wall times are not figures to report.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private ConcurrentDictionary<string, long> _bytes = new(StringComparer.Ordinal);

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    // The runtime's GC reasons and kinds (GCStart's Reason and Type), named as the runtime's event manifest names them.
    private static readonly string[] s_reasons =
        ["small allocation", "induced", "low memory", "empty", "large allocation", "out of space (small objects)", "out of space (large objects)",
         "induced, not forced", "internal", "induced, low memory", "induced, compacting", "low memory (host)", "provisional mode", "low memory (host, blocking)"];

    private static readonly string[] s_kinds = ["blocking", "background", "foreground"];

    private ConcurrentDictionary<string, int> _collections = new(StringComparer.Ordinal);

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName is { } start && start.StartsWith("GCStart", StringComparison.Ordinal) && eventData.PayloadNames is { } startNames)
        {
            // Which generation each collection took, why and how: a full collection marks the whole heap.
            var depth = Payload(eventData, startNames, "Depth");
            var reason = Payload(eventData, startNames, "Reason");
            if (reason == 1)
            {
                // Induced: the runner's own collection before each phase (reported late, events arrive after a delay);
                // the engines never induce one.
                return;
            }

            var kind = Payload(eventData, startNames, "Type");
            var text = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"gen {depth}, {(reason >= 0 && reason < s_reasons.Length ? s_reasons[reason] : reason.ToString(System.Globalization.CultureInfo.InvariantCulture))}, {(kind >= 0 && kind < s_kinds.Length ? s_kinds[kind] : "?")}");
            _collections.AddOrUpdate(text, 1, static (_, n) => n + 1);
            return;
        }

        if (eventData.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.PayloadNames is not { } names)
        {
            return;
        }

        var type = names.IndexOf("TypeName") is var t and >= 0 ? eventData.Payload![t] as string : null;
        var amount = names.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(eventData.Payload![a], System.Globalization.CultureInfo.InvariantCulture) : 0;
        _bytes.AddOrUpdate(type ?? "(unknown)", amount, (_, sum) => sum + amount);
    }

    /// <summary>Starts a phase's sums afresh.</summary>
    public void Reset()
    {
        _bytes = new(StringComparer.Ordinal);
        _collections = new(StringComparer.Ordinal);
    }

    private static int Payload(EventWrittenEventArgs eventData, System.Collections.ObjectModel.ReadOnlyCollection<string> names, string name) =>
        names.IndexOf(name) is var i and >= 0 ? Convert.ToInt32(eventData.Payload![i], System.Globalization.CultureInfo.InvariantCulture) : -1;

    /// <summary>Writes the types that allocated most since <see cref="Reset"/>.</summary>
    /// <param name="phase">The phase's id.</param>
    /// <param name="count">How many types.</param>
    public void Report(string phase, int count)
    {
        var top = _bytes.OrderByDescending(static p => p.Value).Take(count).ToList();
        Console.WriteLine($"{phase}: allocations sampled, by type (MiB):");
        foreach (var (type, bytes) in top)
        {
            Console.WriteLine($"  {bytes / (1024.0 * 1024):N0}  {type}");
        }

        Console.WriteLine($"{phase}: collections, by generation, reason and kind:");
        foreach (var (collection, times) in _collections.OrderBy(static p => p.Key, StringComparer.Ordinal))
        {
            Console.WriteLine($"  {times}  {collection}");
        }
    }
}
