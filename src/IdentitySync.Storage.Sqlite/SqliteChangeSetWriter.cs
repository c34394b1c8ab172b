using IdentitySync.ChangeSets;
using Microsoft.Data.Sqlite;

namespace IdentitySync.Storage.Sqlite;

/// <summary>Applies one change set inside one <c>BEGIN IMMEDIATE</c> transaction with prepared statements.</summary>
internal sealed class SqliteChangeSetWriter : IChangeSetWriter
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
    private readonly List<long> _stored = [];
    private readonly List<long> _merged = [];
    private readonly List<ulong> _pending = [];
    private readonly List<long> _others = [];
    private readonly HashSet<long> _touched = [];
    private readonly RawStatement _deleteCategorization;
    private List<(long Owner, long Other)>? _pendingWide;
    private byte[] _packed = new byte[1024];
    private (long Association, bool Add)? _pendingKind;
    private bool _committed;

    public SqliteChangeSetWriter(SqliteResourceStore store, SqliteConnection connection, SqliteTransaction transaction, string connector)
    {
        _store = store;
        _connection = connection;
        _transaction = transaction;
        _connector = connector;
        _insert = new RawStatement(connection, "INSERT INTO resources (type_id, key, digest, vals) VALUES (?1, ?2, ?3, ?4)");
        _update = Prepare("UPDATE resources SET digest = $1, vals = $2 WHERE type_id = $3 AND key = $4 RETURNING id", 4);
        _findId = Prepare("SELECT id FROM resources WHERE type_id = $1 AND key = $2", 2);
        _deleteResource = Prepare("DELETE FROM resources WHERE id = $1", 1);
        _deleteCategorization = new RawStatement(connection, "DELETE FROM categorizations WHERE resource_id = ?1 RETURNING owner_id, candidates");
        _deleteSources = Prepare("DELETE FROM property_sources WHERE resource_id = $1", 1);
        _readSet = new RawStatement(connection, SqliteSchema.SelectLinkSet);
        _writeSet = new RawStatement(connection, """
            INSERT INTO link_sets (assoc_id, side, owner_id, n, ids) VALUES (?1, ?2, ?3, ?4, ?5)
            ON CONFLICT (assoc_id, side, owner_id) DO UPDATE SET n = excluded.n, ids = excluded.ids
            """);
        _deleteSet = new RawStatement(connection, "DELETE FROM link_sets WHERE assoc_id = ?1 AND side = ?2 AND owner_id = ?3");
        _anySet = new RawStatement(connection, "SELECT EXISTS (SELECT 1 FROM link_sets WHERE assoc_id = ?1)");
    }

    public ValueTask InsertAsync(string entityType, IReadOnlyList<ResourceChange> resources, CancellationToken cancellationToken)
    {
        FlushLinks(cancellationToken);
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
            _insert.Bind(4, ResourceValueCodec.Pack(resource.Values).Span);
            try
            {
                _insert.Execute();
                Ids(typeId).Add(resource.Key, _insert.LastInsertRowId);
                _touched.Add(_insert.LastInsertRowId);
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
        FlushLinks(cancellationToken);
        var typeId = SqliteResourceStore.EnsureId(_connection, "entity_types", entityType);
        var id = IdOf(typeId, key) ?? throw new StoreConflictException($"{entityType} '{key}' does not exist; its sources cannot be recorded.");
        using var command = Prepare("INSERT INTO property_sources (resource_id, property, source) VALUES ($1, $2, $3) ON CONFLICT (resource_id, property) DO UPDATE SET source = excluded.source", 3);
        foreach (var source in sources)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Bind(command, id, source.Property, StoredJson.SerializeToUtf8Bytes(source with { ResourceId = id }));
            command.ExecuteNonQuery();
        }

        _touched.Add(id);

        return ValueTask.CompletedTask;
    }

    public ValueTask UpdateAsync(string entityType, IReadOnlyList<ResourceChange> resources, CancellationToken cancellationToken)
    {
        FlushLinks(cancellationToken);
        var typeId = SqliteResourceStore.EnsureId(_connection, "entity_types", entityType);
        foreach (var resource in resources)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Bind(_update, unchecked((long)resource.Digest), ResourceValueCodec.Encode(resource.Values), typeId, resource.Key);
            _touched.Add(_update.ExecuteScalar() is long id
                ? id
                : throw new StoreConflictException($"{entityType} '{resource.Key}' does not exist; it cannot be updated."));
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask DeleteAsync(string entityType, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        FlushLinks(cancellationToken);

        // A deleted key's id must not resolve a later link.
        _idsByOrdinal.Forget();
        var typeId = SqliteResourceStore.EnsureId(_connection, "entity_types", entityType);
        var associations = AllAssociationIds();

        // A deleted resource's own link sets go with it; each resource it was linked to loses it once,
        // after every deleted resource is known, so a large group is rewritten once, not per member.
        var lost = new Dictionary<(long Association, int Side, long Owner), List<long>>();
        foreach (var key in keys)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var id = IdOf(typeId, key) ?? throw new StoreConflictException($"{entityType} '{key}' does not exist; it cannot be deleted.");
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
                _touched.UnionWith(StoredCategorization.CandidateIds(_deleteCategorization.GetStringOrNull(1)));
                if (_deleteCategorization.GetInt64OrNull(0) is { } owner)
                {
                    _touched.Add(owner);
                }
            }

            Bind(_deleteSources, id);
            _deleteSources.ExecuteNonQuery();
            Ids(typeId).Remove(key);
        }

        foreach (var ((association, side, owner), ids) in lost)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ids.Sort();
            ChangeSet(association, side, owner, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(ids), add: false, storedEmpty: false);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask AddLinksAsync(EntityAssociationKeys association, IReadOnlyList<LinkChange> links, CancellationToken cancellationToken) =>
        Links(add: true, association, links, cancellationToken);

    public ValueTask RemoveLinksAsync(EntityAssociationKeys association, IReadOnlyList<LinkChange> links, CancellationToken cancellationToken) =>
        Links(add: false, association, links, cancellationToken);

    public ValueTask SaveLayoutAsync(long id, string layout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layout);
        using var command = _connection.CreateCommand();
        command.CommandText = "INSERT INTO layouts (id, layout) VALUES ($i, $l) ON CONFLICT (id) DO NOTHING";
        command.Parameters.AddWithValue("$i", id);
        command.Parameters.AddWithValue("$l", layout);
        command.ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    public ValueTask CommitAsync(ConnectorState state, CancellationToken cancellationToken)
    {
        FlushLinks(cancellationToken);
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

        SqliteChangeFeed.Record(_connection, _touched, _store.Options);
        _transaction.Commit();
        _committed = true;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        foreach (var command in (SqliteCommand[])[_update, _findId, _deleteResource, _deleteSources])
        {
            command.Dispose();
        }

        foreach (var statement in (RawStatement[])[_insert, _readSet, _writeSet, _deleteSet, _anySet, _deleteCategorization])
        {
            statement.Dispose();
        }

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

    private ValueTask Links(bool add, EntityAssociationKeys association, IReadOnlyList<LinkChange> links, CancellationToken cancellationToken)
    {
        var associationId = SqliteResourceStore.EnsureId(_connection, "associations", association.Association);
        var firstType = SqliteResourceStore.EnsureId(_connection, "entity_types", association.FirstEntityType);
        var secondType = SqliteResourceStore.EnsureId(_connection, "entity_types", association.SecondEntityType);

        // Links arrive in chunks, and a large group's members span many of them: they are gathered per
        // association and direction so that each set is read and written once.
        if (_pendingKind is { } kind && kind != (associationId, add))
        {
            FlushLinks(cancellationToken);
        }

        _pendingKind = (associationId, add);
        if (links.Count == 0)
        {
            return ValueTask.CompletedTask;
        }

        var pairs = new (long Owner, long Other)[links.Count];
        if (links is INumberedLinks numbered)
        {
            // Each distinct key is resolved once; the links' ends are then array reads (decision 99).
            var firstByOrdinal = _idsByOrdinal.Of(numbered.FirstKeys, firstType);
            var secondByOrdinal = _idsByOrdinal.Of(numbered.SecondKeys, secondType);
            for (var i = 0; i < pairs.Length; i++)
            {
                if ((i & 0xFFFF) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                pairs[i] = (
                    Resolve(firstByOrdinal, numbered.FirstOrdinal(i), numbered.FirstKeys, firstType, association.FirstEntityType),
                    Resolve(secondByOrdinal, numbered.SecondOrdinal(i), numbered.SecondKeys, secondType, association.SecondEntityType));
            }

            Gather(pairs);
            return ValueTask.CompletedTask;
        }

        // Keys this writer already knows resolve on every core (the dictionaries are only read here); a
        // first load knows them all. Links come grouped by first key: a repeated key is not looked up again.
        var firstIds = Ids(firstType);
        var secondIds = Ids(secondType);
        Parallel.ForEach(
            System.Collections.Concurrent.Partitioner.Create(0, links.Count, Math.Max(1024, (links.Count / Environment.ProcessorCount) + 1)),
            range =>
            {
                string? lastFirst = null;
                var firstId = 0L;
                for (var i = range.Item1; i < range.Item2; i++)
                {
                    var link = links[i];
                    if (!ReferenceEquals(link.FirstKey, lastFirst))
                    {
                        lastFirst = link.FirstKey;
                        firstId = firstIds.Find(link.FirstKey);
                    }

                    pairs[i] = (firstId, secondIds.Find(link.SecondKey));
                }
            });

        // The rest are looked up in the store, or are missing.
        for (var i = 0; i < pairs.Length; i++)
        {
            if (pairs[i].Owner == 0)
            {
                pairs[i].Owner = IdOf(firstType, links[i].FirstKey) ?? throw Missing(association.FirstEntityType, links[i].FirstKey);
            }

            if (pairs[i].Other == 0)
            {
                pairs[i].Other = IdOf(secondType, links[i].SecondKey) ?? throw Missing(association.SecondEntityType, links[i].SecondKey);
            }
        }

        Gather(pairs);
        return ValueTask.CompletedTask;

        StoreConflictException Missing(string entityType, string key) =>
            new($"A link of {association.Association} names {entityType} '{key}', which does not exist.");

        long Resolve(long[] byOrdinal, int ordinal, IReadOnlyList<string> keys, long typeId, string entityType)
        {
            if (byOrdinal[ordinal] is var id and not 0)
            {
                return id;
            }

            var key = keys[ordinal];
            id = Ids(typeId).Find(key);
            return byOrdinal[ordinal] = id != 0 ? id : IdOf(typeId, key) ?? throw Missing(entityType, key);
        }

    }

    /// <summary>
    /// Keeps link changes until the association or direction changes: as one packed number each (owner in
    /// the high half) while every id fits in 32 bits, which is every store short of four billion rows; as
    /// pairs otherwise. Ten million links take 80 MB instead of 160 and sort in place.
    /// </summary>
    private void Gather((long Owner, long Other)[] pairs)
    {
        if (_pendingWide is null && Array.Exists(pairs, static p => (ulong)p.Owner > uint.MaxValue || (ulong)p.Other > uint.MaxValue))
        {
            _pendingWide = [.. _pending.Select(static p => ((long)(p >> 32), (long)(p & uint.MaxValue)))];
            _pending.Clear();
        }

        if (_pendingWide is not null)
        {
            _pendingWide.AddRange(pairs);
            return;
        }

        foreach (var (owner, other) in pairs)
        {
            _pending.Add(((ulong)owner << 32) | (ulong)other);
        }
    }

    /// <summary>Writes the gathered link changes: each link changes its first resource's set (a group's members) and its second's (a user's groups).</summary>
    private void FlushLinks(CancellationToken cancellationToken)
    {
        if (_pendingKind is not { } kind)
        {
            return;
        }

        _pendingKind = null;

        // A first load reads no stored set: there is none.
        _anySet.Bind(1, kind.Association);
        var storedEmpty = !_anySet.Read() || _anySet.GetInt64(0) == 0;
        _anySet.Reset();

        if (_pendingWide is { } wide)
        {
            var pairs = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(wide);
            ChangeSide(kind.Association, SqliteSchema.FirstSide, pairs, static p => p.Owner, static p => p.Other, kind.Add, storedEmpty, cancellationToken);
            for (var p = 0; p < pairs.Length; p++)
            {
                pairs[p] = (pairs[p].Other, pairs[p].Owner);
            }

            ChangeSide(kind.Association, SqliteSchema.SecondSide, pairs, static p => p.Owner, static p => p.Other, kind.Add, storedEmpty, cancellationToken);
            _pendingWide = null;
        }
        else
        {
            var packed = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_pending);
            ChangeSide(kind.Association, SqliteSchema.FirstSide, packed, PackedOwner, PackedOther, kind.Add, storedEmpty, cancellationToken);
            for (var p = 0; p < packed.Length; p++)
            {
                packed[p] = System.Numerics.BitOperations.RotateLeft(packed[p], 32);
            }

            ChangeSide(kind.Association, SqliteSchema.SecondSide, packed, PackedOwner, PackedOther, kind.Add, storedEmpty, cancellationToken);
        }

        _pending.Clear();
        _pending.Capacity = 0;
    }

    private static long PackedOwner(ulong pair) => (long)(pair >> 32);

    private static long PackedOther(ulong pair) => (long)(pair & uint.MaxValue);

    /// <summary>Sorts the pairs (by owner, then other) and changes each owner's set once, in primary-key order.</summary>
    private void ChangeSide<T>(long associationId, int side, Span<T> pairs, Func<T, long> ownerOf, Func<T, long> otherOf, bool add, bool storedEmpty, CancellationToken cancellationToken)
    {
        pairs.Sort();
        var sets = 0;
        for (var start = 0; start < pairs.Length;)
        {
            if ((++sets & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var owner = ownerOf(pairs[start]);
            _touched.Add(owner);
            _others.Clear();
            var end = start;
            while (end < pairs.Length && ownerOf(pairs[end]) == owner)
            {
                _others.Add(otherOf(pairs[end++]));
            }

            ChangeSet(associationId, side, owner, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_others), add, storedEmpty);
            start = end;
        }
    }

    /// <summary>
    /// Adds the ids of <c>run</c> (ascending; a repeat counts once) to one owner's set, or removes them from it, and
    /// rewrites the set only when it changes; <c>storedEmpty</c> skips the read when no set exists yet.
    /// </summary>
    private void ChangeSet(long associationId, int side, long owner, ReadOnlySpan<long> run, bool add, bool storedEmpty)
    {
        if (!storedEmpty)
        {
            ReadSet(associationId, side, owner, _stored);
        }
        else
        {
            _stored.Clear();
        }

        _merged.Clear();
        var changed = false;
        var s = 0;
        var i = 0;
        while (s < _stored.Count || i < run.Length)
        {
            if (i > 0 && i < run.Length && run[i] == run[i - 1])
            {
                i++;
                continue;
            }

            var stored = s < _stored.Count ? _stored[s] : long.MaxValue;
            var given = i < run.Length ? run[i] : long.MaxValue;
            if (stored < given)
            {
                _merged.Add(stored);
                s++;
            }
            else if (given < stored)
            {
                // A new id joins the set; removing an id the set lacks changes nothing.
                if (add)
                {
                    _merged.Add(given);
                    changed = true;
                }

                i++;
            }
            else
            {
                if (add)
                {
                    _merged.Add(stored);
                }
                else
                {
                    changed = true;
                }

                s++;
                i++;
            }
        }

        if (!changed)
        {
            return;
        }

        if (_merged.Count == 0)
        {
            DeleteSet(associationId, side, owner);
            return;
        }

        var length = LinkSetCodec.Encode(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_merged), ref _packed);
        _writeSet.Bind(1, associationId);
        _writeSet.Bind(2, side);
        _writeSet.Bind(3, owner);
        _writeSet.Bind(4, _merged.Count);
        _writeSet.Bind(5, _packed.AsSpan(0, length));
        _writeSet.Execute();
    }

    private bool ReadSet(long associationId, int side, long owner, List<long> into) =>
        SqliteSchema.ReadLinkSet(_readSet, associationId, side, owner, into);

    private void DeleteSet(long associationId, int side, long owner)
    {
        _deleteSet.Bind(1, associationId);
        _deleteSet.Bind(2, side);
        _deleteSet.Bind(3, owner);
        _deleteSet.Execute();
    }

    private long? IdOf(long typeId, string key)
    {
        var ids = Ids(typeId);
        var id = ids.Find(key);
        if (id != 0)
        {
            return id;
        }

        Bind(_findId, typeId, key);
        if (_findId.ExecuteScalar() is long found)
        {
            ids.Add(key, found);
            return found;
        }

        return null;
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
    /// inserted with, so no key is hashed or compared character by character), then by ordinal value.
    /// Safe to read from several threads while nobody adds.
    /// </summary>
    private sealed class KnownIds
    {
        private readonly Dictionary<string, long> _byInstance = new(ReferenceEqualityComparer.Instance);
        private readonly Dictionary<string, long> _byValue = new(StringComparer.Ordinal);

        public void Add(string key, long id)
        {
            _byInstance[key] = id;
            _byValue[key] = id;
        }

        /// <summary>Forgets a deleted key; another instance of it may be indexed, so the instance index starts over.</summary>
        public void Remove(string key)
        {
            _byValue.Remove(key);
            _byInstance.Clear();
        }

        /// <summary>Gets the id of a key, or 0 (never a row id) when it is not known.</summary>
        public long Find(string key) =>
            _byInstance.TryGetValue(key, out var id) || _byValue.TryGetValue(key, out id) ? id : 0;
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
