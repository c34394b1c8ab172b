using System.Collections;
using System.Text.Json;
using IdentitySync.ChangeSets;

namespace IdentitySync.Storage;

/// <summary>
/// A blocked change set as a durable store keeps it: a small header (the change set's identity, its counts and
/// watermarks) and its rows in pages of <see cref="PageSize"/>, so that keeping, showing, resuming or abandoning
/// a change set of millions of rows never holds it as one document in memory (one of a page or less is kept whole,
/// as one document without pages). A store writes the header and the pages of <see cref="Spool"/> in one
/// transaction, and gives back, through <see cref="Open"/>, a change set whose lists read their pages from the
/// store when they are read (decision 92).
/// </summary>
public static class ChangeSetSpool
{
    /// <summary>The most rows in one page.</summary>
    public const int PageSize = 1_000;

    // A header starts with its spool id; a whole change set written by ChangeSetSerializer (stores before
    // decision 92) starts with its connector.
    private static ReadOnlySpan<byte> HeaderStart => "{\"spool\":"u8;

    /// <summary>
    /// Prepares a change set for a store: its header and its pages, serialized one at a time as they are
    /// enumerated. A change set read from a spool keeps that spool's id: a store that already holds pages of
    /// that id keeps them instead of writing them again.
    /// </summary>
    /// <param name="changeSet">The change set.</param>
    /// <returns>The spool.</returns>
    public static SpooledChangeSet Spool(ChangeSet changeSet)
    {
        ArgumentNullException.ThrowIfNull(changeSet);
        var spooled = SpoolIdOf(changeSet);
        var id = spooled ?? Guid.NewGuid().ToString("N");
        var rows = changeSet.EntityTypes.Sum(static e => (long)e.Inserted.Count + e.Updated.Count + e.Deleted.Count)
            + changeSet.Associations.Sum(static a => (long)a.Added.Count + a.Removed.Count);
        if (rows <= PageSize && spooled is null)
        {
            // A change set of a page or less is kept whole, as one document: it reads without the store, even
            // after it was resumed or abandoned.
            return new SpooledChangeSet(id, ChangeSetSerializer.Serialize(changeSet), []);
        }

        var header = new SpoolHeaderDto(
            id,
            PageSize,
            changeSet.Connector,
            changeSet.Mode,
            changeSet.BatchId,
            changeSet.BaseVersion,
            changeSet.CreatedAt,
            [.. changeSet.EntityTypes.Select(static e => new SpooledEntityDto(e.EntityType, e.Inserted.Count, e.Updated.Count, e.Deleted.Count, e.Unchanged))],
            [.. changeSet.Associations.Select(static a => new SpooledAssociationDto(
                a.Association.Association, a.Association.FirstEntityType, a.Association.SecondEntityType, a.Added.Count, a.Removed.Count, a.Unchanged))])
        {
            Watermarks = [.. changeSet.Watermarks],
        };
        return new SpooledChangeSet(id, JsonSerializer.SerializeToUtf8Bytes(header, StoredJsonContext.Default.SpoolHeaderDto), Pages(changeSet));
    }

    /// <summary>
    /// Reads a change set a store kept: its header now, each page of rows when a list reaches it. Reading a page
    /// the store no longer holds (the change set was resumed, abandoned or replaced meanwhile) throws
    /// <see cref="StoreConflictException"/>, never another change set's rows. A whole change set written by
    /// <see cref="ChangeSetSerializer.Serialize"/> (a store written before spools) is read at once.
    /// </summary>
    /// <param name="stored">The header the store kept, or a whole change set.</param>
    /// <param name="readPage">Reads one page of the spool from the store: <see langword="null"/> when it has none.</param>
    /// <returns>The change set.</returns>
    public static ChangeSet Open(ReadOnlySpan<byte> stored, ChangeSetPageReader readPage)
    {
        ArgumentNullException.ThrowIfNull(readPage);
        if (!stored.StartsWith(HeaderStart))
        {
            return ChangeSetSerializer.Deserialize(stored);
        }

        var header = JsonSerializer.Deserialize(stored, StoredJsonContext.Default.SpoolHeaderDto)
            ?? throw new InvalidDataException("The stored change set header is empty.");
        var source = new PageSource(header, readPage);
        return new ChangeSet(
            header.Connector,
            header.Mode,
            header.BatchId,
            header.BaseVersion,
            header.CreatedAt,
            [.. header.EntityTypes.Select((e, scope) => new EntityTypeChanges(
                e.EntityType,
                new SpooledList<ResourceChange>(source, scope, ChangeSetList.Inserted, e.Inserted),
                new SpooledList<ResourceChange>(source, scope, ChangeSetList.Updated, e.Updated),
                new SpooledList<ResourceChange>(source, scope, ChangeSetList.Deleted, e.Deleted),
                e.Unchanged))],
            [.. header.Associations.Select((a, scope) => new AssociationChanges(
                new EntityAssociationKeys(a.Association, a.FirstEntityType, a.SecondEntityType),
                new SpooledList<LinkChange>(source, scope, ChangeSetList.Added, a.Added),
                new SpooledList<LinkChange>(source, scope, ChangeSetList.Removed, a.Removed),
                a.Unchanged))])
        {
            Watermarks = header.Watermarks ?? [],
        };
    }

