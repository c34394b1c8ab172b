using System.Text.Json;
using IdentitySync.Synchronization;
using Microsoft.Data.Sqlite;

namespace IdentitySync.Storage.Sqlite;

/// <summary>Applies one change set inside one <c>BEGIN IMMEDIATE</c> transaction with prepared statements.</summary>
internal sealed class SqliteChangeSetWriter : IChangeSetWriter
{
    private readonly SqliteResourceStore _store;
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;
    private readonly string _connector;
    private readonly Dictionary<long, Dictionary<string, long>> _ids = [];
    private readonly RawStatement _insert;
    private readonly SqliteCommand _update;
    private readonly SqliteCommand _findId;
    private readonly SqliteCommand _deleteResource;
    private readonly SqliteCommand _deleteCategorization;
    private readonly RawStatement _addLink;
    private readonly RawStatement _removeLink;
    private readonly Dictionary<long, RawStatement> _addLinkRuns = [];
    private bool _committed;
    private bool? _bulkLinks;

    public SqliteChangeSetWriter(SqliteResourceStore store, SqliteConnection connection, SqliteTransaction transaction, string connector)
    {
        _store = store;
        _connection = connection;
        _transaction = transaction;
        _connector = connector;
        _insert = new RawStatement(connection, "INSERT INTO resources (type_id, key, digest, vals) VALUES (?1, ?2, ?3, ?4)");
        _update = Prepare("UPDATE resources SET digest = $1, vals = $2 WHERE type_id = $3 AND key = $4", 4);
        _findId = Prepare("SELECT id FROM resources WHERE type_id = $1 AND key = $2", 2);
        _deleteResource = Prepare("DELETE FROM resources WHERE id = $1", 1);
        _deleteCategorization = Prepare("DELETE FROM categorizations WHERE resource_id = $1; DELETE FROM property_sources WHERE resource_id = $1", 1);
        _addLink = new RawStatement(connection, "INSERT INTO links (assoc_id, first_id, second_id) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING");
        _removeLink = new RawStatement(connection, "DELETE FROM links WHERE assoc_id = ?1 AND first_id = ?2 AND second_id = ?3");
    }

