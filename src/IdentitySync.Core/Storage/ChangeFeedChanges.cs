namespace IdentitySync.Storage;

/// <summary>What a change feed consumer reads first: the resources changed since the position it kept.</summary>
internal static class ChangeFeedChanges
{
    /// <summary>
    /// The ids the feed recorded after a consumer's position up to <paramref name="head"/>, with that position; null
    /// when they cannot all be read and the consumer takes its full pass: a store without a feed, no position yet, or a
    /// position past the feed's retention or ahead of its head. The consumer compares the position's fingerprint.
    /// </summary>
    /// <param name="feed">The store's feed, if it keeps one.</param>
    /// <param name="head">The head read before anything else.</param>
    /// <param name="consumer">The consumer's name.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    public static async Task<(ChangeFeedPosition Position, HashSet<long> Changed)?> SinceAsync(IChangeFeedStore? feed, ChangeFeedHead head, string consumer, CancellationToken cancellationToken)
    {
        if (feed is null || head.Version < 0
            || await feed.GetChangeFeedPositionAsync(consumer, cancellationToken).ConfigureAwait(false) is not { } position
            || !head.Covers(position.Version))
        {
            return null;
        }

        var changed = new HashSet<long>();
        await foreach (var id in feed.GetChangedResourceIdsAsync(position.Version, head.Version, cancellationToken).ConfigureAwait(false))
        {
            changed.Add(id);
        }

        return (position, changed);
    }
}
