using System.Text.Json;
using System.Text.Json.Serialization;

namespace IdentitySync.Orders;

/// <summary>
/// What the rules asked for one owner and resource type at the last generation: it tells a value the
/// rules changed from a value changed by hand in the managed system, and lets an unchanged owner be skipped.
/// </summary>
/// <remarks>
/// A generation keeps a state for every owner it evaluates until it saves them all; it builds each one from its
/// stored form (decision 98), so a million states held are a million small byte arrays, not a million pairs of
/// dictionaries. <see cref="Values"/> and <see cref="Links"/> are then read from that form when first asked for.
/// </remarks>
/// <param name="ResourceType">The resource type.</param>
/// <param name="OwnerId">The owner's id.</param>
/// <param name="InputDigest">A digest of everything the evaluation read: owner, related resources, accounts, links, orders.</param>
/// <param name="Entitled">Whether the type rules granted the resource.</param>
/// <param name="Values">The computed scalar values, as text (arrays for multi-valued properties).</param>
/// <param name="Links">The computed links, by navigation property, as target primary keys.</param>
public sealed record OwnerProvisioningState(
    string ResourceType,
    long OwnerId,
    ulong InputDigest,
    bool Entitled,
    IReadOnlyDictionary<string, object?> Values,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Links)
{
    private IReadOnlyDictionary<string, object?>? _values = Values;
    private IReadOnlyDictionary<string, IReadOnlyList<string>>? _links = Links;

    /// <summary>The stored body (<c>StoredProvisioningState.Body</c>) the values and links are read from, while neither was set.</summary>
    private byte[]? _body;

    // Bodies larger than this are written with a writer that is not kept for the thread's next body.
    private const int MaxKeptPacker = 64 * 1024;

    private static readonly OrderValuesJsonConverter s_values = new();

    [ThreadStatic]
    private static (System.Buffers.ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer)? t_packer;

    /// <summary>A state kept as its stored body; the values and links are read from it when first asked for.</summary>
    private OwnerProvisioningState(string resourceType, long ownerId, ulong inputDigest, bool entitled, byte[] body)
        : this(resourceType, ownerId, inputDigest, entitled, null!, null!)
    {
        _body = body;
    }

    /// <summary>Gets the computed scalar values, as text (arrays for multi-valued properties).</summary>
    [JsonConverter(typeof(OrderValuesJsonConverter))]
    public IReadOnlyDictionary<string, object?> Values
    {
        get => _values ?? Unpack().Values;
        init
        {
            _links ??= Unpack().Links;
            _values = value;
            _body = null;
        }
    }

    /// <summary>Gets the computed links, by navigation property, as target primary keys.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Links
    {
        get => _links ?? Unpack().Links;
        init
        {
            _values ??= Unpack().Values;
            _links = value;
            _body = null;
        }
    }

    /// <summary>Gets the stored body, when the state was built from one and neither its values nor its links were replaced since.</summary>
    internal byte[]? Body => _body;

    /// <summary>
    /// A state whose values and links are written to their stored body at once (what a store keeps of them), and read
    /// back from it only when asked for.
    /// </summary>
    internal static OwnerProvisioningState Packed(string resourceType, long ownerId, ulong inputDigest, bool entitled, IReadOnlyDictionary<string, object?> values, IReadOnlyDictionary<string, IReadOnlyList<string>> links) =>
        new(resourceType, ownerId, inputDigest, entitled, Pack(values, links));

    /// <summary>
    /// The stored body of values and links: UTF-8 JSON, camelCase, byte for byte what the serializer writes for a
    /// <see cref="ProvisioningStateBody"/>. Written with one writer per thread: a generation packs a body per owner, and
    /// the serializer's own call allocated about 300 bytes of bookkeeping each time (a million owners, 300 MB).
    /// </summary>
    internal static byte[] Pack(IReadOnlyDictionary<string, object?> values, IReadOnlyDictionary<string, IReadOnlyList<string>> links)
    {
        var (buffer, writer) = t_packer ??= NewPacker();
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        writer.WriteStartObject();
        writer.WritePropertyName("values");
        s_values.Write(writer, values, OrderJsonContext.Default.Options);
        writer.WritePropertyName("links");
        writer.WriteStartObject();
        foreach (var (navigation, keys) in links)
        {
            writer.WritePropertyName(navigation);
            writer.WriteStartArray();
            for (var i = 0; i < keys.Count; i++)
            {
                writer.WriteStringValue(keys[i]);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.Flush();
        var body = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity > MaxKeptPacker)
        {
            // An owner with thousands of values: its buffer is not kept for the next one.
            t_packer = null;
        }

        return body;
    }

    private static (System.Buffers.ArrayBufferWriter<byte>, Utf8JsonWriter) NewPacker()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        return (buffer, new Utf8JsonWriter(buffer));
    }

    /// <summary>Reads a stored body (<see cref="Pack"/>); a body without values or links has none.</summary>
    /// <exception cref="JsonException">The body is not a provisioning state's body.</exception>
    internal static (IReadOnlyDictionary<string, object?> Values, IReadOnlyDictionary<string, IReadOnlyList<string>> Links) Unpack(ReadOnlySpan<byte> body, long ownerId, string resourceType)
    {
        var read = JsonSerializer.Deserialize(body, OrderJsonContext.Default.ProvisioningStateBody)
            ?? throw new JsonException($"The body of the provisioning state of owner {ownerId} ({resourceType}) is null.");
        return (read.Values ?? new Dictionary<string, object?>(), read.Links ?? new Dictionary<string, IReadOnlyList<string>>());
    }

    /// <summary>Reads the body; both halves are kept (two threads reading at once unpack equal values).</summary>
    /// <exception cref="JsonException">The body is not a provisioning state's body.</exception>
    private (IReadOnlyDictionary<string, object?> Values, IReadOnlyDictionary<string, IReadOnlyList<string>> Links) Unpack()
    {
        if (_values is { } values && _links is { } links)
        {
            return (values, links);
        }

        var body = Unpack(_body, OwnerId, ResourceType);
        values = _values ??= body.Values;
        links = _links ??= body.Links;
        return (values, links);
    }
}
