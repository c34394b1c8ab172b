using IdentitySync.Internal;

namespace IdentitySync.Tests.Internal;

/// <summary>
/// The engines' parallel loop: every index runs once, each writing its own slot (the results keep the input's order),
/// on more than one thread when there are several ranges; what an iteration throws comes out as itself, and a
/// cancelled token stops the loop.
/// </summary>
public sealed class ParallelismTests
{
    [Test]
    public void ForRanges_RunsEveryIndexOnce_AndTheResultsKeepTheirOrder()
    {
        var results = new long[100_003];
        var runs = new int[results.Length];
        var threads = new System.Collections.Concurrent.ConcurrentDictionary<int, bool>();

        Parallelism.ForRanges(results.Length, 1_000, i =>
        {
            results[i] = (long)i * i;
            Interlocked.Increment(ref runs[i]);
            threads.TryAdd(Environment.CurrentManagedThreadId, true);
            if (i % 1_000 == 0)
            {
                // Gives another thread the time to take a range even on a busy machine.
                Thread.Sleep(1);
            }
        }, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(results, Is.EqualTo(Enumerable.Range(0, results.Length).Select(static i => (long)i * i)));
            Assert.That(runs, Is.All.EqualTo(1), "every index once, the last range's too");
            Assert.That(threads, Has.Count.GreaterThan(1), "ranges run on several threads");
        });
    }

    [Test]
    public void ForRanges_AnIterationThrows_TheExceptionComesOutUnwrapped()
    {
        var thrown = Assert.Throws<FormatException>(() => Parallelism.ForRanges(50_000, 500, static i =>
        {
            if (i == 31_337)
            {
                throw new FormatException("value 31337 is not a number");
            }
        }, CancellationToken.None));

        Assert.That(thrown!.Message, Is.EqualTo("value 31337 is not a number"));
    }

    [Test]
    public void ForRanges_Cancelled_ThrowsOperationCanceled()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var ran = 0;

        Assert.Throws<OperationCanceledException>(() => Parallelism.ForRanges(50_000, 500, _ => Interlocked.Increment(ref ran), cancel.Token));
        Assert.That(ran, Is.Zero);
    }
}
