using IdentitySync.Orders;

namespace IdentitySync.Connections;

/// <summary>
/// What a fulfill connection receives for one order: the order, and how the managed system names what it
/// changes (the table and column of each property, the resource's keys, and the keys of every link target),
/// so a connection writes a directory entry, a row or an API call without reading the model itself.
/// </summary>
public sealed record FulfillmentRequest
{
    /// <summary>Gets the order: its change type, scalar changes by property and links by navigation property.</summary>
    public required ProvisioningOrder Order { get; init; }

    /// <summary>Gets the entity type of the resource the order creates, changes or removes.</summary>
    public required string EntityType { get; init; }

    /// <summary>Gets the connection table the entity type is mapped to in the order's connector.</summary>
    public required string Table { get; init; }

    /// <summary>Gets the connection's column of each mapped property of the entity type, by property name (case-insensitive).</summary>
    public required IReadOnlyDictionary<string, string> Columns { get; init; }

    /// <summary>
    /// Gets the resource's keys, the primary key first, then the unique keys: its stored values for an order
    /// that changes or removes it, the computed ones for an <see cref="OrderChangeType.Added"/> order (a key
    /// the rules compute no value for is left out).
    /// </summary>
    public required IReadOnlyList<ResourceKeyValue> Keys { get; init; }

    /// <summary>Gets, for each navigation property the order changes, where its links live and the keys of each target added and removed.</summary>
    public IReadOnlyList<NavigationFulfillment> Navigation { get; init; } = [];
}