    public ValueTask InsertAsync(string entityType, IReadOnlyList<ResourceChange> resources, CancellationToken cancellationToken)
    {
        var typeId = SqliteResourceStore.EnsureId(_connection, "entity_types", entityType);

        // In key order, the (type, key) index grows at its right edge instead of at random pages.
        var ordered = resources.ToArray();
        Array.Sort(ordered, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        for (var i = 0; i < ordered.Length; i++)
        {
            var resource = ordered[i];
            if ((i & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            _insert.Bind(1, typeId);
            _insert.Bind(2, resource.Key);
            _insert.Bind(3, unchecked((long)resource.Digest));
            _insert.Bind(4, ResourceValueCodec.Encode(resource.Values));
            try
            {
                _insert.Execute();
                Ids(typeId)[resource.Key] = _insert.LastInsertRowId;
            }
            catch (SqliteException exception) when (exception.SqliteExtendedErrorCode == 2067)
            {
                throw new StoreConflictException($"{entityType} '{resource.Key}' already exists; it cannot be inserted again.", exception);
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask SetSourcesAsync(string entityType, string key, IReadOnlyList<PropertySource> sources, CancellationToken cancellationToken)
    {
        var typeId = SqliteResourceStore.EnsureId(_connection, "entity_types", entityType);
        var id = IdOf(typeId, key) ?? throw new StoreConflictException($"{entityType} '{key}' does not exist; its sources cannot be recorded.");
        using var command = Prepare("INSERT INTO property_sources (resource_id, property, source) VALUES ($1, $2, $3) ON CONFLICT (resource_id, property) DO UPDATE SET source = excluded.source", 3);
        foreach (var source in sources)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Bind(command, id, source.Property, JsonSerializer.SerializeToUtf8Bytes(source with { ResourceId = id }, SqliteResourceStore.JsonOptions));
            command.ExecuteNonQuery();
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask UpdateAsync(string entityType, IReadOnlyList<ResourceChange> resources, CancellationToken cancellationToken)
    {
        var typeId = SqliteResourceStore.EnsureId(_connection, "entity_types", entityType);
        foreach (var resource in resources)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Bind(_update, unchecked((long)resource.Digest), ResourceValueCodec.Encode(resource.Values), typeId, resource.Key);
            if (_update.ExecuteNonQuery() == 0)
            {
                throw new StoreConflictException($"{entityType} '{resource.Key}' does not exist; it cannot be updated.");
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask DeleteAsync(string entityType, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var typeId = SqliteResourceStore.EnsureId(_connection, "entity_types", entityType);
        var associations = AllAssociationIds();
        using var deleteFirst = Prepare("DELETE FROM links WHERE assoc_id = $1 AND first_id = $2", 2);
        using var deleteSecond = Prepare("DELETE FROM links WHERE assoc_id = $1 AND second_id = $2", 2);
        foreach (var key in keys)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var id = IdOf(typeId, key) ?? throw new StoreConflictException($"{entityType} '{key}' does not exist; it cannot be deleted.");
            foreach (var association in associations)
            {
                Bind(deleteFirst, association, id);
                deleteFirst.ExecuteNonQuery();
                Bind(deleteSecond, association, id);
                deleteSecond.ExecuteNonQuery();
            }

            Bind(_deleteResource, id);
            _deleteResource.ExecuteNonQuery();
            Bind(_deleteCategorization, id);
            _deleteCategorization.ExecuteNonQuery();
            Ids(typeId).Remove(key);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask AddLinksAsync(EntityAssociationKeys association, IReadOnlyList<LinkChange> links, CancellationToken cancellationToken) =>
        Links(_addLink, association, links, cancellationToken);

    public ValueTask RemoveLinksAsync(EntityAssociationKeys association, IReadOnlyList<LinkChange> links, CancellationToken cancellationToken) =>
        Links(_removeLink, association, links, cancellationToken);

    public ValueTask CommitAsync(ConnectorState state, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_bulkLinks == true)
        {
            // The index sorts every link: let SQLite's sorter use the other cores too.
            SqliteSchema.Execute(_connection, $"PRAGMA threads = {Math.Min(Environment.ProcessorCount, 8)};");
            SqliteSchema.Execute(_connection, SqliteSchema.CreateReverseLinkIndex);
        }

        using (var command = _connection.CreateCommand())
        {
            command.CommandText = """
                INSERT INTO connector_state (connector, version, last_batch, incremental_batches, blocked) VALUES ($c, $v, $l, $i, $b)
                ON CONFLICT (connector) DO UPDATE SET version = excluded.version, last_batch = excluded.last_batch,
                    incremental_batches = excluded.incremental_batches, blocked = excluded.blocked;
                """;
            command.Parameters.AddWithValue("$c", _connector);
            command.Parameters.AddWithValue("$v", state.Version);
            command.Parameters.AddWithValue("$l", (object?)state.LastBatchId ?? DBNull.Value);
            command.Parameters.AddWithValue("$i", JsonSerializer.Serialize(state.IncrementalBatchIds));
            command.Parameters.AddWithValue("$b", state.Blocked is null ? DBNull.Value : ChangeSetSerializer.Serialize(state.Blocked));
            command.ExecuteNonQuery();
        }

        _transaction.Commit();
        _committed = true;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        foreach (var command in (SqliteCommand[])[_update, _findId, _deleteResource, _deleteCategorization])
        {
            command.Dispose();
        }

        _insert.Dispose();
        _addLink.Dispose();
        foreach (var statement in _addLinkRuns.Values)
        {
            statement.Dispose();
        }

        _removeLink.Dispose();

        if (!_committed)
        {
            _transaction.Rollback();
        }

        _transaction.Dispose();
        _connection.Dispose();
        return ValueTask.CompletedTask;
    }

    private static void Bind(SqliteCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }
    }

    private ValueTask Links(RawStatement statement, EntityAssociationKeys association, IReadOnlyList<LinkChange> links, CancellationToken cancellationToken)
    {
        // A first load into a store without links builds the reverse index once, after the inserts.
        if (_bulkLinks is null && ReferenceEquals(statement, _addLink))
        {
            _bulkLinks = SqliteSchema.Scalar(_connection, "SELECT EXISTS (SELECT 1 FROM links)") == 0;
            if (_bulkLinks.Value)
            {
                SqliteSchema.Execute(_connection, SqliteSchema.DropReverseLinkIndex);
            }
        }

        var associationId = SqliteResourceStore.EnsureId(_connection, "associations", association.Association);
        var firstType = SqliteResourceStore.EnsureId(_connection, "entity_types", association.FirstEntityType);
        var secondType = SqliteResourceStore.EnsureId(_connection, "entity_types", association.SecondEntityType);
        var pairs = new (long First, long Second)[links.Count];
        for (var p = 0; p < pairs.Length; p++)
        {
            var link = links[p];
            pairs[p] = (
                IdOf(firstType, link.FirstKey) ?? throw Missing(association.FirstEntityType, link.FirstKey),
                IdOf(secondType, link.SecondKey) ?? throw Missing(association.SecondEntityType, link.SecondKey));
        }

        // In primary-key order, the links table (clustered on it) is written page after page.
        Array.Sort(pairs);
        var i = 0;
        if (ReferenceEquals(statement, _addLink))
        {
            // New links go LinkRun at a time through one multi-row statement for this association.
            if (!_addLinkRuns.TryGetValue(associationId, out var run))
            {
                var values = string.Join(", ", Enumerable.Range(0, LinkRun).Select(r => string.Create(
                    System.Globalization.CultureInfo.InvariantCulture, $"({associationId}, ?{(2 * r) + 1}, ?{(2 * r) + 2})")));
                _addLinkRuns[associationId] = run = new RawStatement(_connection, $"INSERT INTO links (assoc_id, first_id, second_id) VALUES {values} ON CONFLICT DO NOTHING");
            }

            for (; i + LinkRun <= pairs.Length; i += LinkRun)
            {
                cancellationToken.ThrowIfCancellationRequested();
                for (var r = 0; r < LinkRun; r++)
                {
                    run.Bind((2 * r) + 1, pairs[i + r].First);
                    run.Bind((2 * r) + 2, pairs[i + r].Second);
                }

                run.Execute();
            }
        }

        for (; i < pairs.Length; i++)
        {
            if ((i & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            statement.Bind(1, associationId);
            statement.Bind(2, pairs[i].First);
            statement.Bind(3, pairs[i].Second);
            statement.Execute();
        }

        return ValueTask.CompletedTask;

        StoreConflictException Missing(string entityType, string key) =>
            new($"A link of {association.Association} names {entityType} '{key}', which does not exist.");
    }

    /// <summary>How many links one multi-row insert writes.</summary>
    private const int LinkRun = 128;

    private long? IdOf(long typeId, string key)
    {
        var ids = Ids(typeId);
        if (ids.TryGetValue(key, out var id))
        {
            return id;
        }

        Bind(_findId, typeId, key);
        if (_findId.ExecuteScalar() is long found)
        {
            ids[key] = found;
            return found;
        }

        return null;
    }

    /// <summary>The ids this writer knows by key, per entity type (ordinal string keys hash fastest).</summary>
    private Dictionary<string, long> Ids(long typeId)
    {
        if (!_ids.TryGetValue(typeId, out var ids))
        {
            _ids[typeId] = ids = new Dictionary<string, long>(StringComparer.Ordinal);
        }

        return ids;
    }

    private List<long> AllAssociationIds()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT id FROM associations";
        var ids = new List<long>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    private SqliteCommand Prepare(string sql, int parameters)
    {
        var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = sql;
        for (var i = 1; i <= parameters; i++)
        {
            command.Parameters.Add(new SqliteParameter("$" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), null));
        }

        command.Prepare();
        return command;
    }
}
