using System.Globalization;
using IdentitySync.ChangeSets;
using Npgsql;
using NpgsqlTypes;

namespace IdentitySync.Storage.PostgreSql;

/// <summary>
/// One change set in one transaction. Resources and links arrive through binary COPY: new resources
/// straight into the table with ids drawn beforehand, changed ones into a temporary table merged by key,
/// links as id pairs (the writer knows the ids it inserted and reads the others once) into a temporary
/// table merged by one statement. Each call runs under a savepoint, so a refused call (a key that
/// already exists) leaves the transaction usable and its earlier writes intact until the caller commits
/// or rolls back.
/// </summary>
internal sealed partial class PostgreSqlChangeSetWriter(PostgreSqlResourceStore store, NpgsqlConnection connection, NpgsqlTransaction transaction, string connector) : IChangeSetWriter
{
    private const int AnalyzeAfter = PostgreSqlBulkMerge.AnalyzeAfter;
    private readonly string _s = store.Tables;
    private readonly Dictionary<string, int> _typeIds = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> _associationIds = new(StringComparer.OrdinalIgnoreCase);

    // The ids of keys this transaction inserted or looked up, per entity type: link ends resolve here first.
    private readonly Dictionary<int, Dictionary<string, long>> _known = [];

    // Ids by ordinal for numbered links (decision 99).
    private readonly NumberedLinkIds _idsByOrdinal = new();

    // Associations this transaction created, by id, with their partition: links are copied straight into the
    // partition, which is indexed and attached before anything else reads or writes links, at the latest
    // before the commit (PostgreSqlLinkPartitions).
    private Dictionary<int, string> _pending = [];

    // Resources inserted by this transaction; past AnalyzeAfter, statistics are refreshed before the commit.
    private long _inserted;

    // Resources inserted less resources deleted, per entity type id: the commit moves each type's count by it.
    private Dictionary<int, long> _counted = [];

    // The object id of the resources' id sequence, once looked up (NewIdsAsync).
    private long _sequence;

    // Ids already in feed_touched: a first load's memberships name each user in many chunks, sent once.
    private readonly HashSet<long> _sent = [];

    // Whether feed_touched may hold an id twice: statements that add ids on the server (updates, deletes), and
    // a step rolled back (its earlier ids are sent again), do not test them against _sent.
    private bool _touchedTwice;
    private bool _committed;

    /// <summary>
    /// The transaction's temporary tables, created when the writer begins, before any step's savepoint, so that no
    /// refused step can take them with it: changed resources and links staged for a merge, and the ids the
    /// transaction touched, for the change feed.
    /// </summary>
    public const string CreateTemporaryTables = """
        CREATE TEMPORARY TABLE staged_resources (key text COLLATE "C" NOT NULL, digest bigint NOT NULL, vals bytea NOT NULL) ON COMMIT DROP;
        CREATE TEMPORARY TABLE staged_links (first_id bigint NOT NULL, second_id bigint NOT NULL) ON COMMIT DROP;
        CREATE TEMPORARY TABLE feed_touched (id bigint NOT NULL) ON COMMIT DROP;
        """;

