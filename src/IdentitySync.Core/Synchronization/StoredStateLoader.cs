using System.Collections;
using IdentitySync.Internal;
using IdentitySync.Storage;

namespace IdentitySync.Synchronization;

/// <summary>
/// Stage 2 of a synchronization: what the store holds for the planned entity types and associations, found by
/// the ordinals of their keys (a row finds its stored resource by number; links are pairs of numbers). Entity
/// types read from a complete export load only each resource's id, key and digest; once every table is read,
/// <see cref="ReadChangedValuesAsync"/> reads the values of the few that changed or went.
/// </summary>
internal static class StoredStateLoader
{
    /// <summary>The most resources read by id at once.</summary>
    internal const int ValuesBatchSize = 5_000;

    /// <summary>Loads the stored resources, then starts loading the stored links; returns that second task.</summary>
    /// <param name="store">The store's synchronization role.</param>
    /// <param name="plan">The run's plan, whose preparers receive what is stored.</param>
    /// <param name="nativeDelta">Whether the run reads a native delta (whose commands need every stored value).</param>
    /// <param name="cancellationToken">Cancels the loading.</param>
    /// <returns>The task loading the links, each association's sorted, on another core.</returns>
    public static async Task<Task> LoadAsync(ISyncStateStore store, TablePlan plan, bool nativeDelta, CancellationToken cancellationToken)
    {
        var ordinalsById = new Dictionary<string, IdOrdinalMap>(StringComparer.OrdinalIgnoreCase);
        foreach (var entity in plan.Entities.Values)
        {
            var ordinals = new IdOrdinalMap();
            if (nativeDelta || entity.HasCommands)
            {
                await foreach (var resource in store.GetResourcesToCompareAsync(entity.EntityType.Name, cancellationToken).ConfigureAwait(false))
                {
                    var ordinal = entity.KeyOrdinals.Intern(resource.Key);
                    entity.Stored.Set(ordinal, resource);
                    ordinals.Add(resource.Id, ordinal);
                }
            }
            else
            {
                // A complete export compares digests first: the values stay in the store until a row differs.
                await foreach (var (id, key, digest) in store.GetResourceDigestsAsync(entity.EntityType.Name, cancellationToken).ConfigureAwait(false))
                {
                    var ordinal = entity.KeyOrdinals.Intern(key);
                    entity.Stored.Set(ordinal, new StoredResource(id, entity.EntityType.Name, key, digest, ValuesNotRead.Instance));
                    ordinals.Add(id, ordinal);
                }
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
                    await foreach (var batch in store.GetLinkBatchesAsync(association.Association.Name, cancellationToken).ConfigureAwait(false))
                    {
                        AddLinks(batch.Span, firstIds, secondIds, association);
                    }

                    association.SortStoredLinks();
                }
            },
            cancellationToken);
    }

    /// <summary>Adds a batch of stored links as packed key ordinals; links of resources not loaded are left out.</summary>
    private static void AddLinks(ReadOnlySpan<StoredLink> links, IdOrdinalMap firstIds, IdOrdinalMap secondIds, AssociationPreparer into)
    {
        foreach (var link in links)
        {
            if (firstIds.TryGetValue(link.FirstId, out var first) && secondIds.TryGetValue(link.SecondId, out var second))
            {
                into.AddStoredLink(OrdinalPair.Pack(first, second));
            }
        }
    }

    /// <summary>
    /// Sizes each association's lists from the store's estimate of its links (one cheap read each), before anything is
    /// read: the stored links and, from a complete export, the pairs read.
    /// </summary>
    /// <param name="store">The store's synchronization role.</param>
    /// <param name="plan">The run's plan.</param>
    /// <param name="completeExport">Whether the export is complete (not a native delta).</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    public static async Task ExpectLinksAsync(ISyncStateStore store, TablePlan plan, bool completeExport, CancellationToken cancellationToken)
    {
        foreach (var association in plan.Associations)
        {
            association.ExpectLinks(await store.EstimateLinkCountAsync(association.Association.Name, cancellationToken).ConfigureAwait(false), completeExport);
        }
    }

    /// <summary>
    /// Reads, by id and in batches, the values of the stored resources loaded as digests that the diff needs:
    /// those of a row whose digest differs (the row then takes the stored values of the properties its mapping
    /// does not set) and those without a row (deleted). Held keys stay unread: they are not changed.
    /// </summary>
    /// <param name="store">The store's synchronization role.</param>
    /// <param name="plan">The run's plan, read to its end.</param>
    /// <param name="cancellationToken">Cancels the reading.</param>
    /// <exception cref="StoreConflictException">A resource went from the store since its digest was read.</exception>
    public static async Task ReadChangedValuesAsync(ISyncStateStore store, TablePlan plan, CancellationToken cancellationToken)
    {
        foreach (var entity in plan.Entities.Values)
        {
            var needed = new List<long>();
            foreach (var (ordinal, stored) in entity.Stored.Entries)
            {
                // Most rows matched their digest: that test comes before the held keys' string lookup.
                if (stored.Values is ValuesNotRead && entity.Rows[ordinal] is not { Values: null } && !entity.Held.Contains(stored.Key))
                {
                    needed.Add(stored.Id);
                }
            }

            // In id order: mostly the order the store keeps them in.
            needed.Sort();
            foreach (var batch in needed.Chunk(ValuesBatchSize))
            {
                var found = await store.GetResourcesByIdAsync(batch, cancellationToken).ConfigureAwait(false);
                if (found.Count != batch.Length)
                {
                    throw new StoreConflictException($"{batch.Length - found.Count} {entity.EntityType.Name} resources were deleted from the store while the export was read; run the synchronization again.");
                }

                foreach (var resource in found)
                {
                    var ordinal = entity.KeyOrdinals.Find(resource.Key);
                    entity.Stored.Set(ordinal, resource);
                    if (entity.Rows[ordinal] is { Values: { } read } row)
                    {
                        row.Values = entity.OverStored(read, resource);
                    }
                }
            }
        }
    }

    /// <summary>The values of a stored resource loaded as its digest: reading them is a bug in the run.</summary>
    internal sealed class ValuesNotRead : IReadOnlyList<object?>
    {
        public static readonly ValuesNotRead Instance = new();

        public int Count => throw NotRead();

        public object? this[int index] => throw NotRead();

        public IEnumerator<object?> GetEnumerator() => throw NotRead();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        private static InvalidOperationException NotRead() =>
            new("The stored values of this resource were not read: only its digest was loaded.");
    }
}
