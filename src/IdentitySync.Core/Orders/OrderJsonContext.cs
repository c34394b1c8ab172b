using System.Text.Json.Serialization;
using IdentitySync.Internal;

namespace IdentitySync.Orders;

/// <summary>The source-generated serializer of the order schema (docs/provisioning.md) and of a provisioning state's stored body.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ProvisioningOrder))]
[JsonSerializable(typeof(IEnumerable<ProvisioningOrder>))]
[JsonSerializable(typeof(List<ProvisioningOrder>))]
[JsonSerializable(typeof(ProvisioningStateBody))]
internal sealed partial class OrderJsonContext : JsonSerializerContext
{
    /// <summary>Gets the instance that writes orders as reports are written (<see cref="ReportJson"/>).</summary>
    public static OrderJsonContext Reports { get; } = new(ReportJson.CreateOptions());
}

/// <summary>What a stored provisioning state keeps as JSON beside its columns (<c>StoredProvisioningState.Body</c>).</summary>
internal sealed record ProvisioningStateBody(
    [property: JsonConverter(typeof(OrderValuesJsonConverter))] IReadOnlyDictionary<string, object?>? Values,
    IReadOnlyDictionary<string, IReadOnlyList<string>>? Links);
