using System.Text.Json.Serialization;

namespace IdentitySync.Cli;

/// <summary>The source-generated serializer of what the command line writes itself (reports and orders come from theirs).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(List<ScriptResult>))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
