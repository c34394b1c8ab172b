using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace IdentitySync.Storage.Sqlite;

/// <summary>Reading resources and links: counts, pages, lookups by key and id, and whole types on raw statements.</summary>
public sealed partial class SqliteResourceStore
{
    /// <inheritdoc />
    public ValueTask<long> CountResourcesAsync(string entityType, CancellationToken cancellationToken)
    {
        using var connection = Open();
        return ValueTask.FromResult(TypeId(connection, entityType) is { } typeId
            ? Scalar(connection, "SELECT count(*) FROM resources WHERE type_id = $t", ("$t", typeId))
            : 0);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<long, string>> GetLayoutsAsync(CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, layout FROM layouts";
        using var reader = command.ExecuteReader();
        var layouts = new Dictionary<long, string>();
        while (reader.Read())
        {
            layouts[reader.GetInt64(0)] = reader.GetString(1);
        }

        return ValueTask.FromResult<IReadOnlyDictionary<long, string>>(layouts);
    }

    /// <inheritdoc />
    public ValueTask<long> CountLinksAsync(string association, CancellationToken cancellationToken)
    {
        using var connection = Open();
        return ValueTask.FromResult(AssociationId(connection, association) is { } id
            ? Scalar(connection, $"SELECT coalesce(sum(n), 0) FROM link_sets WHERE assoc_id = $a AND side = {SqliteSchema.FirstSide}", ("$a", id))
            : 0);
    }

    /// <inheritdoc />
    /// <remarks>The exact count: the sizes of the first side's link sets, a row per first resource (milliseconds for ten million links).</remarks>
    public ValueTask<long> EstimateLinkCountAsync(string association, CancellationToken cancellationToken) => CountLinksAsync(association, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<StoredResource> GetResourcesAsync(string entityType, CancellationToken cancellationToken) =>
        ReadResourcesAsync(entityType, static packed => ResourceValueCodec.Decode(packed), cancellationToken);

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredResource> GetResourcesToCompareAsync(string entityType, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The values go end to end into an arena of large arrays (one per enumeration): a caller that keeps a type's
        // million resources keeps a few hundred arrays the collector never copies.
        var arena = new PackedValuesArena();
        await foreach (var resource in ReadResourcesAsync(entityType, arena.DecodeLazily, cancellationToken).ConfigureAwait(false))
        {
            yield return resource;
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<ResourceDigest> GetResourceDigestsAsync(string entityType, CancellationToken cancellationToken) =>
        // The values stay on their pages: a million digests read in a fraction of the time the resources take.
        ReadRowsAsync(
            entityType,
            "id, key, digest",
            static statement => new ResourceDigest(statement.GetInt64(0), statement.GetString(1), unchecked((ulong)statement.GetInt64(2))),
            cancellationToken);

    /// <inheritdoc />
    public ValueTask<StoredResource?> FindResourceAsync(string entityType, string key, CancellationToken cancellationToken)
    {
        using var connection = Open();
        if (TypeId(connection, entityType) is not { } typeId)
        {
            return ValueTask.FromResult<StoredResource?>(null);
        }

        var found = Query(connection, "SELECT id, key, digest, vals FROM resources WHERE type_id = $t AND key = $k", entityType, ("$t", typeId), ("$k", key));
        return ValueTask.FromResult(found.FirstOrDefault());
    }

    /// <inheritdoc />
    public ValueTask<StoredResource?> FindResourceByIdAsync(long id, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT r.id, r.key, r.digest, r.vals, t.name FROM resources r JOIN entity_types t ON t.id = r.type_id WHERE r.id = $id";
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        return ValueTask.FromResult(reader.Read() ? Resource(reader, reader.GetString(4)) : null);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<StoredResource>> GetResourcesByIdAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT r.id, r.key, r.digest, r.vals, t.name FROM resources r JOIN entity_types t ON t.id = r.type_id WHERE r.id IN (SELECT value FROM json_each($ids))";
        command.Parameters.AddWithValue("$ids", SqliteSchema.JsonIds(ids));
        using var reader = command.ExecuteReader();
        var found = new List<StoredResource>();
        while (reader.Read())
        {
            found.Add(Resource(reader, reader.GetString(4)));
        }

        return ValueTask.FromResult<IReadOnlyList<StoredResource>>(found);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<StoredResource>> GetResourcesByKeyAsync(string entityType, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entityType);
        ArgumentNullException.ThrowIfNull(keys);
        using var connection = Open();
        if (keys.Count == 0 || TypeId(connection, entityType) is not { } typeId)
        {
            return ValueTask.FromResult<IReadOnlyList<StoredResource>>([]);
        }

        // One statement through the (type, key) index, the keys handed over as one JSON array.
        IReadOnlyList<StoredResource> found = Query(
            connection,
            "SELECT id, key, digest, vals FROM resources WHERE type_id = $t AND key IN (SELECT value FROM json_each($keys))",
            entityType,
            ("$t", typeId),
            ("$keys", SqliteSchema.JsonTexts(keys)));
        return ValueTask.FromResult(found);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<StoredResource>> GetResourcePageAsync(string entityType, string? afterKey, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        using var connection = Open();
        if (TypeId(connection, entityType) is not { } typeId)
        {
            return ValueTask.FromResult<IReadOnlyList<StoredResource>>([]);
        }

        IReadOnlyList<StoredResource> page = Query(
            connection,
            "SELECT id, key, digest, vals FROM resources WHERE type_id = $t AND key > $after ORDER BY key LIMIT $n",
            entityType,
            ("$t", typeId),
            ("$after", afterKey ?? string.Empty),
            ("$n", limit));
        return ValueTask.FromResult(page);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<StoredResource>> GetLinkedResourcesAsync(string association, long resourceId, LinkDirection direction, CancellationToken cancellationToken)
    {
        using var connection = Open();
        if (AssociationId(connection, association) is not { } id)
        {
            return ValueTask.FromResult<IReadOnlyList<StoredResource>>([]);
        }

        var linkedIds = new List<long>();
        using (var set = new RawStatement(connection, SqliteSchema.SelectLinkSet))
        {
            SqliteSchema.ReadLinkSet(set, id, direction == LinkDirection.FirstToSecond ? SqliteSchema.FirstSide : SqliteSchema.SecondSide, resourceId, linkedIds);
        }

        if (linkedIds.Count == 0)
        {
            return ValueTask.FromResult<IReadOnlyList<StoredResource>>([]);
        }

        // One query for the whole set: SQLite looks each id up itself (a group can have a million members).
        var linked = new List<StoredResource>(linkedIds.Count);
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT r.id, r.key, r.digest, r.vals, t.name FROM json_each($ids) j
            JOIN resources r ON r.id = j.value JOIN entity_types t ON t.id = r.type_id ORDER BY r.key
            """;
        command.Parameters.AddWithValue("$ids", SqliteSchema.JsonIds(linkedIds));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            linked.Add(Resource(reader, reader.GetString(4)));
        }

        return ValueTask.FromResult<IReadOnlyList<StoredResource>>(linked);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredLink> GetLinksAsync(string association, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var batch in GetLinkBatchesAsync(association, cancellationToken).ConfigureAwait(false))
        {
            for (var i = 0; i < batch.Length; i++)
            {
                yield return batch.Span[i];
            }
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ReadOnlyMemory<StoredLink>> GetLinkBatchesAsync(string association, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var connection = Open();
        if (AssociationId(connection, association) is not { } id)
        {
            yield break;
        }

        // A first resource's set at a time, in id order (the links come out ordered by first, then second), decoded
        // into one buffer that is handed over when about full (a larger set grows it).
        using var statement = new RawStatement(connection, $"SELECT owner_id, ids FROM link_sets WHERE assoc_id = ?1 AND side = {SqliteSchema.FirstSide} ORDER BY owner_id");
        statement.Bind(1, id);
        var batch = new StoredLink[4_096];
        var count = 0;
        var seconds = new List<long>();
        while (statement.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var first = statement.GetInt64(0);
            seconds.Clear();
            LinkSetCodec.Decode(statement.GetBlob(1), seconds);
            if (count > 0 && count + seconds.Count > batch.Length)
            {
                yield return batch.AsMemory(0, count);
                count = 0;
            }

            if (seconds.Count > batch.Length)
            {
                batch = new StoredLink[seconds.Count];
            }

            foreach (var second in seconds)
            {
                batch[count++] = new StoredLink(first, second);
            }
        }

        if (count > 0)
        {
            yield return batch.AsMemory(0, count);
        }
    }

    /// <summary>Every resource of a type, read on the raw statement (a synchronization reads millions).</summary>
    /// <summary>Every resource of a type, its values decoded from the row's bytes in place (valid only during the call).</summary>
    private IAsyncEnumerable<StoredResource> ReadResourcesAsync(string entityType, PackedValuesDecoder values, CancellationToken cancellationToken) =>
        ReadRowsAsync(
            entityType,
            "id, key, digest, vals",
            statement => new StoredResource(statement.GetInt64(0), entityType, statement.GetString(1), unchecked((ulong)statement.GetInt64(2)), values(statement.GetBlob(3))),
            cancellationToken);

    /// <summary>Some columns of every resource of a type, on the raw statement.</summary>
    private async IAsyncEnumerable<T> ReadRowsAsync<T>(string entityType, string columns, Func<RawStatement, T> read, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var connection = Open();
        if (TypeId(connection, entityType) is not { } typeId)
        {
            yield break;
        }

        using var statement = new RawStatement(connection, $"SELECT {columns} FROM resources WHERE type_id = ?1");
        statement.Bind(1, typeId);
        var rows = 0;
        while (statement.Read())
        {
            if ((++rows & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            yield return read(statement);
        }
    }

    private static StoredResource Resource(SqliteDataReader reader, string entityType) => new(
        reader.GetInt64(0),
        entityType,
        reader.GetString(1),
        unchecked((ulong)reader.GetInt64(2)),
        ResourceValueCodec.Decode(reader.GetFieldValue<byte[]>(3)));

    private static List<StoredResource> Query(SqliteConnection connection, string sql, string entityType, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var result = new List<StoredResource>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            result.Add(Resource(reader, entityType));
        }

        return result;
    }
}
