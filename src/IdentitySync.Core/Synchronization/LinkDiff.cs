using System.Runtime.InteropServices;
using IdentitySync.ChangeSets;
using IdentitySync.Internal;

namespace IdentitySync.Synchronization;

/// <summary>
/// Stage 4 for associations: the links read against the links stored, both as sorted pairs of key ordinals.
/// Links of held keys (quarantined rows) are never removed.
/// </summary>
internal static class LinkDiff
{
    /// <summary>Compares a complete export's links with the stored ones in one merge walk.</summary>
    /// <param name="association">The preparer, with its pairs read and its sorted stored links.</param>
    /// <returns>The association's changes, in pair order.</returns>
    public static AssociationChanges Snapshot(AssociationPreparer association)
    {
        // Both sides as sorted packed ordinals: one merge walk, no set of string pairs.
        var snapshot = association.Resolve(incremental: false).Links;
        association.SortResolved(snapshot);
        var distinct = 0;
        for (var i = 0; i < snapshot.Count; i++)
        {
            if (distinct == 0 || snapshot[distinct - 1] != snapshot[i])
            {
                snapshot[distinct++] = snapshot[i];
            }
        }

        snapshot.RemoveRange(distinct, snapshot.Count - distinct);
        var stored = association.StoredLinks;
        if (stored.Count == 0)
        {
            // A first load: every link is new (no second list of ten million pairs).
            return new AssociationChanges(association.Keys, Packed(association, snapshot), Packed(association, []), 0);
        }

        var added = new List<long>();
        var removed = new List<long>();
        int s = 0, t = 0;
        while (s < snapshot.Count || t < stored.Count)
        {
            if (t >= stored.Count || (s < snapshot.Count && snapshot[s] < stored[t]))
            {
                added.Add(snapshot[s++]);
            }
            else if (s >= snapshot.Count || stored[t] < snapshot[s])
            {
                var link = stored[t++];
                if (!association.First.Held.Contains(association.First.KeyOrdinals[OrdinalPair.First(link)])
                    && !association.Second.Held.Contains(association.Second.KeyOrdinals[OrdinalPair.Second(link)]))
                {
                    removed.Add(link);
                }
            }
            else
            {
                s++;
                t++;
            }
        }

        return new AssociationChanges(association.Keys, Packed(association, added), Packed(association, removed), stored.Count - removed.Count);
    }

    /// <summary>
    /// Applies a native delta's link commands to the stored links: an added link replaces the one a mono-valued
    /// side held; the links of deleted resources go with them.
    /// </summary>
    /// <param name="association">The preparer, with its pairs and commands read and its stored links.</param>
    /// <param name="firstMono">Whether the first side's navigation property holds one link.</param>
    /// <param name="secondMono">Whether the second side's navigation property holds one link.</param>
    /// <param name="deletedKeys">The keys the delta deletes, by entity type.</param>
    /// <returns>The association's changes, in pair order.</returns>
    public static AssociationChanges Delta(AssociationPreparer association, bool firstMono, bool secondMono, IReadOnlyDictionary<string, HashSet<string>> deletedKeys)
    {
        var links = association.StoredLinks.ToHashSet();
        var added = new HashSet<long>();
        var removed = new HashSet<long>();

        // A mono-valued side holds one link: index the links by that side to find the one a new link replaces.
        var byFirst = firstMono ? Index(links, OrdinalPair.First) : null;
        var bySecond = secondMono ? Index(links, OrdinalPair.Second) : null;
        var (resolved, commands) = association.Resolve(incremental: true);
        for (var i = 0; i < resolved.Count; i++)
        {
            var link = resolved[i];
            if (commands[i] == RowCommand.Delete)
            {
                if (Remove(link) && !added.Remove(link))
                {
                    removed.Add(link);
                }

                continue;
            }

            var sameFirst = byFirst?.GetValueOrDefault(OrdinalPair.First(link)) ?? [];
            var sameSecond = bySecond?.GetValueOrDefault(OrdinalPair.Second(link)) ?? [];
            foreach (var old in sameFirst.Concat(sameSecond).Where(l => l != link).Distinct().ToList())
            {
                Remove(old);
                if (!added.Remove(old))
                {
                    removed.Add(old);
                }
            }

            if (links.Add(link))
            {
                AddToIndex(byFirst, OrdinalPair.First(link), link);
                AddToIndex(bySecond, OrdinalPair.Second(link), link);
                if (!removed.Remove(link))
                {
                    added.Add(link);
                }
            }
        }

        // Links of deleted resources go with them; name them so the report counts them.
        var firstDeleted = Ordinals(association.First, deletedKeys.GetValueOrDefault(association.Keys.FirstEntityType));
        var secondDeleted = Ordinals(association.Second, deletedKeys.GetValueOrDefault(association.Keys.SecondEntityType));
        if (firstDeleted.Count + secondDeleted.Count > 0)
        {
            foreach (var link in links.Where(l => firstDeleted.Contains(OrdinalPair.First(l)) || secondDeleted.Contains(OrdinalPair.Second(l))).ToList())
            {
                links.Remove(link);
                if (!added.Remove(link))
                {
                    removed.Add(link);
                }
            }
        }

        // In pair order, like a complete run's: the store writes them grouped by first resource.
        List<long> addedInOrder = [.. added], removedInOrder = [.. removed];
        RadixSort.Sort(CollectionsMarshal.AsSpan(addedInOrder));
        RadixSort.Sort(CollectionsMarshal.AsSpan(removedInOrder));
        return new AssociationChanges(association.Keys, Packed(association, addedInOrder), Packed(association, removedInOrder), association.StoredLinks.Count - removed.Count);

        bool Remove(long link)
        {
            if (!links.Remove(link))
            {
                return false;
            }

            byFirst?.GetValueOrDefault(OrdinalPair.First(link))?.Remove(link);
            bySecond?.GetValueOrDefault(OrdinalPair.Second(link))?.Remove(link);
            return true;
        }
    }

    private static PackedLinkList Packed(AssociationPreparer association, List<long> links) =>
        new(links, association.First.KeyOrdinals, association.Second.KeyOrdinals);

    private static Dictionary<int, List<long>> Index(HashSet<long> links, Func<long, int> side)
    {
        var index = new Dictionary<int, List<long>>();
        foreach (var link in links)
        {
            AddToIndex(index, side(link), link);
        }

        return index;
    }

    private static void AddToIndex(Dictionary<int, List<long>>? index, int ordinal, long link)
    {
        if (index is null)
        {
            return;
        }

        if (!index.TryGetValue(ordinal, out var list))
        {
            index[ordinal] = list = [];
        }

        list.Add(link);
    }

    private static HashSet<int> Ordinals(EntityPreparer entity, HashSet<string>? keys) =>
        keys is null ? [] : [.. keys.Select(entity.KeyOrdinals.Find).Where(static o => o >= 0)];
}
