using IdentitySync.ChangeSets;

namespace IdentitySync.Storage.Sqlite;

/// <summary>
/// The writer's link stage: links added or removed are resolved to ids (numbered ones by ordinal), gathered per
/// association and direction, and written as each resource's link set, once per set, at the next step or the commit.
/// </summary>
internal sealed partial class SqliteChangeSetWriter
{
    private async ValueTask Links(bool add, EntityAssociationKeys association, IReadOnlyList<LinkChange> links, CancellationToken cancellationToken)
    {
        var associationId = _associations.Id(this, association.Association);
        var firstType = _types.Id(this, association.FirstEntityType);
        var secondType = _types.Id(this, association.SecondEntityType);

        // Links arrive in chunks, and a large group's members span many of them: they are gathered per
        // association and direction so that each set is read and written once.
        if (_pendingKind is { } kind && kind != (associationId, add))
        {
            await SettleAsync(cancellationToken).ConfigureAwait(false);
        }

        _pendingKind = (associationId, add);
        if (links.Count == 0)
        {
            return;
        }

        // The first chunk of a kind: the list takes every link the caller said will come, once, instead of doubling
        // to up to twice their room (ten million links: 128 MB, after 128 MB of smaller lists copied and dropped).
        if (_pending.Count == 0 && _pendingWide is null && _expectedLinks.TryGetValue(association.Association, out var expected))
        {
            var room = Math.Min(add ? expected.Added : expected.Removed, MaxExpectedLinks);
            if (room > _pending.Capacity)
            {
                _pending.Capacity = (int)room;
            }
        }

        // One buffer for every chunk: a chunk's pairs are gathered before the next one comes.
        if (_pairs.Length < links.Count)
        {
            _pairs = new (long Owner, long Other)[links.Count];
        }

        var pairs = _pairs.AsSpan(0, links.Count);
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
            return;
        }

        // Keys this writer already knows resolve on every core (the dictionaries are only read here); a
        // first load knows them all. Links come grouped by first key: a repeated key is not looked up again.
        var firstIds = Ids(firstType);
        var secondIds = Ids(secondType);
        var buffer = _pairs;
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

                    buffer[i] = (firstId, secondIds.Find(link.SecondKey));
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

    /// <summary>The most links a hint sizes the gathering list for; beyond, it grows as it goes.</summary>
    private const long MaxExpectedLinks = 1 << 28;

    /// <inheritdoc />
    public ValueTask ExpectLinksAsync(EntityAssociationKeys association, long added, long removed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(association);
        _expectedLinks[association.Association] = (Math.Max(added, 0), Math.Max(removed, 0));
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Keeps link changes until the association or direction changes: as one packed number each (owner in
    /// the high half) while every id fits in 32 bits, which is every store short of four billion rows; as
    /// pairs otherwise. Ten million links take 80 MB instead of 160 and sort in place.
    /// </summary>
    private void Gather(ReadOnlySpan<(long Owner, long Other)> pairs)
    {
        if (_pendingWide is null && !FitIn32Bits(pairs))
        {
            _pendingWide = [.. _pending.Select(static p => ((long)(p >> 32), (long)(p & uint.MaxValue)))];
            _pending.Clear();
        }

        if (_pendingWide is not null)
        {
            _pendingWide.AddRange(pairs);
            return;
        }

        var start = _pending.Count;
        System.Runtime.InteropServices.CollectionsMarshal.SetCount(_pending, start + pairs.Length);
        var packed = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_pending)[start..];
        for (var p = 0; p < pairs.Length; p++)
        {
            packed[p] = ((ulong)pairs[p].Owner << 32) | (ulong)pairs[p].Other;
        }
    }

    private static bool FitIn32Bits(ReadOnlySpan<(long Owner, long Other)> pairs)
    {
        foreach (var (owner, other) in pairs)
        {
            if ((ulong)owner > uint.MaxValue || (ulong)other > uint.MaxValue)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Sorts the gathered packed links both ways (by first end, and by second end in a copy), side by side: the work
    /// that needs no connection, which a commit does while the lane may still write rows.
    /// </summary>
    private void SortPendingLinks()
    {
        if (_pendingKind is null || _pendingWide is not null || _pending.Count == 0 || _sortedBySecond is not null)
        {
            return;
        }

        var packed = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_pending);
        var bySecond = GC.AllocateUninitializedArray<ulong>(packed.Length);
        for (var p = 0; p < packed.Length; p++)
        {
            bySecond[p] = System.Numerics.BitOperations.RotateLeft(packed[p], 32);
        }

        // Each way on its own core: ten million links take about half a second a way.
        var pending = _pending;
        Parallel.Invoke(
            () => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(pending).Sort(),
            () => bySecond.AsSpan().Sort());
        _sortedBySecond = bySecond;
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
            ChangeSide(kind.Association, SqliteSchema.FirstSide, pairs, static p => p.Owner, static p => p.Other, kind.Add, storedEmpty, sorted: false, cancellationToken);
            for (var p = 0; p < pairs.Length; p++)
            {
                pairs[p] = (pairs[p].Other, pairs[p].Owner);
            }

            ChangeSide(kind.Association, SqliteSchema.SecondSide, pairs, static p => p.Owner, static p => p.Other, kind.Add, storedEmpty, sorted: false, cancellationToken);
            _pendingWide = null;
        }
        else
        {
            var packed = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_pending);
            var sorted = _sortedBySecond is not null;
            ChangeSide(kind.Association, SqliteSchema.FirstSide, packed, PackedOwner, PackedOther, kind.Add, storedEmpty, sorted, cancellationToken);
            if (_sortedBySecond is { } bySecond)
            {
                packed = bySecond;
            }
            else
            {
                for (var p = 0; p < packed.Length; p++)
                {
                    packed[p] = System.Numerics.BitOperations.RotateLeft(packed[p], 32);
                }
            }

            ChangeSide(kind.Association, SqliteSchema.SecondSide, packed, PackedOwner, PackedOther, kind.Add, storedEmpty, sorted, cancellationToken);
        }

        _sortedBySecond = null;
        _pending.Clear();
        _pending.Capacity = 0;
    }

