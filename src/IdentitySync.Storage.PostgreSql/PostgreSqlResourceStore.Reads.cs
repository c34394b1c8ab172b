using System.Runtime.CompilerServices;
using Npgsql;

namespace IdentitySync.Storage.PostgreSql;

/// <summary>Reading resources and links: counts, pages, lookups by key and id, and whole types in keyset pages.</summary>
public sealed partial class PostgreSqlResourceStore
{
    /// <inheritdoc />
    public async ValueTask<long> CountResourcesAsync(string entityType, CancellationToken cancellationToken)
    {
        return await WithConnectionAsync("count resources", connection => ScalarAsync<long>(
            connection,
            // The count each write's commit keeps (decision 119): one row, however many resources.
            $"SELECT coalesce((SELECT c.n FROM {Tables}.type_counts c JOIN {Tables}.entity_types t ON t.id = c.type_id WHERE lower(t.name) = lower($1)), 0)",
            cancellationToken,
            entityType), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyDictionary<long, string>> GetLayoutsAsync(CancellationToken cancellationToken)
    {
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = new NpgsqlCommand($"SELECT id, layout FROM {Tables}.layouts", connection);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var layouts = new Dictionary<long, string>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                layouts[reader.GetInt64(0)] = reader.GetString(1);
            }

            return layouts;
        }
        catch (NpgsqlException exception) when (Failure(Description(connection), exception, "read") is { } failure)
        {
            throw failure;
        }
    }

