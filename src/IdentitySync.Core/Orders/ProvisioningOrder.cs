using System.Text.Json.Serialization;

namespace IdentitySync.Orders;

/// <summary>
/// A provisioning order: one change a managed system should make so that a resource matches the rules.
/// Serializes to the stable JSON documented in docs/provisioning.md.
/// </summary>
public sealed record ProvisioningOrder
{
    /// <summary>Gets the order's id, given by the store when the order is first saved; 0 before.</summary>
    public long Id { get; init; }

    /// <summary>Gets what the order asks.</summary>
    public required OrderChangeType ChangeType { get; init; }

    /// <summary>Gets why the order exists.</summary>
    public OrderKind Kind { get; init; }

    /// <summary>Gets the connector of the managed system.</summary>
    public required string Connector { get; init; }

    /// <summary>Gets the resource type.</summary>
    public required string ResourceType { get; init; }

    /// <summary>Gets the owner; <see langword="null"/> when the owner no longer exists.</summary>
    public OrderOwner? Owner { get; init; }

    /// <summary>Gets the resource and its current values; <see langword="null"/> for <see cref="OrderChangeType.Added"/>.</summary>
    public OrderResource? Resource { get; init; }

    /// <summary>Gets the scalar values to set: text, an array of texts for multi-valued properties, or null to clear.</summary>
    [JsonConverter(typeof(OrderValuesJsonConverter))]
    public IReadOnlyDictionary<string, object?> Changes { get; init; } = new Dictionary<string, object?>();

    /// <summary>Gets the links to add and remove, by navigation property; targets are named by primary key.</summary>
    public IReadOnlyDictionary<string, NavigationChange> Navigation { get; init; } = new Dictionary<string, NavigationChange>();

    /// <summary>Gets what a fulfiller needs to find the resource: the target's primary and unique keys, from its current or computed values.</summary>
    public IReadOnlyDictionary<string, string> Arguments { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the order explained in plain words: which rule, which source values, which difference.</summary>
    public required string Reason { get; init; }

    /// <summary>Gets where the order stands.</summary>
    public OrderState State { get; init; }

    /// <summary>Gets when the order was generated.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the state last changed.</summary>
    public DateTimeOffset StateChangedAt { get; init; }

    /// <summary>Gets how many times a fulfill connection was given the order.</summary>
    public int Attempts { get; init; }

    /// <summary>Gets when a pending order whose last attempt can be retried is due again; <see langword="null"/> when due now.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>Gets until when a review was postponed; <see langword="null"/> when not postponed.</summary>
    public DateTimeOffset? PostponedUntil { get; init; }

    /// <summary>Gets whether the order is fulfilled by a person (a ticket) rather than by a connection.</summary>
    public bool IsManual { get; init; }

    /// <summary>Gets the last message from the managed system, the reviewer or the person who handled the ticket.</summary>
    public string? Message { get; init; }

    /// <summary>Gets every state the order went through, oldest first.</summary>
    public IReadOnlyList<OrderHistoryEntry> History { get; init; } = [];

    /// <summary>Gets a value indicating whether the order may still change the managed system or is waiting for it to show its effect.</summary>
    [JsonIgnore]
    public bool IsInFlight => State is OrderState.Pending or OrderState.AwaitingApproval or OrderState.Transmitted or OrderState.Executed;

    /// <summary>Returns the order moved to another state, with the move in its history.</summary>
    /// <param name="state">The new state.</param>
    /// <param name="at">When.</param>
    /// <param name="note">Why, in plain words.</param>
    /// <returns>The moved order.</returns>
    public ProvisioningOrder MoveTo(OrderState state, DateTimeOffset at, string? note) => this with
    {
        State = state,
        StateChangedAt = at,
        Message = note ?? Message,
        History = [.. History, new OrderHistoryEntry(state, at, note)],
    };
}

/// <summary>The owner an order is for.</summary>
/// <param name="Id">The owner's resource id.</param>
/// <param name="Key">The owner's primary key.</param>
/// <param name="DisplayName">The owner's name for people.</param>
public sealed record OrderOwner(long Id, string Key, string DisplayName);

/// <summary>The resource an order changes or removes, with its values when the order was generated.</summary>
/// <param name="Id">The resource's id.</param>
/// <param name="Key">The resource's primary key.</param>
/// <param name="Values">Its values: text, an array of texts for multi-valued properties, or null.</param>
public sealed record OrderResource(long Id, string Key, [property: JsonConverter(typeof(OrderValuesJsonConverter))] IReadOnlyDictionary<string, object?> Values);

/// <summary>The links an order adds and removes through one navigation property.</summary>
/// <param name="Added">The primary keys of the targets to link.</param>
/// <param name="Removed">The primary keys of the targets to unlink.</param>
public sealed record NavigationChange(IReadOnlyList<string> Added, IReadOnlyList<string> Removed);

/// <summary>One state an order went through.</summary>
/// <param name="State">The state.</param>
/// <param name="At">When it was entered.</param>
/// <param name="Note">Why, in plain words.</param>
public sealed record OrderHistoryEntry(OrderState State, DateTimeOffset At, string? Note);
