using System.Text.Json.Serialization;
using IdentitySync.Internal;

namespace IdentitySync.Orders;

/// <summary>The source-generated serializer of the order schema (docs/provisioning.md).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ProvisioningOrder))]
[JsonSerializable(typeof(IEnumerable<ProvisioningOrder>))]
[JsonSerializable(typeof(List<ProvisioningOrder>))]
internal sealed partial class OrderJsonContext : JsonSerializerContext
{
    /// <summary>Gets the instance that writes orders as reports are written (<see cref="ReportJson"/>).</summary>
    public static OrderJsonContext Reports { get; } = new(ReportJson.CreateOptions());
}
