using System.Text.Json;
using System.Text.Json.Serialization;

namespace IdentitySync.Orders;

/// <summary>Writes order values as JSON strings, arrays of strings or null, and reads them back as <see cref="string"/> and <see cref="string"/>[].</summary>
internal sealed class OrderValuesJsonConverter : JsonConverter<IReadOnlyDictionary<string, object?>>
{
    public override IReadOnlyDictionary<string, object?> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("Order values are a JSON object.");
        }

        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString()!;
            reader.Read();
            values[name] = reader.TokenType switch
            {
                JsonTokenType.Null => null,
                JsonTokenType.String => reader.GetString(),
                JsonTokenType.StartArray => ReadArray(ref reader),
                _ => throw new JsonException($"Order value '{name}' is neither text, an array of texts nor null."),
            };
        }

        return values;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyDictionary<string, object?> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (name, item) in value)
        {
            writer.WritePropertyName(name);
            switch (item)
            {
                case null:
                    writer.WriteNullValue();
                    break;
                case string[] items:
                    writer.WriteStartArray();
                    foreach (var text in items)
                    {
                        writer.WriteStringValue(text);
                    }

                    writer.WriteEndArray();
                    break;
                default:
                    writer.WriteStringValue(Rules.Values.Text(item));
                    break;
            }
        }

        writer.WriteEndObject();
    }

    private static string[] ReadArray(ref Utf8JsonReader reader)
    {
        var items = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            items.Add(reader.GetString() ?? string.Empty);
        }

        return [.. items];
    }
}
