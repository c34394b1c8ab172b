using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace IdentitySync.Cli;

/// <summary>
/// The JSON Schema of the configuration file, generated from <see cref="ConfigurationFile"/> with
/// System.Text.Json's schema exporter: every section closed to unknown keys, choices as enums, and each
/// setting described by its XML documentation, so that an editor flags a mistake and explains a setting
/// as it is typed. The strict check at load (<see cref="Configuration.StrictConfiguration"/>) stays the
/// authority: keys there ignore case, and numbers may be written as text.
/// </summary>
internal static partial class ConfigurationSchema
{
    public static string Generate()
    {
        var options = new JsonSerializerOptions(JsonSerializerOptions.Default)
        {
            Converters = { new JsonStringEnumConverter() },
            NumberHandling = JsonNumberHandling.AllowReadingFromString,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { static t => RemoveCodeOnly(t) } },
        };
        var documentation = new Documentation();
        var schema = options.GetJsonSchemaAsNode(typeof(ConfigurationFile), new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = (context, node) => Transform(context, node, documentation),
        }).AsObject();

        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["title"] = "IdentitySync configuration file",
            ["description"] = "identitysync.json: the model under IdentitySync, the store, the exports' folder (docs/configuration.md).",
        };
        foreach (var (key, value) in schema.ToList())
        {
            schema.Remove(key);
            root[key] = value;
        }

        root["properties"]!.AsObject().Insert(0, "$schema", new JsonObject { ["type"] = "string", ["description"] = "This schema, for editors." });
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }

    /// <summary>Settings only code can give (rule expressions as objects) and read-only values are not in the file.</summary>
    private static void RemoveCodeOnly(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        for (var i = type.Properties.Count - 1; i >= 0; i--)
        {
            var property = type.Properties[i];
            var codeOnly = property.PropertyType.IsInterface && !typeof(System.Collections.IEnumerable).IsAssignableFrom(property.PropertyType);
            var readOnlyValue = property.Set is null && (property.PropertyType.IsValueType || property.PropertyType == typeof(string));
            if (codeOnly || readOnlyValue)
            {
                type.Properties.RemoveAt(i);
            }
        }
    }

    private static JsonNode Transform(JsonSchemaExporterContext context, JsonNode node, Documentation documentation)
    {
        if (node is not JsonObject schema)
        {
            return node;
        }

        switch (context.TypeInfo.Kind)
        {
            case JsonTypeInfoKind.Object:
                schema["additionalProperties"] = false;
                break;
            case JsonTypeInfoKind.Dictionary:
                // Connection settings: each package reads its own names; values are texts, numbers or booleans.
                schema["additionalProperties"] = new JsonObject { ["type"] = new JsonArray("string", "number", "boolean", "null") };
                break;
        }

        if (context.PropertyInfo?.AttributeProvider is PropertyInfo property && documentation.Summary(property) is { } summary)
        {
            schema.Insert(0, "description", summary);
        }

        return schema;
    }

    /// <summary>The XML documentation of the assemblies that declare the settings, read next to them when present.</summary>
    private sealed partial class Documentation
    {
        /// <summary>Property summaries start as .NET documents them; a schema reads better without it.</summary>
        private static readonly (string Prefix, string Replacement)[] s_prefixes =
        [
            ("Gets or sets a value indicating whether ", "whether "),
            ("Gets a value indicating whether ", "whether "),
            ("Gets or sets ", string.Empty),
            ("Gets ", string.Empty),
        ];

        private readonly Dictionary<Assembly, Dictionary<string, string>> _byAssembly = [];

        public string? Summary(PropertyInfo property)
        {
            var assembly = property.DeclaringType!.Assembly;
            if (!_byAssembly.TryGetValue(assembly, out var members))
            {
                _byAssembly[assembly] = members = Read(assembly);
            }

            return members.GetValueOrDefault($"P:{property.DeclaringType.FullName!.Replace('+', '.')}.{property.Name}");
        }

        private static Dictionary<string, string> Read(Assembly assembly)
        {
            var file = Path.ChangeExtension(assembly.Location, ".xml");
            if (string.IsNullOrEmpty(assembly.Location) || !File.Exists(file))
            {
                return [];
            }

            return XDocument.Load(file).Descendants("member")
                .Where(static m => m.Element("summary") is not null)
                .ToDictionary(static m => (string)m.Attribute("name")!, static m => Text(m.Element("summary")!), StringComparer.Ordinal);
        }

        /// <summary>A summary as plain text: a reference by its last name, code as written, spaces collapsed.</summary>
        private static string Text(XElement summary)
        {
            var text = string.Concat(summary.Nodes().Select(static n => n switch
            {
                XText t => t.Value,
                XElement { Name.LocalName: "see" or "seealso" } e => ((string?)e.Attribute("cref") ?? (string?)e.Attribute("langword") ?? string.Empty).Split('.', ':')[^1],
                XElement e => e.Value,
                _ => string.Empty,
            }));
            text = Spaces().Replace(text, " ").Trim();
            foreach (var (prefix, replacement) in s_prefixes)
            {
                if (text.StartsWith(prefix, StringComparison.Ordinal))
                {
                    text = replacement + text[prefix.Length..];
                    break;
                }
            }

            return text.Length > 0 ? char.ToUpperInvariant(text[0]) + text[1..] : text;
        }

        [GeneratedRegex(@"\s+")]
        private static partial Regex Spaces();
    }
}
