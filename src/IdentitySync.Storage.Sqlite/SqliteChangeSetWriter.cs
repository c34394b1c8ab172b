using IdentitySync.ChangeSets;
using Microsoft.Data.Sqlite;

namespace IdentitySync.Storage.Sqlite;

/// <summary>Applies one change set inside one <c>BEGIN IMMEDIATE</c> transaction with prepared statements.</summary>
internal sealed partial class SqliteChangeSetWriter : IChangeSetWriter
{
    private readonly SqliteResourceStore _store;
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;
    private readonly string _connector;
    private readonly Dictionary<long, KnownIds> _ids = [];

    // Ids by ordinal for numbered links (decision 99).
    private readonly NumberedLinkIds _idsByOrdinal = new();
    private readonly RawStatement _insert;
    private readonly SqliteCommand _update;
    private readonly SqliteCommand _findId;
    private readonly SqliteCommand _deleteResource;
    private readonly SqliteCommand _deleteSources;
    private readonly RawStatement _readSet;
    private readonly RawStatement _writeSet;
    private readonly RawStatement _deleteSet;
    private readonly RawStatement _anySet;
    private readonly RawStatement _anyResource;
    private readonly NamedIds _types;
    private readonly NamedIds _associations;
    private readonly List<long> _stored = [];
    private readonly List<long> _merged = [];
    private readonly List<ulong> _pending = [];
    private readonly List<long> _others = [];
    // The ids the write touched, for the change feed: repeats are fine, the feed sorts them and skips repeats.
    private readonly List<long> _touched = [];
    private readonly RawStatement _deleteCategorization;
    private readonly RawStatement _markOwnerGone;
    private List<(long Owner, long Other)>? _pendingWide;
    private ulong[]? _sortedBySecond;
    private SetBatch? _sets;
    private readonly Queue<Task> _setsInFlight = [];
    private (long Owner, long Other)[] _pairs = [];
    private byte[] _packed = new byte[1024];
    private (long Association, bool Add)? _pendingKind;
    private bool _committed;

    // The links the caller said it will add and remove per association (ExpectLinksAsync): the gathering list is sized once.
    private readonly Dictionary<string, (long Added, long Removed)> _expectedLinks = new(StringComparer.OrdinalIgnoreCase);

    public SqliteChangeSetWriter(SqliteResourceStore store, SqliteConnection connection, SqliteTransaction transaction, string connector)
    {
        _store = store;
        _connection = connection;
        _transaction = transaction;
        _connector = connector;
        _insert = new RawStatement(connection, "INSERT INTO resources (id, type_id, key, digest, vals) VALUES (?1, ?2, ?3, ?4, ?5)");
        _anyResource = new RawStatement(connection, "SELECT EXISTS (SELECT 1 FROM resources WHERE type_id = ?1)");
        _types = new NamedIds(connection, "entity_types");
        _associations = new NamedIds(connection, "associations");
        _update = Prepare("UPDATE resources SET digest = $1, vals = $2 WHERE id = $3", 3);
        _findId = Prepare("SELECT id FROM resources WHERE type_id = $1 AND key = $2", 2);
        _deleteResource = Prepare("DELETE FROM resources WHERE id = $1", 1);
        _deleteCategorization = new RawStatement(connection, "DELETE FROM categorizations WHERE resource_id = ?1 RETURNING owner_id, candidates");
        _markOwnerGone = new RawStatement(connection, SqliteCategorizations.MarkOwnerGone);
        _deleteSources = Prepare("DELETE FROM property_sources WHERE resource_id = $1", 1);
        _readSet = new RawStatement(connection, SqliteSchema.SelectLinkSet);
        _writeSet = new RawStatement(connection, """
            INSERT INTO link_sets (assoc_id, side, owner_id, n, ids) VALUES (?1, ?2, ?3, ?4, ?5)
            ON CONFLICT (assoc_id, side, owner_id) DO UPDATE SET n = excluded.n, ids = excluded.ids
            """);
        _deleteSet = new RawStatement(connection, "DELETE FROM link_sets WHERE assoc_id = ?1 AND side = ?2 AND owner_id = ?3");
        _anySet = new RawStatement(connection, "SELECT EXISTS (SELECT 1 FROM link_sets WHERE assoc_id = ?1)");
    }

