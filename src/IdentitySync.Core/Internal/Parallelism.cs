using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace IdentitySync.Internal;

/// <summary>
/// Runs independent iterations on every core, in ranges, for the engines' per-owner and per-account rule evaluation.
/// Each iteration writes only its own slot, so the results keep the input's order; an exception an iteration throws
/// comes out as itself (not wrapped), as a loop of one item at a time throws it.
/// </summary>
internal static class Parallelism
{
    /// <summary>Calls <paramref name="body"/> for every index below <paramref name="count"/>, ranges of <paramref name="rangeSize"/> at a time on the thread pool.</summary>
    /// <param name="count">How many iterations.</param>
    /// <param name="rangeSize">How many consecutive iterations one thread takes at a time.</param>
    /// <param name="body">One iteration; thread-safe.</param>
    /// <param name="cancellationToken">Stops the loop (as an <see cref="OperationCanceledException"/>).</param>
    public static void ForRanges(int count, int rangeSize, Action<int> body, CancellationToken cancellationToken)
    {
        try
        {
            Parallel.ForEach(
                Partitioner.Create(0, count, Math.Max(1, rangeSize)),
                new ParallelOptions { CancellationToken = cancellationToken },
                range =>
                {
                    for (var i = range.Item1; i < range.Item2; i++)
                    {
                        body(i);
                    }
                });
        }
        catch (AggregateException aggregate) when (aggregate.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Throw(aggregate.InnerExceptions[0]);
        }
    }
}