    /// <inheritdoc />
    public async ValueTask<long> CountLinksAsync(string association, CancellationToken cancellationToken)
    {
        return await WithConnectionAsync("count links", connection => ScalarAsync<long>(
            connection,
            $"SELECT count(*) FROM {Tables}.links l JOIN {Tables}.associations a ON a.id = l.assoc_id WHERE lower(a.name) = lower($1)",
            cancellationToken,
            association), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// The planner's row estimate of the association's partition (<c>pg_class.reltuples</c>, which the writer's
    /// <c>ANALYZE</c> of a newly loaded partition and autovacuum keep), not a count: counting ten million links visits
    /// them all. 0 for a partition never analyzed.
    /// </remarks>
    public async ValueTask<long> EstimateLinkCountAsync(string association, CancellationToken cancellationToken)
    {
        return await WithConnectionAsync("estimate links", connection => ScalarAsync<long>(
            connection,
            $"""
            SELECT coalesce(max(greatest(c.reltuples, 0)), 0)::bigint FROM {Tables}.associations a
                JOIN pg_catalog.pg_class c ON c.oid = to_regclass('{Tables}.links_' || a.id)
                WHERE lower(a.name) = lower($1)
            """,
            cancellationToken,
            association), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<StoredResource> GetResourcesAsync(string entityType, CancellationToken cancellationToken) =>
        GuardedAsync(ReadResourcesAsync(entityType, static packed => ResourceValueCodec.Decode(packed), cancellationToken), cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<StoredResource> GetResourcesToCompareAsync(string entityType, CancellationToken cancellationToken) =>
        GuardedAsync(ReadResourcesToCompareAsync(entityType, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<ResourceDigest> GetResourceDigestsAsync(string entityType, CancellationToken cancellationToken) =>
        GuardedAsync(ReadDigestsAsync(entityType, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public async ValueTask<StoredResource?> FindResourceAsync(string entityType, string key, CancellationToken cancellationToken)
    {
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var found = await QueryResourcesAsync(
            connection,
            $"SELECT r.id, r.key, r.digest, r.vals, t.name FROM {Tables}.resources r JOIN {Tables}.entity_types t ON t.id = r.type_id WHERE lower(t.name) = lower($1) AND r.key = $2",
            cancellationToken,
            entityType,
            key).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    /// <inheritdoc />
    public async ValueTask<StoredResource?> FindResourceByIdAsync(long id, CancellationToken cancellationToken)
    {
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var found = await QueryResourcesAsync(
            connection,
            $"SELECT r.id, r.key, r.digest, r.vals, t.name FROM {Tables}.resources r JOIN {Tables}.entity_types t ON t.id = r.type_id WHERE r.id = $1",
            cancellationToken,
            id).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<StoredResource>> GetResourcesByIdAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await QueryResourcesAsync(
            connection,
            $"SELECT r.id, r.key, r.digest, r.vals, t.name FROM {Tables}.resources r JOIN {Tables}.entity_types t ON t.id = r.type_id WHERE r.id = ANY($1)",
            cancellationToken,
            ids.Distinct().ToArray()).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<StoredResource>> GetResourcesByKeyAsync(string entityType, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entityType);
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return [];
        }

        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await QueryResourcesAsync(
            connection,
            $"SELECT r.id, r.key, r.digest, r.vals, t.name FROM {Tables}.resources r JOIN {Tables}.entity_types t ON t.id = r.type_id WHERE lower(t.name) = lower($1) AND r.key = ANY($2)",
            cancellationToken,
            entityType,
            keys.Distinct(StringComparer.Ordinal).ToArray()).ConfigureAwait(false);
    }

    /// <summary>
    /// A page of a type's resources ($1) in key order after $2, at most $3: through a lateral subquery on the type's id,
    /// so that the (type, key) index gives the page. Joined by the type's name, the planner scanned and sorted every
    /// resource of every type (0.4 s for a page of 32 among two million resources).
    /// </summary>
    /// <param name="tables">The quoted schema.</param>
    internal static string SelectPage(string tables) => $"""
        SELECT r.id, r.key, r.digest, r.vals, t.name FROM {tables}.entity_types t
        CROSS JOIN LATERAL (SELECT id, key, digest, vals FROM {tables}.resources WHERE type_id = t.id AND key > $2 ORDER BY key LIMIT $3) r
        WHERE lower(t.name) = lower($1) ORDER BY r.key
        """;

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<StoredResource>> GetResourcePageAsync(string entityType, string? afterKey, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await QueryResourcesAsync(
            connection,
            SelectPage(Tables),
            cancellationToken,
            entityType,
            afterKey ?? string.Empty,
            limit).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<StoredResource>> GetLinkedResourcesAsync(string association, long resourceId, LinkDirection direction, CancellationToken cancellationToken)
    {
        var (from, to) = direction == LinkDirection.FirstToSecond ? ("first_id", "second_id") : ("second_id", "first_id");
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await QueryResourcesAsync(
            connection,
            $"""
            SELECT r.id, r.key, r.digest, r.vals, t.name FROM {Tables}.links l
            JOIN {Tables}.associations a ON a.id = l.assoc_id
            JOIN {Tables}.resources r ON r.id = l.{to} JOIN {Tables}.entity_types t ON t.id = r.type_id
            WHERE lower(a.name) = lower($1) AND l.{from} = $2 ORDER BY r.key
            """,
            cancellationToken,
            association,
            resourceId).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<StoredLink> GetLinksAsync(string association, CancellationToken cancellationToken) =>
        GuardedAsync(ReadLinksAsync(association, cancellationToken), cancellationToken);

    private IAsyncEnumerable<StoredLink> ReadLinksAsync(string association, CancellationToken cancellationToken) =>
        OneByOne(ReadLinkBatchesAsync(association, cancellationToken));

    /// <inheritdoc />
    public IAsyncEnumerable<ReadOnlyMemory<StoredLink>> GetLinkBatchesAsync(string association, CancellationToken cancellationToken) =>
        GuardedAsync(ReadLinkBatchesAsync(association, cancellationToken), cancellationToken);

    private async IAsyncEnumerable<ReadOnlyMemory<StoredLink>> ReadLinkBatchesAsync(string association, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (await NamedAsync("associations", association, cancellationToken).ConfigureAwait(false) is not { } found)
        {
            yield break;
        }

        // The whole association in one binary COPY, in the partition's order (decision 100).
        var batches = CopyOutBatchesAsync(
            $"SELECT first_id, second_id FROM {Tables}.links WHERE assoc_id = {found.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            static async (row, token) => new StoredLink(
                await row.ReadAsync<long>(NpgsqlTypes.NpgsqlDbType.Bigint, token).ConfigureAwait(false),
                await row.ReadAsync<long>(NpgsqlTypes.NpgsqlDbType.Bigint, token).ConfigureAwait(false)),
            cancellationToken);
        await foreach (var batch in batches.ConfigureAwait(false))
        {
            yield return batch;
        }
    }

    /// <summary>
    /// Streams the rows of a query through one binary <c>COPY … TO STDOUT</c>: for a whole type or association it reads
    /// a sequential scan at the speed the client takes the rows, where keyset pages ran an index scan per page and
    /// a statement per page (9.5 million links: 2.6–3.0 s against 4.0–6.4 s). The connection and the server's snapshot
    /// are held while the caller reads, as a cursor would hold them.
    /// </summary>
    /// <param name="query">The query; its literals are the store's own ids (COPY takes no parameters).</param>
    /// <param name="readRow">Reads one row's columns, in the query's order.</param>
    /// <param name="cancellationToken">Stops the read (the server's COPY is cancelled when the exporter is disposed early).</param>
    private IAsyncEnumerable<T> CopyOutAsync<T>(string query, Func<NpgsqlBinaryExporter, CancellationToken, ValueTask<T>> readRow, CancellationToken cancellationToken) =>
        OneByOne(CopyOutBatchesAsync(query, readRow, cancellationToken));

    /// <summary>The items of batches, one at a time.</summary>
    private static async IAsyncEnumerable<T> OneByOne<T>(IAsyncEnumerable<ReadOnlyMemory<T>> batches)
    {
        await foreach (var batch in batches.ConfigureAwait(false))
        {
            for (var i = 0; i < batch.Length; i++)
            {
                yield return batch.Span[i];
            }
        }
    }

    /// <summary>
    /// The rows of <see cref="CopyOutAsync"/>, handed over 4,096 at a time (one asynchronous step per batch, not per
    /// row); a batch is valid until the enumeration moves on.
    /// </summary>
    /// <param name="query">The query; its literals are the store's own ids (COPY takes no parameters).</param>
    /// <param name="readRow">Reads one row's columns, in the query's order.</param>
    /// <param name="cancellationToken">Stops the read (the server's COPY is cancelled when the exporter is disposed early).</param>
    private async IAsyncEnumerable<ReadOnlyMemory<T>> CopyOutBatchesAsync<T>(string query, Func<NpgsqlBinaryExporter, CancellationToken, ValueTask<T>> readRow, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var export = await connection.BeginBinaryExportAsync($"COPY ({query}) TO STDOUT (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        await using (export.ConfigureAwait(false))
        {
            var batch = new T[4_096];
            var count = 0;
            while (await export.StartRowAsync(cancellationToken).ConfigureAwait(false) != -1)
            {
                batch[count++] = await readRow(export, cancellationToken).ConfigureAwait(false);
                if (count == batch.Length)
                {
                    yield return batch;
                    count = 0;
                }
            }

            if (count > 0)
            {
                yield return batch.AsMemory(0, count);
            }
        }
    }

    /// <summary>
    /// Reads in keyset pages: each page is one short statement on a connection of its own, so the table is
    /// never held in memory, and a slow reader holds neither a server snapshot nor a connection.
    /// </summary>
    /// <param name="pageSize">The most rows a page holds; a shorter page is the last.</param>
    /// <param name="readPage">Fills a page with the rows after the given one (the default value for the first page).</param>
    /// <param name="cancellationToken">Stops the read.</param>
    private async IAsyncEnumerable<T> PagesAsync<T>(int pageSize, Func<NpgsqlConnection, T?, List<T>, Task> readPage, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var page = new List<T>(Math.Min(pageSize, 10_000));
        T? after = default;
        while (true)
        {
            page.Clear();
            using (var connection = await OpenAsync(cancellationToken).ConfigureAwait(false))
            {
                await readPage(connection, after, page).ConfigureAwait(false);
            }

            foreach (var row in page)
            {
                yield return row;
            }

            if (page.Count < pageSize)
            {
                yield break;
            }

            after = page[^1];
        }
    }

    /// <summary>Finds an entity type or association by its name (compared without case): its id and the name as stored.</summary>
    private async Task<(int Id, string Name)?> NamedAsync(string table, string name, CancellationToken cancellationToken)
    {
        return await WithConnectionAsync("read", async connection =>
        {
            using var command = new NpgsqlCommand($"SELECT id, name FROM {Tables}.{table} WHERE lower(name) = lower($1)", connection);
            command.Parameters.AddWithValue(name);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetInt32(0), reader.GetString(1)) : ((int, string)?)null;
        }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<StoredResource>> QueryResourcesAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        try
        {
            return await QueryResourcesCoreAsync(connection, sql, cancellationToken, parameters).ConfigureAwait(false);
        }
        catch (NpgsqlException exception) when (Failure(Description(connection), exception, "read") is { } failure)
        {
            throw failure;
        }
    }

    private static async Task<IReadOnlyList<StoredResource>> QueryResourcesCoreAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter);
        }

        var found = new List<StoredResource>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            found.Add(new StoredResource(reader.GetInt64(0), reader.GetString(4), reader.GetString(1), unchecked((ulong)reader.GetInt64(2)), ResourceValueCodec.Decode(reader.GetFieldValue<byte[]>(3))));
        }

        return found;
    }

    /// <summary>A stream whose server failures, at any row, become the store's exception (a yield cannot sit in a try with a catch).</summary>
    private async IAsyncEnumerable<T> GuardedAsync<T>(IAsyncEnumerable<T> source, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var rows = source.GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await rows.MoveNextAsync().ConfigureAwait(false);
                }
                catch (NpgsqlException exception) when (Failure(Describe, exception, "read") is { } failure)
                {
                    throw failure;
                }

                if (!more)
                {
                    yield break;
                }

                yield return rows.Current;
            }
        }
        finally
        {
            await rows.DisposeAsync().ConfigureAwait(false);
        }
    }

    private IAsyncEnumerable<StoredResource> ReadResourcesAsync(string entityType, Func<byte[], IReadOnlyList<object?>> decode, CancellationToken cancellationToken) =>
        ReadRowsAsync(
            entityType,
            "id, key, digest, vals",
            (reader, name) => new StoredResource(reader.GetInt64(0), name, reader.GetString(1), unchecked((ulong)reader.GetInt64(2)), decode(reader.GetFieldValue<byte[]>(3))),
            static resource => resource.Id,
            cancellationToken);

    /// <summary>
    /// Every resource of a type with its values unpacked on first read, packed end to end in an arena of large arrays (one
    /// per enumeration): a caller that keeps a type's million resources keeps a few hundred arrays the collector never copies.
    /// </summary>
    /// <remarks>
    /// In one binary COPY, in the table's order (decision 117): keyset pages ran an index scan and a statement per
    /// 10,000 rows, and took a million owners and a million accounts side by side in 9–11 s.
    /// </remarks>
    private async IAsyncEnumerable<StoredResource> ReadResourcesToCompareAsync(string entityType, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (await NamedAsync("entity_types", entityType, cancellationToken).ConfigureAwait(false) is not { } found)
        {
            yield break;
        }

        var (id, name) = found;
        var arena = new PackedValuesArena();
        var resources = CopyOutAsync(
            $"SELECT id, key, digest, vals FROM {Tables}.resources WHERE type_id = {id.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            async (row, token) => new StoredResource(
                await row.ReadAsync<long>(NpgsqlTypes.NpgsqlDbType.Bigint, token).ConfigureAwait(false),
                name,
                await row.ReadAsync<string>(NpgsqlTypes.NpgsqlDbType.Text, token).ConfigureAwait(false),
                unchecked((ulong)await row.ReadAsync<long>(NpgsqlTypes.NpgsqlDbType.Bigint, token).ConfigureAwait(false)),
                arena.DecodeLazily(await row.ReadAsync<byte[]>(NpgsqlTypes.NpgsqlDbType.Bytea, token).ConfigureAwait(false))),
            cancellationToken);
        await foreach (var resource in resources.ConfigureAwait(false))
        {
            yield return resource;
        }
    }

    /// <summary>Every resource's id, key and digest, in one binary COPY (decision 100).</summary>
    private async IAsyncEnumerable<ResourceDigest> ReadDigestsAsync(string entityType, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (await NamedAsync("entity_types", entityType, cancellationToken).ConfigureAwait(false) is not { } found)
        {
            yield break;
        }

        var digests = CopyOutAsync(
            $"SELECT id, key, digest FROM {Tables}.resources WHERE type_id = {found.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            static async (row, token) => new ResourceDigest(
                await row.ReadAsync<long>(NpgsqlTypes.NpgsqlDbType.Bigint, token).ConfigureAwait(false),
                await row.ReadAsync<string>(NpgsqlTypes.NpgsqlDbType.Text, token).ConfigureAwait(false),
                unchecked((ulong)await row.ReadAsync<long>(NpgsqlTypes.NpgsqlDbType.Bigint, token).ConfigureAwait(false))),
            cancellationToken);
        await foreach (var digest in digests.ConfigureAwait(false))
        {
            yield return digest;
        }
    }

    /// <summary>Some columns of every resource of a type (<paramref name="columns"/> starts with the id), in keyset pages.</summary>
    private async IAsyncEnumerable<T> ReadRowsAsync<T>(string entityType, string columns, Func<NpgsqlDataReader, string, T> read, Func<T, long> idOf, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (await NamedAsync("entity_types", entityType, cancellationToken).ConfigureAwait(false) is not { } found)
        {
            yield break;
        }

        var (id, name) = found;
        // In id order, along the primary key, and so mostly in the heap's order (key order, along the (type,
        // key) index, visits the heap at random: four times slower at a million resources).
        var rows = PagesAsync<T>(ResourcePageSize, async (connection, after, page) =>
        {
            using var command = new NpgsqlCommand(
                $"SELECT {columns} FROM {Tables}.resources WHERE type_id = $1 AND id > $2 ORDER BY id LIMIT $3",
                connection);
            command.Parameters.AddWithValue(id);
            command.Parameters.AddWithValue(after is null ? 0L : idOf(after));
            command.Parameters.AddWithValue(ResourcePageSize);
            using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                page.Add(read(reader, name));
            }
        }, cancellationToken);
        await foreach (var row in rows.ConfigureAwait(false))
        {
            yield return row;
        }
    }
}
