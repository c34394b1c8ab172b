using System.Text.Json.Serialization;
using IdentitySync.Internal;

namespace IdentitySync.Provisioning;

/// <summary>The source-generated serializer of the Provisioning namespace: its three reports.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ProvisioningReport))]
[JsonSerializable(typeof(FulfillmentReport))]
[JsonSerializable(typeof(VerificationReport))]
internal sealed partial class ProvisioningJsonContext : JsonSerializerContext
{
    /// <summary>Gets the instance that writes reports (<see cref="ReportJson"/>).</summary>
    public static ProvisioningJsonContext Reports { get; } = new(ReportJson.CreateOptions());
}
