using System.Text.Json.Serialization;
using IdentitySync.Internal;
using IdentitySync.Model;

namespace IdentitySync.Synchronization;

/// <summary>The source-generated serializer of the Synchronization namespace: its report and its export fingerprint text.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(SyncReport))]
[JsonSerializable(typeof(FingerprintText))]
internal sealed partial class SyncJsonContext : JsonSerializerContext
{
    /// <summary>Gets the instance that writes reports (<see cref="ReportJson"/>).</summary>
    public static SyncJsonContext Reports { get; } = new(ReportJson.CreateOptions());
}

/// <summary>
/// What an export fingerprint covers besides the engine's version and the tables: the connector's
/// configuration and the model types it maps, so that changing either reads the export again.
/// </summary>
/// <param name="Connector">The connector.</param>
/// <param name="EntityTypes">Its entity types.</param>
/// <param name="Associations">Its associations.</param>
internal sealed record FingerprintText(
    Connector Connector,
    IEnumerable<EntityType> EntityTypes,
    IEnumerable<EntityAssociation> Associations);
