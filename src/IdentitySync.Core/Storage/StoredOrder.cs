using System.Data.Common;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using IdentitySync.Orders;

namespace IdentitySync.Storage;

/// <summary>
/// A provisioning order as a store keeps it: what stores filter, sort and report on as columns (state, kind,
/// type, owner, resource, times, attempts), and only what reads as a whole (the reason, the property and link
/// changes, the history) as a JSON <see cref="Body"/>. Times are UTC ticks, so an order reads back to the tick.
/// </summary>
public sealed record StoredOrder
{
    /// <summary>The columns <see cref="Read"/> takes, in its order, as a store names them in SQL.</summary>
    public const string Columns = "id, connector, resource_type, change_type, kind, state, owner_id, resource_id, created_at, state_changed_at, attempts, next_attempt_at, postponed_until, is_manual, body";

    /// <summary>Gets the states an order ends in, which <see cref="IOrderStore.ArchiveOrdersAsync"/> may archive: verified, declined, in error.</summary>
    public static IReadOnlyList<OrderState> EndedStates { get; } = [OrderState.Verified, OrderState.Declined, OrderState.Error];

    /// <summary>Gets the order's id.</summary>
    public required long Id { get; init; }

    /// <summary>Gets the connector the order is for.</summary>
    public required string Connector { get; init; }

    /// <summary>Gets the resource type that asked for it.</summary>
    public required string ResourceType { get; init; }

    /// <summary>Gets what the order changes: an account added, modified or deleted.</summary>
    public required OrderChangeType ChangeType { get; init; }

    /// <summary>Gets the order's kind.</summary>
    public required OrderKind Kind { get; init; }

    /// <summary>Gets the order's state.</summary>
    public required OrderState State { get; init; }

    /// <summary>Gets the owner's resource id, if the order has an owner.</summary>
    public long? OwnerId { get; init; }

    /// <summary>Gets the account's resource id, if the order is about an existing account.</summary>
    public long? ResourceId { get; init; }

    /// <summary>Gets when the order was generated, as UTC ticks.</summary>
    public required long CreatedAtTicks { get; init; }

    /// <summary>Gets when the order last changed state, as UTC ticks.</summary>
    public required long StateChangedAtTicks { get; init; }

    /// <summary>Gets how many times the order was handed over.</summary>
    public required int Attempts { get; init; }

    /// <summary>Gets when a retried order is next due, as UTC ticks.</summary>
    public long? NextAttemptAtTicks { get; init; }

    /// <summary>Gets until when the order's review is postponed, as UTC ticks.</summary>
    public long? PostponedUntilTicks { get; init; }

    /// <summary>Gets a value indicating whether the order is a ticket for a person.</summary>
    public required bool IsManual { get; init; }

    /// <summary>Gets the rest of the order as UTF-8 JSON: reason, changes, arguments, message, history, and the owner's and account's keys.</summary>
    public required byte[] Body { get; init; }

    /// <summary>Splits an order into its columns and its body.</summary>
    /// <param name="order">The order.</param>
    /// <returns>The stored form.</returns>
    public static StoredOrder Of(ProvisioningOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        var body = new OrderBody(
            order.Reason,
            order.Changes,
            order.Navigation,
            order.Arguments,
            order.Message,
            order.History,
            order.Owner?.Key,
            order.Owner?.DisplayName,
            order.Resource?.Key,
            order.Resource?.Values);
        return new StoredOrder
        {
            Id = order.Id,
            Connector = order.Connector,
            ResourceType = order.ResourceType,
            ChangeType = order.ChangeType,
            Kind = order.Kind,
            State = order.State,
            OwnerId = order.Owner?.Id,
            ResourceId = order.Resource?.Id,
            CreatedAtTicks = order.CreatedAt.UtcTicks,
            StateChangedAtTicks = order.StateChangedAt.UtcTicks,
            Attempts = order.Attempts,
            NextAttemptAtTicks = order.NextAttemptAt?.UtcTicks,
            PostponedUntilTicks = order.PostponedUntil?.UtcTicks,
            IsManual = order.IsManual,
            Body = JsonSerializer.SerializeToUtf8Bytes(body, StoredJsonContext.Default.OrderBody),
        };
    }