    public ValueTask InsertAsync(string entityType, IReadOnlyList<ResourceChange> resources, CancellationToken cancellationToken) =>
        StepAsync(async () =>
        {
            var typeId = await TypeIdAsync(entityType, cancellationToken).ConfigureAwait(false);
            var ids = await NewIdsAsync(resources.Count, cancellationToken).ConfigureAwait(false);
            try
            {
                var import = await connection.BeginBinaryImportAsync($"COPY {_s}.resources (id, type_id, key, digest, vals) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
                await using (import.ConfigureAwait(false))
                {
                    for (var i = 0; i < resources.Count; i++)
                    {
                        await import.StartRowAsync(cancellationToken).ConfigureAwait(false);
                        await import.WriteAsync(ids[i], NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                        await import.WriteAsync(typeId, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                        await WriteResourceAsync(resources[i], import, cancellationToken).ConfigureAwait(false);
                    }

                    await import.CompleteAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                throw new StoreConflictException($"{entityType} '{DuplicateKey(exception) ?? "?"}' already exists; it cannot be inserted again.", exception);
            }

            var known = Known(typeId);
            for (var i = 0; i < resources.Count; i++)
            {
                known[resources[i].Key] = ids[i];
            }

            await TouchAsync(ids, cancellationToken).ConfigureAwait(false);
            _inserted += resources.Count;
            Count(typeId, resources.Count);
        });

    public ValueTask UpdateAsync(string entityType, IReadOnlyList<ResourceChange> resources, CancellationToken cancellationToken) =>
        StepAsync(async () =>
        {
            var typeId = await TypeIdAsync(entityType, cancellationToken).ConfigureAwait(false);
            // A key given twice keeps the later values, as two updates one after the other would: an update joined to
            // two staged rows of one key takes either.
            var latest = PostgreSqlBulkMerge.Latest(resources, static r => r.Key);
            await StageAsync("staged_resources", latest, static (r, import, token) => WriteResourceAsync(r, import, token), cancellationToken).ConfigureAwait(false);
            var missing = await FirstMissingAsync($"SELECT s.key FROM staged_resources s LEFT JOIN {_s}.resources r ON r.type_id = $1 AND r.key = s.key WHERE r.id IS NULL LIMIT 1", typeId, cancellationToken).ConfigureAwait(false);
            if (missing is not null)
            {
                throw new StoreConflictException($"{entityType} '{missing}' does not exist; it cannot be updated.");
            }

            _touchedTwice = true;
            await ExecuteAsync(
                $"WITH changed AS (UPDATE {_s}.resources r SET digest = s.digest, vals = s.vals FROM staged_resources s WHERE r.type_id = $1 AND r.key = s.key RETURNING r.id) INSERT INTO feed_touched SELECT id FROM changed",
                cancellationToken,
                typeId).ConfigureAwait(false);
        });

    public ValueTask DeleteAsync(string entityType, IReadOnlyList<string> keys, CancellationToken cancellationToken) =>
        StepAsync(async () =>
        {
            var typeId = await TypeIdAsync(entityType, cancellationToken).ConfigureAwait(false);
            using var find = new NpgsqlCommand($"SELECT k FROM unnest($2::text[]) k LEFT JOIN {_s}.resources r ON r.type_id = $1 AND r.key = k WHERE r.id IS NULL LIMIT 1", connection, transaction);
            find.Parameters.AddWithValue(typeId);
            find.Parameters.AddWithValue(keys.ToArray());
            if (await find.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string missing)
            {
                throw new StoreConflictException($"{entityType} '{missing}' does not exist; it cannot be deleted.");
            }

            // A deleted resource takes its links, categorization and value sources with it. Links are found
            // per association and id through each direction's index (assoc_id leads both; a LATERAL lookup, so
            // the planner cannot join the ids to a sequential scan of a partition of millions, as it did: 7.8 s
            // for 10,000 accounts), then deleted by their row address. The change feed records the resource,
            // both ends of its links, and its categorization's owner and candidates; the categorizations it owned
            // are marked as the categorizations of a gone owner (decision 117).
            _touchedTwice = true;
            await ExecuteAsync(
                $"""
                WITH gone AS (DELETE FROM {_s}.resources WHERE type_id = $1 AND key = ANY($2::text[]) RETURNING id),
                     found AS (SELECT x.part, x.address FROM gone, {_s}.associations a, LATERAL (
                         SELECT l.tableoid, l.ctid FROM {_s}.links l WHERE l.assoc_id = a.id AND l.first_id = gone.id
                         UNION ALL
                         SELECT l.tableoid, l.ctid FROM {_s}.links l WHERE l.assoc_id = a.id AND l.second_id = gone.id) x(part, address)),
                     unlinked AS (DELETE FROM {_s}.links l
                         WHERE l.ctid = ANY(ARRAY(SELECT address FROM found)) AND (l.tableoid, l.ctid) IN (SELECT part, address FROM found)
                         RETURNING l.first_id, l.second_id),
                     categorized AS (DELETE FROM {_s}.categorizations c USING gone WHERE c.resource_id = gone.id RETURNING c.owner_id, c.candidates),
                     orphaned AS ({PostgreSqlCategorizations.MarkOwnerGone.Replace("{t}", _s, StringComparison.Ordinal)}),
                     sources AS (DELETE FROM {_s}.property_sources p USING gone WHERE p.resource_id = gone.id)
                INSERT INTO feed_touched
                    SELECT id FROM gone UNION ALL SELECT first_id FROM unlinked UNION ALL SELECT second_id FROM unlinked
                    UNION ALL SELECT owner_id FROM categorized WHERE owner_id IS NOT NULL
                    UNION ALL SELECT unnest(string_to_array(candidates, ','))::bigint FROM categorized WHERE candidates IS NOT NULL
                """,
                cancellationToken,
                typeId,
                keys.ToArray()).ConfigureAwait(false);
            // Every key exists (checked above), so the statement deleted each distinct key's resource.
            Count(typeId, -keys.Distinct(StringComparer.Ordinal).LongCount());
            var known = Known(typeId);
            foreach (var key in keys)
            {
                known.Remove(key);
            }

            // A deleted key's id must not resolve a later link.
            _idsByOrdinal.Forget();
        });

    public ValueTask AddLinksAsync(EntityAssociationKeys association, IReadOnlyList<LinkChange> links, CancellationToken cancellationToken) =>
        LinksAsync(association, links, add: true, cancellationToken);

    public ValueTask RemoveLinksAsync(EntityAssociationKeys association, IReadOnlyList<LinkChange> links, CancellationToken cancellationToken) =>
        LinksAsync(association, links, add: false, cancellationToken);

    public ValueTask SaveLayoutAsync(long id, string layout, CancellationToken cancellationToken) =>
        StepAsync(() => ExecuteAsync($"INSERT INTO {_s}.layouts (id, layout) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING", cancellationToken, id, layout));

    public ValueTask SetSourcesAsync(string entityType, string key, IReadOnlyList<PropertySource> sources, CancellationToken cancellationToken) =>
        StepAsync(async () =>
        {
            var typeId = await TypeIdAsync(entityType, cancellationToken).ConfigureAwait(false);
            using var find = new NpgsqlCommand($"SELECT id FROM {_s}.resources WHERE type_id = $1 AND key = $2", connection, transaction);
            find.Parameters.AddWithValue(typeId);
            find.Parameters.AddWithValue(key);
            if (await find.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not long id)
            {
                throw new StoreConflictException($"{entityType} '{key}' does not exist; its sources cannot be recorded.");
            }

            foreach (var source in sources)
            {
                await ExecuteAsync(
                    $"INSERT INTO {_s}.property_sources (resource_id, property, source) VALUES ($1, $2, $3::jsonb) ON CONFLICT (resource_id, property) DO UPDATE SET source = excluded.source",
                    cancellationToken,
                    id,
                    source.Property,
                    StoredJson.Serialize(source with { ResourceId = id })).ConfigureAwait(false);
            }

            await TouchAsync([id], cancellationToken).ConfigureAwait(false);
        });

    public async ValueTask CommitAsync(ConnectorState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        try
        {
            await CommitStateAsync(state, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (Lost(exception, "commit the change set") is { } failure)
        {
            throw failure;
        }

        _committed = true;
    }

    private async Task CommitStateAsync(ConnectorState state, CancellationToken cancellationToken)
    {
        await FinishPendingAsync(cancellationToken).ConfigureAwait(false);
        if (_inserted >= AnalyzeAfter)
        {
            // Reads right after a large load would otherwise be planned without statistics: a sort of the whole table per page.
            await ExecuteAsync($"SELECT {_s}.analyze_resources()", cancellationToken).ConfigureAwait(false);
        }

        await KeepCountsAsync(cancellationToken).ConfigureAwait(false);
        var blocked = await PostgreSqlBlockedChangeSets.WriteAsync(connection, transaction, _s, connector, state.Blocked, cancellationToken).ConfigureAwait(false);
        using (var command = new NpgsqlCommand(
            $"""
            INSERT INTO {_s}.connector_state (connector, version, last_batch, incremental_batches, blocked, export_fingerprint, watermarks) VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (connector) DO UPDATE SET version = excluded.version, last_batch = excluded.last_batch, incremental_batches = excluded.incremental_batches,
                blocked = excluded.blocked, export_fingerprint = excluded.export_fingerprint, watermarks = excluded.watermarks
            """,
            connection,
            transaction))
        {
            command.Parameters.AddWithValue(connector);
            command.Parameters.AddWithValue(state.Version);
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)state.LastBatchId ?? DBNull.Value });
            command.Parameters.AddWithValue(StoredJson.Serialize(state.IncrementalBatchIds));
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = (object?)blocked ?? DBNull.Value });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)state.ExportFingerprint ?? DBNull.Value });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = state.Watermarks.Count == 0 ? DBNull.Value : ChangeSetSerializer.SerializeWatermarks(state.Watermarks) });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await PostgreSqlChangeFeed.RecordAsync(connection, transaction, _s, _touchedTwice ? PostgreSqlChangeFeed.FromTouched : PostgreSqlChangeFeed.FromTouchedOnce, null, store.ChangeFeedRetention, cancellationToken).ConfigureAwait(false);

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private void Count(int typeId, long change) => _counted[typeId] = _counted.GetValueOrDefault(typeId) + change;

    /// <summary>
    /// Moves each entity type's count by what this transaction inserted and deleted, in type id order (two writers
    /// of the same types lock their rows in one order), at the commit: the count's row is locked only from here.
    /// </summary>
    private async Task KeepCountsAsync(CancellationToken cancellationToken)
    {
        var changed = _counted.Where(static c => c.Value != 0).OrderBy(static c => c.Key).ToList();
        if (changed.Count > 0)
        {
            await ExecuteAsync(
                $"""
                INSERT INTO {_s}.type_counts (type_id, n) SELECT * FROM unnest($1::integer[], $2::bigint[])
                ON CONFLICT (type_id) DO UPDATE SET n = {_s}.type_counts.n + excluded.n
                """,
                cancellationToken,
                changed.Select(static c => c.Key).ToArray(),
                changed.Select(static c => c.Value).ToArray()).ConfigureAwait(false);
        }
    }

    /// <summary>Adds resources this transaction touched to the change feed's temporary table, each once.</summary>
    private async Task TouchAsync(IEnumerable<long> ids, CancellationToken cancellationToken)
    {
        long[] unsent = [.. ids.Where(_sent.Add)];
        if (unsent.Length > 0)
        {
            await ExecuteAsync("INSERT INTO feed_touched SELECT unnest($1::bigint[])", cancellationToken, unsent).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_committed && connection.State == System.Data.ConnectionState.Open)
            {
                await transaction.RollbackAsync().ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is NpgsqlException or ObjectDisposedException or InvalidOperationException)
        {
            // The connection broke (or the server ended it): the server rolled the transaction back itself.
        }
        finally
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task WriteResourceAsync(ResourceChange resource, NpgsqlBinaryImporter import, CancellationToken cancellationToken)
    {
        await import.WriteAsync(resource.Key, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await import.WriteAsync(unchecked((long)resource.Digest), NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
        await import.WriteAsync(ResourceValueCodec.Pack(resource.Values).ToArray(), NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
    }

    private static string? DuplicateKey(PostgresException exception)
    {
        // "Key (type_id, key)=(1, u1) already exists." names the key; the message text is the server's, not ours.
        var detail = exception.Detail;
        var start = detail?.IndexOf(")=(", StringComparison.Ordinal) ?? -1;
        if (detail is null || start < 0)
        {
            return null;
        }

        var values = detail[(start + 3)..];
        var comma = values.IndexOf(", ", StringComparison.Ordinal);
        var end = values.LastIndexOf(") already exists", StringComparison.Ordinal);
        return comma >= 0 && end > comma ? values[(comma + 2)..end] : null;
    }

    /// <summary>Reads the ids of keys of a type that this writer does not know yet into <paramref name="known"/>, in one query.</summary>
    private async Task LookUpAsync(int typeId, string[] keys, Dictionary<string, long> known, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand($"SELECT key, id FROM {_s}.resources WHERE type_id = $1 AND key = ANY($2::text[])", connection, transaction);
        command.Parameters.AddWithValue(typeId);
        command.Parameters.AddWithValue(keys);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            known[reader.GetString(0)] = reader.GetInt64(1);
        }
    }

    /// <summary>
    /// Draws ids for new resources from the table's identity sequence, all in one round trip. The sequence is
    /// named by its object id, looked up once: naming it by text looks it up in the catalog for every id drawn
    /// (2.5 s for a million ids against 0.3 s).
    /// </summary>
    private async Task<long[]> NewIdsAsync(int count, CancellationToken cancellationToken)
    {
        if (_sequence == 0)
        {
            using var find = new NpgsqlCommand($"SELECT pg_get_serial_sequence('{_s}.resources', 'id')::regclass::oid::bigint", connection, transaction);
            _sequence = (long)(await find.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        var ids = new long[count];
        using var command = new NpgsqlCommand($"SELECT nextval({_sequence.ToString(CultureInfo.InvariantCulture)}::regclass) FROM generate_series(1, $1)", connection, transaction);
        command.Parameters.AddWithValue(count);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        for (var i = 0; await reader.ReadAsync(cancellationToken).ConfigureAwait(false); i++)
        {
            ids[i] = reader.GetInt64(0);
        }

        return ids;
    }

    private Dictionary<string, long> Known(int typeId)
    {
        if (!_known.TryGetValue(typeId, out var known))
        {
            _known[typeId] = known = new Dictionary<string, long>(StringComparer.Ordinal);
        }

        return known;
    }

    /// <summary>Copies rows into a temporary table of this transaction, emptied first.</summary>
    private async Task StageAsync<T>(string table, IReadOnlyList<T> rows, Func<T, NpgsqlBinaryImporter, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        await ExecuteAsync($"TRUNCATE {table}", cancellationToken).ConfigureAwait(false);
        var columns = table == "staged_links" ? "first_id, second_id" : "key, digest, vals";
        var import = await connection.BeginBinaryImportAsync($"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        await using (import.ConfigureAwait(false))
        {
            foreach (var row in rows)
            {
                await import.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await write(row, import, cancellationToken).ConfigureAwait(false);
            }

            await import.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        if (table == "staged_resources")
        {
            // Joined with resources by key: the planner needs its size.
            await ExecuteAsync($"ANALYZE {table}", cancellationToken).ConfigureAwait(false);
        }
    }

    private ValueTask StepAsync(Func<Task> step) => StepAsync(finishPending: true, step);

    private async ValueTask StepAsync(bool finishPending, Func<Task> step)
    {
        try
        {
            // A failed statement aborts a PostgreSQL transaction; the savepoint keeps the earlier writes usable.
            await transaction.SaveAsync("step").ConfigureAwait(false);
            var pending = new Dictionary<int, string>(_pending);
            var counted = new Dictionary<int, long>(_counted);
            try
            {
                if (finishPending && _pending.Count > 0)
                {
                    await FinishPendingAsync(CancellationToken.None).ConfigureAwait(false);
                }

                await step().ConfigureAwait(false);
            }
            catch (Exception) when (connection.State == System.Data.ConnectionState.Open)
            {
                await transaction.RollbackAsync("step").ConfigureAwait(false);

                // Names added by the step are gone with it; partitions it created or attached are as before it; ids
                // it recorded for the change feed are gone too, so any touched again are sent again.
                _sent.Clear();
                _touchedTwice = true;
                _typeIds.Clear();
                _associationIds.Clear();
                _known.Clear();
                _idsByOrdinal.Forget();
                _pending = pending;
                _counted = counted;
                throw;
            }

            await transaction.ReleaseAsync("step").ConfigureAwait(false);
        }
        catch (Exception exception) when (Lost(exception, "apply the change set") is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>The store's exception for a server failure met while writing; null for failures the caller handles (a conflict).</summary>
    private StoreUnavailableException? Lost(Exception exception, string doing)
    {
        if (exception is StoreConflictException or StoreUnavailableException)
        {
            return null;
        }

        // A connection the server ended surfaces as the server's error, or as a transaction Npgsql already disposed.
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is NpgsqlException npgsql)
            {
                return PostgreSqlResourceStore.Failure(store.Describe, npgsql, doing);
            }
        }

        return connection.State == System.Data.ConnectionState.Open
            ? null
            : new StoreUnavailableException($"{store.Describe}: the connection was lost while trying to {doing}; nothing of it was applied. Run it again once the server is reachable.", exception);
    }

    private async Task<string?> FirstMissingAsync(string sql, int typeId, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddWithValue(typeId);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter);
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<int> TypeIdAsync(string entityType, CancellationToken cancellationToken) =>
        _typeIds.TryGetValue(entityType, out var cached) ? cached : _typeIds[entityType] = (await IdAsync("entity_types", entityType, cancellationToken).ConfigureAwait(false)).Id;

    /// <summary>Finds or adds an association; one this transaction adds gets its partition, bare (PostgreSqlLinkPartitions).</summary>
    private async Task<int> AssociationIdAsync(string association, CancellationToken cancellationToken)
    {
        if (_associationIds.TryGetValue(association, out var cached))
        {
            return cached;
        }

        var (id, added) = await IdAsync("associations", association, cancellationToken).ConfigureAwait(false);
        if (added)
        {
            using var begin = new NpgsqlCommand($"SELECT {_s}.begin_link_partition($1)", connection, transaction);
            begin.Parameters.AddWithValue(id);
            _pending[id] = (string)(await begin.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        return _associationIds[association] = id;
    }

    /// <summary>Finds a name in entity_types or associations, adding it when missing; says whether this call added it.</summary>
    private async Task<(int Id, bool Added)> IdAsync(string table, string name, CancellationToken cancellationToken)
    {
        // Inserted in this transaction if new; another writer's concurrent insert of the same name waits on the unique index.
        using var command = new NpgsqlCommand(
            $"""
            WITH found AS (SELECT id FROM {_s}.{table} WHERE lower(name) = lower($1)),
                 added AS (INSERT INTO {_s}.{table} (name) SELECT $1 WHERE NOT EXISTS (SELECT 1 FROM found) ON CONFLICT DO NOTHING RETURNING id)
            SELECT id, false FROM found UNION ALL SELECT id, true FROM added
            """,
            connection,
            transaction);
        command.Parameters.AddWithValue(name);
        using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return (reader.GetInt32(0), reader.GetBoolean(1));
            }
        }

        // No row: another transaction inserted the name after this statement's snapshot and committed while
        // the insert waited on it. A new statement sees it.
        using var again = new NpgsqlCommand($"SELECT id FROM {_s}.{table} WHERE lower(name) = lower($1)", connection, transaction);
        again.Parameters.AddWithValue(name);
        return ((int)(await again.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!, false);
    }
}
