using System.Runtime.CompilerServices;

namespace IdentitySync.Storage;

/// <summary>
/// The change feed: which resources each committed write touched, under a store-wide version that grows by one
/// per write, so that order generation (and other consumers) evaluate only what changed since the version they
/// last saw. Every write records its resources in the same transaction: a change set's inserted, updated and deleted
/// resources and both ends of its added and removed links; a categorization's account with its owner and candidates
/// before and after; an existing order whose state changed, or that was archived, by its account (or its owner, without one). Orders a
/// generation creates are not recorded: the generation keeps their effect in its owners' states. Versions older than
/// the store's retention are pruned; a consumer whose version was pruned starts again with one full pass.
/// The members have defaults for a store without a feed, whose consumers always take the full pass.
/// </summary>
public interface IChangeFeedStore
{
    /// <summary>Gets how long a store keeps a version unless told otherwise: seven days.</summary>
    static TimeSpan DefaultRetention { get; } = TimeSpan.FromDays(7);

    /// <summary>Checks a store's retention setting.</summary>
    /// <param name="retention">How long versions are kept.</param>
    /// <returns>The retention.</returns>
    /// <exception cref="ArgumentOutOfRangeException">It is negative.</exception>
    static TimeSpan CheckRetention(TimeSpan retention)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retention, TimeSpan.Zero);
        return retention;
    }

    /// <summary>The newest version committed and the newest version pruned.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The head; <see cref="ChangeFeedHead.None"/> for a store without a feed (the default).</returns>
    ValueTask<ChangeFeedHead> GetChangeFeedHeadAsync(CancellationToken cancellationToken) => ValueTask.FromResult(ChangeFeedHead.None);

    /// <summary>The ids of the resources the versions after <paramref name="afterVersion"/> up to <paramref name="throughVersion"/> touched, by version; an id may repeat across versions.</summary>
    /// <param name="afterVersion">The version already seen; it must not be older than <see cref="ChangeFeedHead.PrunedThrough"/>.</param>
    /// <param name="throughVersion">The last version read, usually the head read before.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The ids; none for a store without a feed (the default).</returns>
    IAsyncEnumerable<long> GetChangedResourceIdsAsync(long afterVersion, long throughVersion, CancellationToken cancellationToken) => NoIds(cancellationToken);

    /// <summary>The version a consumer saw last, with the fingerprint of what it evaluated with.</summary>
    /// <param name="consumer">The consumer's name, compared as written (such as <c>provisioning:AD_User</c>).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The position, or <see langword="null"/> when none was set (always, for a store without a feed).</returns>
    ValueTask<ChangeFeedPosition?> GetChangeFeedPositionAsync(string consumer, CancellationToken cancellationToken) => ValueTask.FromResult<ChangeFeedPosition?>(null);

    /// <summary>Sets the version a consumer saw last; the default keeps nothing.</summary>
    /// <param name="consumer">The consumer's name, compared as written.</param>
    /// <param name="position">The version and the fingerprint of what it evaluated with.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the position is stored.</returns>
    ValueTask SetChangeFeedPositionAsync(string consumer, ChangeFeedPosition position, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    private static async IAsyncEnumerable<long> NoIds([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await Task.CompletedTask.ConfigureAwait(false);
        yield break;
    }
}

/// <summary>Where the change feed stands.</summary>
/// <param name="Version">The newest version committed; 0 before the first write, -1 for a store without a feed.</param>
/// <param name="PrunedThrough">The newest version whose entries were pruned: changes since an older version are incomplete.</param>
public readonly record struct ChangeFeedHead(long Version, long PrunedThrough)
{
    /// <summary>Gets the head of a store that keeps no feed.</summary>
    public static ChangeFeedHead None => new(-1, long.MaxValue);

    /// <summary>Whether the feed holds every change after <paramref name="version"/>: the store keeps a feed, nothing after it was pruned, and it is not newer than the head (a store restored from an older copy).</summary>
    /// <param name="version">A consumer's last version.</param>
    /// <returns><see langword="true"/> when the changes since that version can be read in full.</returns>
    public bool Covers(long version) => Version >= 0 && version >= PrunedThrough && version <= Version;
}

/// <summary>A consumer's place in the change feed.</summary>
/// <param name="Version">The last version it took into account.</param>
/// <param name="Fingerprint">A digest of what it evaluated with (rules, configuration): another fingerprint means one full pass.</param>
public sealed record ChangeFeedPosition(long Version, ulong Fingerprint);
