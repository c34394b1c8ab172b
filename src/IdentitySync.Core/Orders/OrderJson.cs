using System.Text.Json;

namespace IdentitySync.Orders;

/// <summary>The stable JSON form of orders (docs/provisioning.md): indented, camelCase, enums as names.</summary>
public static class OrderJson
{
    /// <summary>Gets the serializer options of the order schema; read-only, and knowing the order types only (source-generated: no reflection).</summary>
    public static JsonSerializerOptions Options => OrderJsonContext.Reports.Options;

    /// <summary>Serializes orders as a JSON array.</summary>
    /// <param name="orders">The orders.</param>
    /// <returns>The JSON.</returns>
    public static string Serialize(IEnumerable<ProvisioningOrder> orders) => JsonSerializer.Serialize(orders, OrderJsonContext.Reports.IEnumerableProvisioningOrder);

    /// <summary>Reads a JSON array of orders.</summary>
    /// <param name="json">The JSON.</param>
    /// <returns>The orders.</returns>
    /// <exception cref="JsonException">The text is not an array of orders; the message gives the line.</exception>
    public static IReadOnlyList<ProvisioningOrder> Deserialize(string json) =>
        JsonSerializer.Deserialize(json, OrderJsonContext.Reports.ListProvisioningOrder) ?? [];
}
