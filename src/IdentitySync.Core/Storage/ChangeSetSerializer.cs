using System.Text.Json;
using IdentitySync.ChangeSets;

namespace IdentitySync.Storage;

/// <summary>Writes a change set to bytes and back, for stores that keep blocked change sets.</summary>
public static class ChangeSetSerializer
{
    /// <summary>Serializes a change set; values keep their exact types.</summary>
    /// <param name="changeSet">The change set.</param>
    /// <returns>UTF-8 JSON bytes.</returns>
    public static byte[] Serialize(ChangeSet changeSet)
    {
        ArgumentNullException.ThrowIfNull(changeSet);
        var dto = new ChangeSetDto(
            changeSet.Connector,
            changeSet.Mode,
            changeSet.BatchId,
            changeSet.BaseVersion,
            changeSet.CreatedAt,
            [.. changeSet.EntityTypes.Select(static e => new EntityDto(e.EntityType, Resources(e.Inserted), Resources(e.Updated), Resources(e.Deleted), e.Unchanged))],
            [.. changeSet.Associations.Select(static a => new AssociationDto(
                a.Association.Association,
                a.Association.FirstEntityType,
                a.Association.SecondEntityType,
                [.. a.Added.Select(static l => new[] { l.FirstKey, l.SecondKey })],
                [.. a.Removed.Select(static l => new[] { l.FirstKey, l.SecondKey })],
                a.Unchanged))])
        {
            Watermarks = [.. changeSet.Watermarks],
        };
        return JsonSerializer.SerializeToUtf8Bytes(dto, StoredJsonContext.Default.ChangeSetDto);
    }

    /// <summary>Reads a change set written by <see cref="Serialize"/>.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The change set.</returns>
    public static ChangeSet Deserialize(ReadOnlySpan<byte> bytes)
    {
        var dto = JsonSerializer.Deserialize(bytes, StoredJsonContext.Default.ChangeSetDto)
            ?? throw new InvalidDataException("The stored change set is empty.");
        return new ChangeSet(
            dto.Connector,
            dto.Mode,
            dto.BatchId,
            dto.BaseVersion,
            dto.CreatedAt,
            [.. dto.EntityTypes.Select(static e => new EntityTypeChanges(e.EntityType, Changes(e.Inserted), Changes(e.Updated), Changes(e.Deleted), e.Unchanged))],
            [.. dto.Associations.Select(static a => new AssociationChanges(
                new EntityAssociationKeys(a.Association, a.FirstEntityType, a.SecondEntityType),
                [.. a.Added.Select(static l => new LinkChange(l[0], l[1]))],
                [.. a.Removed.Select(static l => new LinkChange(l[0], l[1]))],
                a.Unchanged))])
        {
            // Change sets blocked before watermarks existed have none: resuming them keeps the stored ones empty.
            Watermarks = dto.Watermarks ?? [],
        };
    }

    /// <summary>Serializes a connector's table watermarks, for stores that keep them as text.</summary>
    /// <param name="watermarks">The watermarks.</param>
    /// <returns>JSON text.</returns>
    public static string SerializeWatermarks(IReadOnlyList<TableWatermark> watermarks) => JsonSerializer.Serialize(watermarks, StoredJsonContext.Default.IReadOnlyListTableWatermark);

    /// <summary>Reads watermarks written by <see cref="SerializeWatermarks"/>.</summary>
    /// <param name="json">The JSON text; <see langword="null"/> or empty for none.</param>
    /// <returns>The watermarks.</returns>
    public static IReadOnlyList<TableWatermark> DeserializeWatermarks(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize(json, StoredJsonContext.Default.TableWatermarkArray) ?? [];

    internal static ResourceDto[] Resources(IReadOnlyList<ResourceChange> changes) =>
        [.. changes.Select(static c => new ResourceDto(
            c.Key,
            c.Digest,
            ResourceValueCodec.Encode(c.Values),
            [.. c.Changes.Select(static p => new PropertyDto(p.Property, ResourceValueCodec.Encode([p.OldValue, p.NewValue])))],
            c.LineNumber))];

    internal static ResourceChange[] Changes(ResourceDto[] resources) =>
        [.. resources.Select(static r => new ResourceChange(
            r.Key,
            r.Digest,
            ResourceValueCodec.Decode(r.Values),
            [.. r.Changes.Select(static p =>
            {
                var values = ResourceValueCodec.Decode(p.Values);
                return new PropertyChange(p.Property, values[0], values[1]);
            })],
            r.Line))];
}

// The stored shape of a blocked change set: its enums are numbers, as they were before the serializer was source-generated.
internal sealed record ChangeSetDto(
    string Connector,
    [property: System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonNumberEnumConverter<SyncMode>))] SyncMode Mode,
    string BatchId,
    long BaseVersion,
    DateTimeOffset CreatedAt,
    EntityDto[] EntityTypes,
    AssociationDto[] Associations)
{
    public TableWatermark[]? Watermarks { get; init; }
}

internal sealed record EntityDto(string EntityType, ResourceDto[] Inserted, ResourceDto[] Updated, ResourceDto[] Deleted, long Unchanged);

internal sealed record ResourceDto(string Key, ulong Digest, byte[] Values, PropertyDto[] Changes, long Line);

internal sealed record PropertyDto(string Property, byte[] Values);

internal sealed record AssociationDto(string Association, string FirstEntityType, string SecondEntityType, string[][] Added, string[][] Removed, long Unchanged);
