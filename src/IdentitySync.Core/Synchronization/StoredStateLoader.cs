using System.Runtime.InteropServices;
using IdentitySync.Internal;
using IdentitySync.Storage;

namespace IdentitySync.Synchronization;

/// <summary>
/// Stage 2 of a synchronization: what the store holds for the planned entity types and associations, found by
/// the ordinals of their keys (a row finds its stored resource by number; links are pairs of numbers).
/// </summary>
internal static class StoredStateLoader
{
    /// <summary>Loads the stored resources, then starts loading the stored links; returns that second task.</summary>
    /// <param name="store">The store's synchronization role.</param>
    /// <param name="plan">The run's plan, whose preparers receive what is stored.</param>
    /// <param name="cancellationToken">Cancels the loading.</param>
    /// <returns>The task loading the links, each association's sorted, on another core.</returns>
    public static async Task<Task> LoadAsync(ISyncStateStore store, TablePlan plan, CancellationToken cancellationToken)
    {
        var ordinalsById = new Dictionary<string, IdOrdinalMap>(StringComparer.OrdinalIgnoreCase);
        foreach (var entity in plan.Entities.Values)
        {
            var ordinals = new IdOrdinalMap();
            await foreach (var resource in store.GetResourcesToCompareAsync(entity.EntityType.Name, cancellationToken).ConfigureAwait(false))
            {
                var ordinal = entity.KeyOrdinals.Intern(resource.Key);
                entity.Stored.Set(ordinal, resource);
                ordinals.Add(resource.Id, ordinal);
            }

            ordinalsById[entity.EntityType.Name] = ordinals.Seal();
        }

        // The stored links are only needed by the diff: they load on the other core while the export is read.
        return Task.Run(
            async () =>
            {
                foreach (var association in plan.Associations)
                {
                    var firstIds = ordinalsById[association.Keys.FirstEntityType];
                    var secondIds = ordinalsById[association.Keys.SecondEntityType];
                    await foreach (var link in store.GetLinksAsync(association.Association.Name, cancellationToken).ConfigureAwait(false))
                    {
                        if (firstIds.TryGetValue(link.FirstId, out var first) && secondIds.TryGetValue(link.SecondId, out var second))
                        {
                            association.StoredLinks.Add(OrdinalPair.Pack(first, second));
                        }
                    }

                    RadixSort.Sort(CollectionsMarshal.AsSpan(association.StoredLinks));
                }
            },
            cancellationToken);
    }
}
