using System.Runtime.CompilerServices;

namespace IdentitySync.Storage;

/// <summary>The in-memory store's change feed (<see cref="IChangeFeedStore"/>): each write's version, time and ids, and the consumers' positions.</summary>
public sealed partial class InMemoryResourceStore
{
    private readonly List<(long Version, DateTimeOffset At, long[] Ids)> _feed = [];
    private readonly Dictionary<string, ChangeFeedPosition> _feedPositions = new(StringComparer.Ordinal);
    private long _feedVersion;
    private long _feedPrunedThrough;

    /// <summary>Gets or sets how long the change feed keeps a version (<see cref="IChangeFeedStore"/>); seven days unless set. The newest version is always kept.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan ChangeFeedRetention { get; set => field = IChangeFeedStore.CheckRetention(value); } = IChangeFeedStore.DefaultRetention;

    /// <summary>Gets the clock that times the change feed's versions; the system clock unless set.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <inheritdoc />
    public ValueTask<ChangeFeedHead> GetChangeFeedHeadAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(new ChangeFeedHead(_feedVersion, _feedPrunedThrough));
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<long> GetChangedResourceIdsAsync(long afterVersion, long throughVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long[] ids;
        lock (_gate)
        {
            ids = [.. _feed.Where(f => f.Version > afterVersion && f.Version <= throughVersion).SelectMany(static f => f.Ids)];
        }

        foreach (var id in ids)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return id;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask<ChangeFeedPosition?> GetChangeFeedPositionAsync(string consumer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        lock (_gate)
        {
            return ValueTask.FromResult(_feedPositions.GetValueOrDefault(consumer));
        }
    }

    /// <inheritdoc />
    public ValueTask SetChangeFeedPositionAsync(string consumer, ChangeFeedPosition position, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        ArgumentNullException.ThrowIfNull(position);
        lock (_gate)
        {
            _feedPositions[consumer] = position;
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Records a write's resources under the next version and prunes versions past the retention; the caller holds the gate.</summary>
    private void RecordChanges(IEnumerable<long> ids)
    {
        long[] distinct = [.. ids.Distinct().Order()];
        if (distinct.Length == 0)
        {
            return;
        }

        var now = TimeProvider.GetUtcNow();
        _feed.Add((++_feedVersion, now, distinct));
        // Versions older than the retention go; the newest always stays, so the head is never pruned.
        var kept = _feed.FindIndex(f => f.At > now - ChangeFeedRetention);
        kept = kept < 0 ? _feed.Count - 1 : kept;
        if (kept > 0)
        {
            _feedPrunedThrough = _feed[kept - 1].Version;
            _feed.RemoveRange(0, kept);
        }
    }
}