    /// <summary>Puts the order together again.</summary>
    /// <returns>The order, equal to the one stored.</returns>
    /// <exception cref="JsonException">The body is not an order's body.</exception>
    public ProvisioningOrder ToOrder()
    {
        var body = JsonSerializer.Deserialize(Body, StoredJsonContext.Default.OrderBody) ?? throw new JsonException($"The body of stored order {Id} is null.");
        return new ProvisioningOrder
        {
            Id = Id,
            ChangeType = ChangeType,
            Kind = Kind,
            Connector = Connector,
            ResourceType = ResourceType,
            Owner = OwnerId is { } owner ? new OrderOwner(owner, body.OwnerKey ?? string.Empty, body.OwnerDisplayName ?? string.Empty) : null,
            Resource = ResourceId is { } resource ? new OrderResource(resource, body.ResourceKey ?? string.Empty, body.ResourceValues ?? new Dictionary<string, object?>()) : null,
            Changes = body.Changes ?? new Dictionary<string, object?>(),
            Navigation = body.Navigation ?? new Dictionary<string, NavigationChange>(),
            Arguments = body.Arguments ?? new Dictionary<string, string>(),
            Reason = body.Reason,
            State = State,
            CreatedAt = Utc(CreatedAtTicks),
            StateChangedAt = Utc(StateChangedAtTicks),
            Attempts = Attempts,
            NextAttemptAt = NextAttemptAtTicks is { } next ? Utc(next) : null,
            PostponedUntil = PostponedUntilTicks is { } until ? Utc(until) : null,
            IsManual = IsManual,
            Message = body.Message,
            History = body.History ?? [],
        };
    }

    /// <summary>
    /// Reads a stored order from a row of <see cref="Columns"/>: enums by name, times as ticks, the manual flag as
    /// a boolean or a number, the body as bytes or JSON text.
    /// </summary>
    /// <param name="reader">A reader on a row that starts with <see cref="Columns"/>.</param>
    /// <returns>The stored order.</returns>
    public static StoredOrder Read(DbDataReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return new StoredOrder
        {
            Id = reader.GetInt64(0),
            Connector = reader.GetString(1),
            ResourceType = reader.GetString(2),
            ChangeType = Enum.Parse<OrderChangeType>(reader.GetString(3)),
            Kind = Enum.Parse<OrderKind>(reader.GetString(4)),
            State = Enum.Parse<OrderState>(reader.GetString(5)),
            OwnerId = reader.IsDBNull(6) ? null : reader.GetInt64(6),
            ResourceId = reader.IsDBNull(7) ? null : reader.GetInt64(7),
            CreatedAtTicks = reader.GetInt64(8),
            StateChangedAtTicks = reader.GetInt64(9),
            Attempts = reader.GetInt32(10),
            NextAttemptAtTicks = reader.IsDBNull(11) ? null : reader.GetInt64(11),
            PostponedUntilTicks = reader.IsDBNull(12) ? null : reader.GetInt64(12),
            IsManual = Convert.ToBoolean(reader.GetValue(13), System.Globalization.CultureInfo.InvariantCulture),
            Body = reader.GetValue(14) is byte[] bytes ? bytes : Encoding.UTF8.GetBytes(reader.GetString(14)),
        };
    }

    private static DateTimeOffset Utc(long ticks) => new(ticks, TimeSpan.Zero);
}

/// <summary>What a stored order keeps as JSON beside its columns.</summary>
internal sealed record OrderBody(
    string Reason,
    [property: JsonConverter(typeof(OrderValuesJsonConverter))] IReadOnlyDictionary<string, object?>? Changes,
    IReadOnlyDictionary<string, NavigationChange>? Navigation,
    IReadOnlyDictionary<string, string>? Arguments,
    string? Message,
    IReadOnlyList<OrderHistoryEntry>? History,
    string? OwnerKey,
    string? OwnerDisplayName,
    string? ResourceKey,
    [property: JsonConverter(typeof(OrderValuesJsonConverter))] IReadOnlyDictionary<string, object?>? ResourceValues);