    /// <summary>Gets the id of the spool a change set was read from; <see langword="null"/> for one built in memory.</summary>
    /// <param name="changeSet">The change set.</param>
    /// <returns>The spool's id, or <see langword="null"/>.</returns>
    public static string? SpoolIdOf(ChangeSet changeSet)
    {
        ArgumentNullException.ThrowIfNull(changeSet);
        var lists = changeSet.EntityTypes.SelectMany(static e => new object[] { e.Inserted, e.Updated, e.Deleted })
            .Concat(changeSet.Associations.SelectMany(static a => new object[] { a.Added, a.Removed }))
            .ToList();
        if (lists.Count == 0 || lists[0] is not ISpooled { Source.Id: var id })
        {
            return null;
        }

        // Only a change set whose every list reads the same spool is that spool (a copy with one list replaced is not).
        return lists.All(list => list is ISpooled spooled && spooled.Source.Id == id) ? id : null;
    }

    private static IEnumerable<ChangeSetPage> Pages(ChangeSet changeSet)
    {
        for (var scope = 0; scope < changeSet.EntityTypes.Count; scope++)
        {
            var entityType = changeSet.EntityTypes[scope];
            foreach (var (list, rows) in new (ChangeSetList, IReadOnlyList<ResourceChange>)[] { (ChangeSetList.Inserted, entityType.Inserted), (ChangeSetList.Updated, entityType.Updated), (ChangeSetList.Deleted, entityType.Deleted) })
            {
                var index = 0;
                foreach (var page in rows.Chunk(PageSize))
                {
                    yield return new ChangeSetPage(scope, list, index++, JsonSerializer.SerializeToUtf8Bytes(ChangeSetSerializer.Resources(page), StoredJsonContext.Default.ResourceDtoArray));
                }
            }
        }

        for (var scope = 0; scope < changeSet.Associations.Count; scope++)
        {
            var association = changeSet.Associations[scope];
            foreach (var (list, links) in new (ChangeSetList, IReadOnlyList<LinkChange>)[] { (ChangeSetList.Added, association.Added), (ChangeSetList.Removed, association.Removed) })
            {
                var index = 0;
                foreach (var page in links.Chunk(PageSize))
                {
                    string[][] pairs = [.. page.Select(static l => new[] { l.FirstKey, l.SecondKey })];
                    yield return new ChangeSetPage(scope, list, index++, JsonSerializer.SerializeToUtf8Bytes(pairs, StoredJsonContext.Default.StringArrayArray));
                }
            }
        }
    }

    private interface ISpooled
    {
        PageSource Source { get; }
    }

    /// <summary>One spool's page reader, and its connector for messages.</summary>
    private sealed class PageSource(SpoolHeaderDto header, ChangeSetPageReader readPage)
    {
        public string Id => header.Spool;

        public int PageSize => header.PageSize;

        public T[] Read<T>(int scope, ChangeSetList list, int index, int expected)
        {
            var bytes = readPage(header.Spool, scope, list, index)
                ?? throw new StoreConflictException($"The blocked change set of connector '{header.Connector}' (batch {header.BatchId}) was resumed, abandoned or replaced while it was read; read it again.");
            T[] rows = list is ChangeSetList.Added or ChangeSetList.Removed
                ? (T[])(object)(JsonSerializer.Deserialize(bytes, StoredJsonContext.Default.StringArrayArray) ?? []).Select(static p => new LinkChange(p[0], p[1])).ToArray()
                : (T[])(object)ChangeSetSerializer.Changes(JsonSerializer.Deserialize(bytes, StoredJsonContext.Default.ResourceDtoArray) ?? []);
            if (rows.Length != expected)
            {
                throw new InvalidDataException($"Page {index} of the blocked change set of connector '{header.Connector}' holds {rows.Length} rows where its header counts {expected}.");
            }

            return rows;
        }
    }