    private static long PackedOwner(ulong pair) => (long)(pair >> 32);

    private static long PackedOther(ulong pair) => (long)(pair & uint.MaxValue);

    /// <summary>Sorts the pairs (by owner, then other) unless they are sorted, and changes each owner's set once, in primary-key order.</summary>
    private void ChangeSide<T>(long associationId, int side, Span<T> pairs, Func<T, long> ownerOf, Func<T, long> otherOf, bool add, bool storedEmpty, bool sorted, CancellationToken cancellationToken)
    {
        if (!sorted)
        {
            pairs.Sort();
        }

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

            ChangeSet(associationId, side, owner, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_others), add, storedEmpty, cancellationToken);
            start = end;
        }

        SendSets(cancellationToken);
    }

    /// <summary>
    /// Queues the encoded sets gathered so far on the lane, the caller encoding the next ones meanwhile; at most a
    /// few batches wait, so the sets of ten million links are never all encoded in memory at once.
    /// </summary>
    private void SendSets(CancellationToken cancellationToken)
    {
        if (_sets is not { Count: > 0 } batch)
        {
            return;
        }

        _sets = null;
        while (_setsInFlight.Count >= 4)
        {
            _setsInFlight.Dequeue().GetAwaiter().GetResult();
        }

        Enqueue(_ => batch.Write(_writeSet), cancellationToken);
        _setsInFlight.Enqueue(_lane);
    }

    /// <summary>Encoded link sets, written on the lane in one go.</summary>
    private sealed class SetBatch
    {
        public const int Capacity = 8192;
        private readonly (long Association, int Side, long Owner, int Count, int Offset, int Length)[] _sets = new (long, int, long, int, int, int)[Capacity];
        private byte[] _bytes = new byte[64 * 1024];
        private int _used;

        public int Count { get; private set; }

        public void Add(long association, int side, long owner, int count, ReadOnlySpan<byte> bytes)
        {
            if (_used + bytes.Length > _bytes.Length)
            {
                Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _used + bytes.Length));
            }

            bytes.CopyTo(_bytes.AsSpan(_used));
            _sets[Count++] = (association, side, owner, count, _used, bytes.Length);
            _used += bytes.Length;
        }

        public void Write(RawStatement writeSet)
        {
            for (var i = 0; i < Count; i++)
            {
                var (association, side, owner, count, offset, length) = _sets[i];
                writeSet.Bind(1, association);
                writeSet.Bind(2, side);
                writeSet.Bind(3, owner);
                writeSet.Bind(4, count);
                writeSet.Bind(5, _bytes.AsSpan(offset, length));
                writeSet.Execute();
            }
        }
    }

    /// <summary>
    /// Adds the ids of <c>run</c> (ascending; a repeat counts once) to one owner's set, or removes them from it, and
    /// rewrites the set only when it changes; <c>storedEmpty</c> skips the read when no set exists yet.
    /// </summary>
    private void ChangeSet(long associationId, int side, long owner, ReadOnlySpan<long> run, bool add, bool storedEmpty, CancellationToken cancellationToken)
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
        if (storedEmpty)
        {
            // Nothing of the association is read while its sets are written: they go on the lane in batches.
            (_sets ??= new SetBatch()).Add(associationId, side, owner, _merged.Count, _packed.AsSpan(0, length));
            if (_sets.Count >= SetBatch.Capacity)
            {
                SendSets(cancellationToken);
            }

            return;
        }

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
}
