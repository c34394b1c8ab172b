using IdentitySync.ChangeSets;
using IdentitySync.Storage;

namespace IdentitySync.Synchronization;

/// <summary>
/// Stage 7 of a synchronization: writes a change set in one transaction of the store (links out, resources
/// out, changed, in, links in), in chunks, and commits the connector's next state with it.
/// </summary>
/// <param name="store">The store's synchronization role.</param>
/// <param name="chunkSize">The most resources or links in one call to the store's writer.</param>
internal sealed class ChangeSetWriter(ISyncStateStore store, int chunkSize)
{
    /// <summary>Writes a change set; nothing of it is visible unless all of it is.</summary>
    /// <param name="changeSet">The change set.</param>
    /// <param name="state">The connector's state it was computed against; the store refuses it if the state moved.</param>
    /// <param name="exportFingerprint">The fingerprint of the complete export the change set brings the store to; null otherwise.</param>
    /// <param name="cancellationToken">Cancels the apply; nothing is applied then.</param>
    public async Task ApplyAsync(ChangeSet changeSet, ConnectorState state, string? exportFingerprint, CancellationToken cancellationToken)
    {
        var writer = await store.BeginApplyAsync(changeSet.Connector, changeSet.BaseVersion, cancellationToken).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            var layouts = new HashSet<long>();
            foreach (var entityType in changeSet.EntityTypes)
            {
                await ResourceLayout.SaveAsync(writer, entityType.Updated.Concat(entityType.Inserted).Select(static r => r.Values), layouts, cancellationToken).ConfigureAwait(false);
            }

            // Each association's links come in chunks: the writer hears their number first (a hint it may size buffers from).
            foreach (var association in changeSet.Associations)
            {
                await writer.ExpectLinksAsync(association.Association, association.Added.Count, association.Removed.Count, cancellationToken).ConfigureAwait(false);
            }

            foreach (var association in changeSet.Associations)
            {
                foreach (var part in Chunks(association.Removed))
                {
                    await writer.RemoveLinksAsync(association.Association, part, cancellationToken).ConfigureAwait(false);
                }
            }

            foreach (var entityType in changeSet.EntityTypes)
            {
                foreach (var part in entityType.Deleted.Chunk(chunkSize))
                {
                    await writer.DeleteAsync(entityType.EntityType, [.. part.Select(static r => r.Key)], cancellationToken).ConfigureAwait(false);
                }

                foreach (var part in entityType.Updated.Chunk(chunkSize))
                {
                    await writer.UpdateAsync(entityType.EntityType, part, cancellationToken).ConfigureAwait(false);
                }

                foreach (var part in entityType.Inserted.Chunk(chunkSize))
                {
                    await writer.InsertAsync(entityType.EntityType, part, cancellationToken).ConfigureAwait(false);
                }
            }

            foreach (var association in changeSet.Associations)
            {
                foreach (var part in Chunks(association.Added))
                {
                    await writer.AddLinksAsync(association.Association, part, cancellationToken).ConfigureAwait(false);
                }
            }

            IReadOnlyList<string> incremental = changeSet.Mode == SyncMode.Incremental ? [.. state.IncrementalBatchIds, changeSet.BatchId] : [];
            var committed = new ConnectorState(state.Version + 1, changeSet.BatchId, incremental, null)
            {
                ExportFingerprint = exportFingerprint,
                Watermarks = changeSet.Watermarks,
            };
            await writer.CommitAsync(committed, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Links in chunks; packed links stay packed, so that the writer can read their ends as ordinals (<see cref="INumberedLinks"/>).</summary>
    private IEnumerable<IReadOnlyList<LinkChange>> Chunks(IReadOnlyList<LinkChange> links) =>
        links is PackedLinkList packed ? packed.Chunk(chunkSize) : links.Chunk(chunkSize);
}
