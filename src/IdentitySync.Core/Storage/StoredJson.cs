using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using IdentitySync.Categorizations;
using IdentitySync.ChangeSets;
using IdentitySync.JobRuns;
using IdentitySync.Orders;

namespace IdentitySync.Storage;

/// <summary>
/// The JSON a store keeps for what is not a resource row: categorizations, orders, provisioning states,
/// property sources and job runs. Compact, camelCase, enums by name; written by a source-generated
/// serializer, so no reflection runs and every store writes the same bytes for the same value.
/// </summary>
/// <remarks>A store that keeps these values as JSON should write and read them here: the shape is the
/// one the built-in stores keep, and a change to it is a store migration.</remarks>
public static class StoredJson
{
    /// <summary>Serializes a stored value to UTF-8 JSON.</summary>
    /// <typeparam name="T">One of the stored types: <see cref="AccountCategorization"/>, <see cref="ProvisioningOrder"/>,
    /// <see cref="OwnerProvisioningState"/>, <see cref="PropertySource"/>, <see cref="JobRun"/>, or a list of text.</typeparam>
    /// <param name="value">The value.</param>
    /// <returns>The JSON bytes.</returns>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not a stored type.</exception>
    public static byte[] SerializeToUtf8Bytes<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, TypeInfo<T>());

    /// <summary>Serializes a stored value to JSON text.</summary>
    /// <typeparam name="T">One of the stored types (see <see cref="SerializeToUtf8Bytes{T}"/>).</typeparam>
    /// <param name="value">The value.</param>
    /// <returns>The JSON text.</returns>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not a stored type.</exception>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, TypeInfo<T>());

    /// <summary>Reads a stored value from UTF-8 JSON.</summary>
    /// <typeparam name="T">One of the stored types (see <see cref="SerializeToUtf8Bytes{T}"/>).</typeparam>
    /// <param name="json">The JSON bytes.</param>
    /// <returns>The value.</returns>
    /// <exception cref="JsonException">The JSON is not a <typeparamref name="T"/>, or is <c>null</c>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not a stored type.</exception>
    public static T Deserialize<T>(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, TypeInfo<T>()) ?? throw new JsonException($"The stored {typeof(T).Name} is null.");

    /// <summary>Reads a stored value from JSON text.</summary>
    /// <typeparam name="T">One of the stored types (see <see cref="SerializeToUtf8Bytes{T}"/>).</typeparam>
    /// <param name="json">The JSON text.</param>
    /// <returns>The value.</returns>
    /// <exception cref="JsonException">The JSON is not a <typeparamref name="T"/>, or is <c>null</c>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not a stored type.</exception>
    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize(json, TypeInfo<T>()) ?? throw new JsonException($"The stored {typeof(T).Name} is null.");

    private static JsonTypeInfo<T> TypeInfo<T>() =>
        StoredJsonContext.Default.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>
            ?? throw new NotSupportedException(
                $"{typeof(T).Name} is not a stored type; the stored types are AccountCategorization, ProvisioningOrder, OwnerProvisioningState, PropertySource, JobRun and lists of text.");
}

/// <summary>
/// The source-generated serializer of everything the Storage namespace writes as JSON: the stored values of
/// <see cref="StoredJson"/>, resource layouts, blocked change sets and watermarks. One context per namespace
/// that owns a JSON shape (decision 75).
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(AccountCategorization))]
[JsonSerializable(typeof(ProvisioningOrder))]
[JsonSerializable(typeof(OrderBody))]
[JsonSerializable(typeof(OwnerProvisioningState))]
[JsonSerializable(typeof(PropertySource))]
[JsonSerializable(typeof(JobRun))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(LayoutText))]
[JsonSerializable(typeof(ChangeSetDto))]
[JsonSerializable(typeof(SpoolHeaderDto))]
[JsonSerializable(typeof(ResourceDto[]))]
[JsonSerializable(typeof(string[][]))]
[JsonSerializable(typeof(IReadOnlyList<TableWatermark>))]
[JsonSerializable(typeof(TableWatermark[]))]
internal sealed partial class StoredJsonContext : JsonSerializerContext;
