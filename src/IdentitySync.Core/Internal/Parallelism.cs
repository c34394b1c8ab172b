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
    /// <summary>
    /// The result of <paramref name="body"/> for every index below <paramref name="count"/>, in order: on every core when
    /// <paramref name="parallel"/> and there are at least <paramref name="floor"/> of them, otherwise one after another
    /// on the calling thread (what the body calls need not be thread-safe then, and a few items are not worth threads).
    /// </summary>
    /// <param name="count">How many results.</param>
    /// <param name="parallel">Whether the body is thread-safe (it reads only what it is given and writes nothing shared).</param>
    /// <param name="floor">From how many items the threads pay; a thread takes a quarter of this at a time.</param>
    /// <param name="body">Computes one result.</param>
    /// <param name="cancellationToken">Stops a parallel loop (as an <see cref="OperationCanceledException"/>).</param>
    public static T[] Map<T>(int count, bool parallel, int floor, Func<int, T> body, CancellationToken cancellationToken)
    {
        var results = new T[count];
        if (!parallel || count < floor)
        {
            for (var i = 0; i < count; i++)
            {
                results[i] = body(i);
            }

            return results;
        }

        ForRanges(count, floor / 4, i => results[i] = body(i), cancellationToken);
        return results;
    }

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