    /// <summary>A list of a spooled change set: its count from the header, its rows a page at a time (the last page read is kept).</summary>
    private sealed class SpooledList<T>(PageSource source, int scope, ChangeSetList list, int count) : IReadOnlyList<T>, ISpooled
    {
        // A reference, swapped whole: readers on several threads never see one page's index with another's rows.
        private Tuple<int, T[]>? _last;

        public PageSource Source => source;

        public int Count => count;

        public T this[int index]
        {
            get
            {
                ArgumentOutOfRangeException.ThrowIfNegative(index);
                ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, count);
                return Page(index / source.PageSize)[index % source.PageSize];
            }
        }

        public IEnumerator<T> GetEnumerator()
        {
            for (var page = 0; page * source.PageSize < count; page++)
            {
                foreach (var row in Page(page))
                {
                    yield return row;
                }
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        private T[] Page(int index)
        {
            if (_last is { } last && last.Item1 == index)
            {
                return last.Item2;
            }

            var rows = source.Read<T>(scope, list, index, Math.Min(source.PageSize, count - (index * source.PageSize)));
            _last = Tuple.Create(index, rows);
            return rows;
        }
    }
}

/// <summary>A change set prepared for a store by <see cref="ChangeSetSpool.Spool"/>.</summary>
public sealed class SpooledChangeSet
{
    internal SpooledChangeSet(string id, byte[] header, IEnumerable<ChangeSetPage> pages)
    {
        Id = id;
        Header = header;
        Pages = pages;
    }

    /// <summary>Gets the spool's id: the pages a store keeps are found by it.</summary>
    public string Id { get; }

    /// <summary>Gets the header to keep with the connector's state (UTF-8 JSON).</summary>
    public byte[] Header { get; }

    /// <summary>Gets the pages of rows, each serialized when it is enumerated.</summary>
    public IEnumerable<ChangeSetPage> Pages { get; }
}

/// <summary>One page of a spooled change set's rows.</summary>
/// <param name="Scope">The entity type's position in <see cref="ChangeSet.EntityTypes"/>, or the association's in <see cref="ChangeSet.Associations"/>.</param>
/// <param name="List">Which list of that scope.</param>
/// <param name="Index">The page's position in the list, from 0.</param>
/// <param name="Body">The rows (UTF-8 JSON).</param>
public readonly record struct ChangeSetPage(int Scope, ChangeSetList List, int Index, byte[] Body);

/// <summary>The lists of a change set's scope, as a store numbers the pages of a spool.</summary>
public enum ChangeSetList
{
    /// <summary>An entity type's inserted resources.</summary>
    Inserted = 0,

    /// <summary>An entity type's updated resources.</summary>
    Updated = 1,

    /// <summary>An entity type's deleted resources.</summary>
    Deleted = 2,

    /// <summary>An association's added links.</summary>
    Added = 3,

    /// <summary>An association's removed links.</summary>
    Removed = 4,
}

/// <summary>Reads one page of a spooled change set from a store.</summary>
/// <param name="spool">The spool's id.</param>
/// <param name="scope">The scope's position.</param>
/// <param name="list">The list.</param>
/// <param name="index">The page's position.</param>
/// <returns>The page's body, or <see langword="null"/> when the store holds no such page of that spool.</returns>
public delegate byte[]? ChangeSetPageReader(string spool, int scope, ChangeSetList list, int index);

// The stored header of a spooled change set; its first property tells it from a whole change set.
internal sealed record SpoolHeaderDto(
    string Spool,
    int PageSize,
    string Connector,
    [property: System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonNumberEnumConverter<SyncMode>))] SyncMode Mode,
    string BatchId,
    long BaseVersion,
    DateTimeOffset CreatedAt,
    SpooledEntityDto[] EntityTypes,
    SpooledAssociationDto[] Associations)
{
    public TableWatermark[]? Watermarks { get; init; }
}

internal sealed record SpooledEntityDto(string EntityType, int Inserted, int Updated, int Deleted, long Unchanged);

internal sealed record SpooledAssociationDto(string Association, string FirstEntityType, string SecondEntityType, int Added, int Removed, long Unchanged);
