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

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.PayloadNames is not { } names)
        {
            return;
        }

        var type = names.IndexOf("TypeName") is var t and >= 0 ? eventData.Payload![t] as string : null;
        var amount = names.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(eventData.Payload![a], System.Globalization.CultureInfo.InvariantCulture) : 0;
        _bytes.AddOrUpdate(type ?? "(unknown)", amount, (_, sum) => sum + amount);
    }

    /// <summary>Starts a phase's sums afresh.</summary>
    public void Reset() => _bytes = new(StringComparer.Ordinal);

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
    }
}
