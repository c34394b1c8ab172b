using IdentitySync.ChangeSets;

namespace IdentitySync.Storage;

/// <summary>
/// A store writer's ids of numbered link ends (<see cref="INumberedLinks"/>): one array per key list and entity type,
/// an id per ordinal, 0 until the writer resolves that ordinal. The writer must <see cref="Forget"/> them all when
/// the write deletes resources (a key deleted in the write must fail a later link as missing) and when it rolls a
/// step back (an id it resolved in the step may be gone with it).
/// </summary>
public sealed class NumberedLinkIds
{
    private readonly Dictionary<(object Keys, long EntityType), long[]> _ids = [];

    /// <summary>The ids of a key list's ordinals for an entity type: the same array on every call, grown when the list grew.</summary>
    /// <param name="keys">The key list (<see cref="INumberedLinks.FirstKeys"/> or <see cref="INumberedLinks.SecondKeys"/>), compared by instance.</param>
    /// <param name="entityType">The store's id of the keys' entity type.</param>
    /// <returns>An id per ordinal, 0 where not resolved yet.</returns>
    public long[] Of(IReadOnlyList<string> keys, long entityType)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (!_ids.TryGetValue((keys, entityType), out var ids) || ids.Length < keys.Count)
        {
            var grown = new long[keys.Count];
            ids?.CopyTo(grown, 0);
            _ids[(keys, entityType)] = ids = grown;
        }

        return ids;
    }

    /// <summary>Forgets every id resolved: after a delete, or a step rolled back.</summary>
    public void Forget() => _ids.Clear();
}