    public async ValueTask InsertAsync(string entityType, IReadOnlyList<ResourceChange> resources, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_pendingKind is not null)
        {
            await SettleAsync(cancellationToken).ConfigureAwait(false);
        }

        var typeId = _types.Id(this, entityType, out var created);

        // In key order, the (type, key) index grows at its right edge instead of at random pages; a key given
        // twice in the call is two neighbours.
        var ordered = InKeyOrder(resources);
        var ids = Ids(typeId);
        if (OnlyOurs(typeId, created))
        {
            // Every stored key of the type is one this writer knows: a conflict is found here, before anything
            // of the call is written, and the rows go on the lane (decision 102).
            var first = TakeIds(ordered.Length);
            if (ids.TryAddNew(ordered, first) is { } conflict)
            {
                throw AlreadyExists(entityType, conflict, null);
            }

            Touched(first, ordered.Length);
            Enqueue(token => Write(typeId, ordered, first, entityType, out _, token), cancellationToken);
            return;
        }

        await DrainAsync().ConfigureAwait(false);
        var firstId = TakeIds(ordered.Length);
        var written = 0;
        try
        {
            Write(typeId, ordered, firstId, entityType, out written, cancellationToken);
        }
        finally
        {
            // The rows written before a conflict stay in the write, as the ids this writer knows.
            ids.EnsureCapacity(ids.Count + written);
            for (var i = 0; i < written; i++)
            {
                ids.Add(ordered[i].Key, firstId + i);
            }

            Touched(firstId, written);
        }
    }

    /// <summary>Writes new resources' rows with the ids given to them, in order.</summary>
    private void Write(long typeId, ResourceChange[] ordered, long firstId, string entityType, out int written, CancellationToken cancellationToken)
    {
        written = 0;
        for (var i = 0; i < ordered.Length; i++)
        {
            var resource = ordered[i];
            if ((i & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            _insert.Bind(1, firstId + i);
            _insert.Bind(2, typeId);
            _insert.Bind(3, resource.Key);
            _insert.Bind(4, unchecked((long)resource.Digest));
            _insert.Bind(5, ResourceValueCodec.Pack(resource.Values).Span);
            try
            {
                _insert.Execute();
                written++;
            }
            catch (SqliteException exception) when (exception.SqliteExtendedErrorCode == 2067)
            {
                // A key already stored; the ids taken for the call's later rows are never used.
                throw AlreadyExists(entityType, resource.Key, exception);
            }
        }
    }

    private static StoreConflictException AlreadyExists(string entityType, string key, Exception? inner)
    {
        var message = $"{entityType} '{key}' already exists; it cannot be inserted again.";
        return inner is null ? new StoreConflictException(message) : new StoreConflictException(message, inner);
    }

    /// <summary>
    /// The resources in the ordinal order of their keys. A million keys compared as strings take most of a
    /// second; they are sorted instead by the eight characters after the prefix they all share, as one
    /// number each, and compared in full only where those are equal.
    /// </summary>
    internal static ResourceChange[] InKeyOrder(IReadOnlyList<ResourceChange> resources)
    {
        var count = resources.Count;
        var shared = count == 0 ? 0 : resources[0].Key.Length;
        for (var i = 1; i < count && shared > 0; i++)
        {
            shared = Math.Min(shared, resources[i].Key.AsSpan().CommonPrefixLength(resources[0].Key));
        }

        var prefixes = new UInt128[count];
        var order = new int[count];
        for (var i = 0; i < count; i++)
        {
            prefixes[i] = SortPrefix(resources[i].Key, shared);
            order[i] = i;
        }

        Array.Sort(prefixes, order);
        for (var start = 0; start < count;)
        {
            var end = start + 1;
            while (end < count && prefixes[end] == prefixes[start])
            {
                end++;
            }

            if (end - start > 1)
            {
                order.AsSpan(start, end - start).Sort((a, b) => string.CompareOrdinal(resources[a].Key, resources[b].Key));
            }

            start = end;
        }

        var ordered = new ResourceChange[count];
        for (var i = 0; i < count; i++)
        {
            ordered[i] = resources[order[i]];
        }

        return ordered;
    }

    /// <summary>
    /// Eight UTF-16 code units of a key from a position, first in the highest bits, missing ones as zero: a key
    /// before another in ordinal order never has a larger number, and equal numbers are compared in full.
    /// </summary>
    private static UInt128 SortPrefix(string key, int from)
    {
        UInt128 prefix = 0;
        for (var i = from; i < from + 8; i++)
        {
            prefix = (prefix << 16) | (i < key.Length ? key[i] : 0u);
        }

        return prefix;
    }

    public async ValueTask SetSourcesAsync(string entityType, string key, IReadOnlyList<PropertySource> sources, CancellationToken cancellationToken)
    {
        var typeId = _types.Id(this, entityType);
        await SettleAsync(cancellationToken).ConfigureAwait(false);
        var id = IdOf(typeId, key) ?? throw new StoreConflictException($"{entityType} '{key}' does not exist; its sources cannot be recorded.");
        using var command = Prepare("INSERT INTO property_sources (resource_id, property, source) VALUES ($1, $2, $3) ON CONFLICT (resource_id, property) DO UPDATE SET source = excluded.source", 3);
        foreach (var source in sources)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Bind(command, id, source.Property, StoredJson.SerializeToUtf8Bytes(source with { ResourceId = id }));
            command.ExecuteNonQuery();
        }

        _touched.Add(id);
    }

    public async ValueTask UpdateAsync(string entityType, IReadOnlyList<ResourceChange> resources, CancellationToken cancellationToken)
    {
        var typeId = _types.Id(this, entityType);
        await SettleAsync(cancellationToken).ConfigureAwait(false);

        // Every key is found before anything is written: a call refused for a missing key writes none of its rows.
        var ids = new long[resources.Count];
        for (var i = 0; i < resources.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ids[i] = IdOf(typeId, resources[i].Key) ?? throw new StoreConflictException($"{entityType} '{resources[i].Key}' does not exist; it cannot be updated.");
        }

        for (var i = 0; i < resources.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Bind(_update, unchecked((long)resources[i].Digest), ResourceValueCodec.Encode(resources[i].Values), ids[i]);
            _update.ExecuteNonQuery();
            _touched.Add(ids[i]);
        }
    }

    public async ValueTask DeleteAsync(string entityType, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var typeId = _types.Id(this, entityType);
        await SettleAsync(cancellationToken).ConfigureAwait(false);

        // A deleted key's id must not resolve a later link.
        _idsByOrdinal.Forget();
        var associations = AllAssociationIds();

        // A deleted resource's own link sets go with it; each resource it was linked to loses it once,
        // after every deleted resource is known, so a large group is rewritten once, not per member.
        var lost = new Dictionary<(long Association, int Side, long Owner), List<long>>();

        // Every key is found before anything is deleted (a key named twice once): a call refused for a missing key
        // deletes none of its resources.
        var found = new List<(string Key, long Id)>(keys.Count);
        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (named.Add(key))
            {
                found.Add((key, IdOf(typeId, key) ?? throw new StoreConflictException($"{entityType} '{key}' does not exist; it cannot be deleted.")));
            }
        }

        foreach (var (key, id) in found)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var association in associations)
            {
                foreach (var side in (ReadOnlySpan<int>)[SqliteSchema.FirstSide, SqliteSchema.SecondSide])
                {
                    if (!ReadSet(association, side, id, _stored))
                    {
                        continue;
                    }

                    DeleteSet(association, side, id);
                    foreach (var other in _stored)
                    {
                        _touched.Add(other);
                        var counterpart = (association, SqliteSchema.SecondSide - side, other);
                        if (!lost.TryGetValue(counterpart, out var ids))
                        {
                            lost[counterpart] = ids = [];
                        }

                        ids.Add(id);
                    }
                }
            }

            Bind(_deleteResource, id);
            _deleteResource.ExecuteNonQuery();
            _touched.Add(id);

            // A deleted account's owner and candidates lose it with its categorization.
            _deleteCategorization.Bind(1, id);
            while (_deleteCategorization.Read())
            {
                _touched.AddRange(StoredCategorization.CandidateIds(_deleteCategorization.GetStringOrNull(1)));
                if (_deleteCategorization.GetInt64OrNull(0) is { } owner)
                {
                    _touched.Add(owner);
                }
            }

            // A deleted owner's accounts become orphans: their categorizations say so, for the orphans' index.
            _markOwnerGone.Bind(1, id);
            _markOwnerGone.Execute();

            Bind(_deleteSources, id);
            _deleteSources.ExecuteNonQuery();
            Ids(typeId).Remove(key);
        }

        foreach (var ((association, side, owner), ids) in lost)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ids.Sort();
            ChangeSet(association, side, owner, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(ids), add: false, storedEmpty: false, cancellationToken);
        }
    }

    public ValueTask AddLinksAsync(EntityAssociationKeys association, IReadOnlyList<LinkChange> links, CancellationToken cancellationToken) =>
        Links(add: true, association, links, cancellationToken);

    public ValueTask RemoveLinksAsync(EntityAssociationKeys association, IReadOnlyList<LinkChange> links, CancellationToken cancellationToken) =>
        Links(add: false, association, links, cancellationToken);

    public async ValueTask SaveLayoutAsync(long id, string layout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layout);
        await DrainAsync().ConfigureAwait(false);
        using var command = _connection.CreateCommand();
        command.CommandText = "INSERT INTO layouts (id, layout) VALUES ($i, $l) ON CONFLICT (id) DO NOTHING";
        command.Parameters.AddWithValue("$i", id);
        command.Parameters.AddWithValue("$l", layout);
        command.ExecuteNonQuery();
    }

    public async ValueTask CommitAsync(ConnectorState state, CancellationToken cancellationToken)
    {
        // A cancelled write commits nothing, however far its statements got.
        cancellationToken.ThrowIfCancellationRequested();

        // The gathered links are sorted while the lane may still write rows, and the ids for the change feed while
        // it may still write link sets.
        SortPendingLinks();
        var touched = default(ArraySegment<long>);
        await SettleAsync(cancellationToken, () => touched = ChangeFeedEntries.SortedDistinct(_touched)).ConfigureAwait(false);
        KeepNextId();
        var blocked = SqliteBlockedChangeSets.Write(_connection, _connector, state.Blocked);
        using (var command = _connection.CreateCommand())
        {
            command.CommandText = """
                INSERT INTO connector_state (connector, version, last_batch, incremental_batches, blocked, export_fingerprint, watermarks) VALUES ($c, $v, $l, $i, $b, $f, $w)
                ON CONFLICT (connector) DO UPDATE SET version = excluded.version, last_batch = excluded.last_batch,
                    incremental_batches = excluded.incremental_batches, blocked = excluded.blocked, export_fingerprint = excluded.export_fingerprint,
                    watermarks = excluded.watermarks;
                """;
            command.Parameters.AddWithValue("$c", _connector);
            command.Parameters.AddWithValue("$v", state.Version);
            command.Parameters.AddWithValue("$l", (object?)state.LastBatchId ?? DBNull.Value);
            command.Parameters.AddWithValue("$i", StoredJson.Serialize(state.IncrementalBatchIds));
            command.Parameters.AddWithValue("$b", (object?)blocked ?? DBNull.Value);
            command.Parameters.AddWithValue("$f", (object?)state.ExportFingerprint ?? DBNull.Value);
            command.Parameters.AddWithValue("$w", state.Watermarks.Count == 0 ? DBNull.Value : ChangeSetSerializer.SerializeWatermarks(state.Watermarks));
            command.ExecuteNonQuery();
        }

        SqliteChangeFeed.Record(_connection, touched, _store.Options);
        _store.Checkpoints.Commit(_connection, _transaction, touched.Count);
        _committed = true;
    }

    public async ValueTask DisposeAsync()
    {
        // Nothing may still use the connection: whatever the lane did is rolled back with the rest.
        await _lane.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        foreach (var command in (SqliteCommand[])[_update, _findId, _deleteResource, _deleteSources])
        {
            command.Dispose();
        }

        foreach (var statement in (RawStatement[])[_insert, _anyResource, _readSet, _writeSet, _deleteSet, _anySet, _deleteCategorization, _markOwnerGone])
        {
            statement.Dispose();
        }

        if (!_committed)
        {
            _transaction.Rollback();
        }

        _transaction.Dispose();
        _connection.Dispose();
    }

    /// <summary>Notes a run of new ids for the change feed.</summary>
    private void Touched(long first, int count)
    {
        var start = _touched.Count;
        System.Runtime.InteropServices.CollectionsMarshal.SetCount(_touched, start + count);
        var ids = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_touched)[start..];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = first + i;
        }
    }

    /// <summary>
    /// Waits for the lane, then writes the links gathered so far: before any other statement of the write. Work that
    /// needs no connection (<paramref name="meanwhile"/>) runs while the lane writes a first load's sets.
    /// </summary>
    private async ValueTask SettleAsync(CancellationToken cancellationToken, Action? meanwhile = null)
    {
        await DrainAsync().ConfigureAwait(false);
        FlushLinks(cancellationToken);
        meanwhile?.Invoke();

        // A first load's sets are written on the lane.
        await DrainAsync().ConfigureAwait(false);
        _setsInFlight.Clear();
    }

    private static void Bind(SqliteCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }
    }

    private long? IdOf(long typeId, string key)
    {
        var ids = Ids(typeId);
        var id = ids.Find(key);
        if (id != 0)
        {
            return id;
        }

        Drain();
        Bind(_findId, typeId, key);
        if (_findId.ExecuteScalar() is long found)
        {
            ids.Add(key, found);
            return found;
        }

        return null;
    }

    /// <summary>
    /// Makes room for <paramref name="count"/> keys, at least doubling the room when it grows. A dictionary's
    /// own <c>EnsureCapacity</c> resizes to the count asked (past 7.2 million, to the exact next prime): asked
    /// once per chunk of 10,000 rows, ten million keys were copied some 280 times over (decision 105).
    /// </summary>
    internal static void Reserve(Dictionary<string, long> keys, int count)
    {
        var capacity = keys.EnsureCapacity(0);
        if (count > capacity)
        {
            keys.EnsureCapacity(Math.Max(count, (int)Math.Min(2L * capacity, Array.MaxLength)));
        }
    }

    /// <summary>The ids this writer knows by key, per entity type.</summary>
    private KnownIds Ids(long typeId)
    {
        if (!_ids.TryGetValue(typeId, out var ids))
        {
            _ids[typeId] = ids = new KnownIds();
        }

        return ids;
    }

    /// <summary>
    /// Ids by key string: first by the string instance (a link names the very string its resource was
    /// inserted with, so no key is hashed or compared character by character), then by ordinal value. The
    /// index by value is built on the first lookup the instance index misses. The keys of a type the store held
    /// none of are indexed by value only (<see cref="TryAddNew"/>): each is hashed once, to find a key given twice.
    /// Safe to read from several threads while nobody adds.
    /// </summary>
    private sealed class KnownIds
    {
        private readonly Dictionary<string, long> _byInstance = new(ReferenceEqualityComparer.Instance);

        // Null while the instance index holds every known key.
        private Dictionary<string, long>? _byValue;

        public int Count => _byValue?.Count ?? _byInstance.Count;

        public void EnsureCapacity(int count) => Reserve(_byInstance, count);

        /// <summary>
        /// Adds resources new to the type with ids from <paramref name="firstId"/> on, all or none: the key of the
        /// first that is known already, or given twice, and nothing added then. Indexed by value only (each key
        /// hashed once, which the check needs anyway).
        /// </summary>
        public string? TryAddNew(ResourceChange[] resources, long firstId)
        {
            var byValue = ByValue();
            Reserve(byValue, byValue.Count + resources.Length);
            for (var i = 0; i < resources.Length; i++)
            {
                if (!byValue.TryAdd(resources[i].Key, firstId + i))
                {
                    for (var j = 0; j < i; j++)
                    {
                        byValue.Remove(resources[j].Key);
                    }

                    return resources[i].Key;
                }
            }

            return null;
        }

        public void Add(string key, long id)
        {
            _byInstance[key] = id;
            _byValue?[key] = id;
        }

        /// <summary>Forgets a deleted key; another instance of it may be indexed, so the instance index starts over.</summary>
        public void Remove(string key)
        {
            ByValue().Remove(key);
            _byInstance.Clear();
        }

        /// <summary>Gets the id of a key, or 0 (never a row id) when it is not known.</summary>
        public long Find(string key) =>
            (_byInstance.Count > 0 && _byInstance.TryGetValue(key, out var id)) || ByValue().TryGetValue(key, out id) ? id : 0;

        private Dictionary<string, long> ByValue()
        {
            if (Volatile.Read(ref _byValue) is { } built)
            {
                return built;
            }

            lock (_byInstance)
            {
                if (_byValue is null)
                {
                    // Two instances of one key name the same row: the later simply sets it again.
                    var byValue = new Dictionary<string, long>(_byInstance.Count, StringComparer.Ordinal);
                    foreach (var (key, id) in _byInstance)
                    {
                        byValue[key] = id;
                    }

                    Volatile.Write(ref _byValue, byValue);
                }

                return _byValue;
            }
        }
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
