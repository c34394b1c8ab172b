namespace IdentitySync.Orders;

/// <summary>
/// What the rules asked for one owner and resource type at the last generation: it tells a value the
/// rules changed from a value changed by hand in the managed system, and lets an unchanged owner be skipped.
/// </summary>
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
    [property: System.Text.Json.Serialization.JsonConverter(typeof(OrderValuesJsonConverter))] IReadOnlyDictionary<string, object?> Values,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Links);
