using System.Text.Json.Serialization;
using IdentitySync.Internal;

namespace IdentitySync.Categorization;

/// <summary>The source-generated serializer of the Categorization namespace: its report.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(CategorizationReport))]
internal sealed partial class CategorizationJsonContext : JsonSerializerContext
{
    /// <summary>Gets the instance that writes reports (<see cref="ReportJson"/>).</summary>
    public static CategorizationJsonContext Reports { get; } = new(ReportJson.CreateOptions());
}
