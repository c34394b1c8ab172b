using IdentitySync.ChangeSets;
using Npgsql;
using NpgsqlTypes;

namespace IdentitySync.Storage.PostgreSql;

/// <summary>
/// The writer's link stage: each end resolved to an id once (numbered links by ordinal), the pairs copied into a
/// temporary table and merged by one statement, or an association's first links copied into its new partition.
/// </summary>
internal sealed partial class PostgreSqlChangeSetWriter
{
    private ValueTask LinksAsync(EntityAssociationKeys association, IReadOnlyList<LinkChange> links, bool add, CancellationToken cancellationToken) =>
        StepAsync(finishPending: !add, step: async () =>
        {
            if (links.Count == 0)
            {
                return;
            }

            var associationId = await AssociationIdAsync(association.Association, cancellationToken).ConfigureAwait(false);
            var firstType = await TypeIdAsync(association.FirstEntityType, cancellationToken).ConfigureAwait(false);
            var secondType = await TypeIdAsync(association.SecondEntityType, cancellationToken).ConfigureAwait(false);
            long[] firsts, seconds;
            if (links is INumberedLinks numbered)
            {
                // Each distinct key is resolved once, and its id touched then; the links' ends are array reads (decision 99).
                firsts = await NumberedIdsAsync(association, association.FirstEntityType, firstType, numbered.FirstKeys, numbered.Count, numbered.FirstOrdinal, cancellationToken).ConfigureAwait(false);
                seconds = await NumberedIdsAsync(association, association.SecondEntityType, secondType, numbered.SecondKeys, numbered.Count, numbered.SecondOrdinal, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                firsts = await IdsAsync(association, association.FirstEntityType, firstType, links, static l => l.FirstKey, cancellationToken).ConfigureAwait(false);
                seconds = await IdsAsync(association, association.SecondEntityType, secondType, links, static l => l.SecondKey, cancellationToken).ConfigureAwait(false);
                await TouchAsync(firsts.Concat(seconds), cancellationToken).ConfigureAwait(false);
            }

            if (add && _pending.TryGetValue(associationId, out var partition))
            {
                await CopyLinksAsync($"{_s}.{partition}", associationId, firsts, seconds, cancellationToken).ConfigureAwait(false);
                return;
            }

            await StageAsync("staged_links", [.. firsts.Zip(seconds)], static (pair, import, token) => WritePairAsync(import, pair.First, pair.Second, token), cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(
                add
                    ? $"INSERT INTO {_s}.links (assoc_id, first_id, second_id) SELECT $1, first_id, second_id FROM staged_links ORDER BY first_id, second_id ON CONFLICT DO NOTHING"
                    : $"DELETE FROM {_s}.links l USING staged_links s WHERE l.assoc_id = $1 AND l.first_id = s.first_id AND l.second_id = s.second_id",
                cancellationToken,
                associationId).ConfigureAwait(false);
        });

    private async Task CopyLinksAsync(string table, int associationId, long[] firsts, long[] seconds, CancellationToken cancellationToken)
    {
        var import = await connection.BeginBinaryImportAsync($"COPY {table} (assoc_id, first_id, second_id) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        await using (import.ConfigureAwait(false))
        {
            for (var i = 0; i < firsts.Length; i++)
            {
                await import.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await import.WriteAsync(associationId, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                await WritePairAsync(import, firsts[i], seconds[i], cancellationToken).ConfigureAwait(false);
            }

            await import.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Indexes and attaches the partitions of associations this transaction created.</summary>
    private async Task FinishPendingAsync(CancellationToken cancellationToken)
    {
        foreach (var associationId in _pending.Keys.Order())
        {
            await ExecuteAsync($"SELECT {_s}.attach_link_partition($1)", cancellationToken, associationId).ConfigureAwait(false);
        }

        _pending.Clear();
    }

    private static async Task WritePairAsync(NpgsqlBinaryImporter import, long first, long second, CancellationToken cancellationToken)
    {
        await import.WriteAsync(first, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
        await import.WriteAsync(second, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The id of one end of each link, in link order: an id this writer inserted or looked up before is found
    /// with one lookup per link, the rest are read in one query.
    /// </summary>
    private async Task<long[]> IdsAsync(EntityAssociationKeys association, string entityType, int typeId, IReadOnlyList<LinkChange> links, Func<LinkChange, string> end, CancellationToken cancellationToken)
    {
        var known = Known(typeId);
        var ids = new long[links.Count];
        List<int>? unresolved = null;
        for (var i = 0; i < ids.Length; i++)
        {
            if (!known.TryGetValue(end(links[i]), out ids[i]))
            {
                (unresolved ??= []).Add(i);
            }
        }

        if (unresolved is null)
        {
            return ids;
        }

        await LookUpAsync(typeId, unresolved.Select(i => end(links[i])).Distinct(StringComparer.Ordinal).ToArray(), known, cancellationToken).ConfigureAwait(false);
        foreach (var i in unresolved)
        {
            ids[i] = known.TryGetValue(end(links[i]), out var id) ? id : throw MissingEnd(association, entityType, end(links[i]));
        }

        return ids;
    }

    /// <summary>
    /// The id of one end of each numbered link, in link order: each ordinal is resolved once per write (from the ids
    /// this writer inserted or looked up, else in one query for all the ordinals it had not seen), then read from an array.
    /// The ids resolved here are touched (for the change feed) before anything can fail, so that an ordinal resolved
    /// is always one whose id the feed has: every link end is then in the feed without a set lookup per link.
    /// </summary>
    private async Task<long[]> NumberedIdsAsync(EntityAssociationKeys association, string entityType, int typeId, IReadOnlyList<string> keys, int count, Func<int, int> ordinalOf, CancellationToken cancellationToken)
    {
        var byOrdinal = _idsByOrdinal.Of(keys, typeId);
        var known = Known(typeId);
        var ids = new long[count];
        var resolved = new List<long>();
        HashSet<int>? unresolved = null;
        for (var i = 0; i < count; i++)
        {
            var ordinal = ordinalOf(i);
            if (byOrdinal[ordinal] == 0 && known.TryGetValue(keys[ordinal], out var id))
            {
                byOrdinal[ordinal] = id;
                resolved.Add(id);
            }

            if ((ids[i] = byOrdinal[ordinal]) == 0)
            {
                (unresolved ??= []).Add(ordinal);
            }
        }

        await TouchAsync(resolved, cancellationToken).ConfigureAwait(false);
        if (unresolved is null)
        {
            return ids;
        }

        await LookUpAsync(typeId, [.. unresolved.Select(o => keys[o])], known, cancellationToken).ConfigureAwait(false);
        resolved.Clear();
        string? missing = null;
        for (var i = 0; i < count; i++)
        {
            var ordinal = ordinalOf(i);
            if (ids[i] != 0 || (ids[i] = byOrdinal[ordinal]) != 0)
            {
                continue;
            }

            if (known.TryGetValue(keys[ordinal], out var id))
            {
                ids[i] = byOrdinal[ordinal] = id;
                resolved.Add(id);
            }
            else
            {
                missing ??= keys[ordinal];
            }
        }

        await TouchAsync(resolved, cancellationToken).ConfigureAwait(false);
        return missing is null ? ids : throw MissingEnd(association, entityType, missing);
    }

    private static StoreConflictException MissingEnd(EntityAssociationKeys association, string entityType, string key) =>
        new($"A link of {association.Association} names {entityType} '{key}', which does not exist.");
}
