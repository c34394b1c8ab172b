using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace IdentitySync.Configuration;

/// <summary>
/// Checks configuration against the options type it binds to before it is bound, so that nothing is
/// ignored silently: every key must name a setting (else "unknown setting; did you mean …?"), and every
/// value must convert to its setting's type (else the path, the value and what is expected). The
/// configuration binder alone skips unknown keys and drops a list item whose value does not convert.
/// </summary>
public static class StrictConfiguration
{
    /// <summary>The key an editor's JSON Schema reference takes at the top of a file; always allowed there.</summary>
    public const string SchemaKey = "$schema";

    /// <summary>The settings that name a list item in a path, as the model's validation names them.</summary>
    private static readonly string[] s_itemNames = ["Name", "EntityType", "Association", "Property"];

    /// <summary>Checks a configuration section against the settings of <paramref name="type"/>.</summary>
    /// <param name="configuration">The section (or root) that binds to <paramref name="type"/>.</param>
    /// <param name="type">The options type: its public settable properties, and its get-only sections and lists.</param>
    /// <returns>
    /// One message per problem, each starting with the setting's path (<c>IdentitySync.Connectors[HR].Thresholds.Resources.MaxDeletedPercent</c>:
    /// list items are named by their <c>Name</c>, <c>EntityType</c>, <c>Association</c> or <c>Property</c> where they have one, else by position); empty when everything binds.
    /// </returns>
    public static IReadOnlyList<string> Check(IConfiguration configuration, Type type)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(type);
        var problems = new List<string>();
        var path = configuration is IConfigurationSection section ? section.Path.Replace(':', '.') : string.Empty;
        CheckSettings(configuration, type, path, problems, isRoot: configuration is IConfigurationRoot);
        return problems;
    }

    /// <summary>Checks a configuration section and binds it to a new <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The options type.</typeparam>
    /// <param name="configuration">The section that binds to <typeparamref name="T"/>.</param>
    /// <returns>The bound options.</returns>
    /// <exception cref="IdentityModelValidationException">A key names no setting or a value does not convert; <see cref="IdentityModelValidationException.Errors"/> lists every problem.</exception>
    public static T Bind<T>(IConfiguration configuration)
        where T : new()
    {
        var problems = Check(configuration, typeof(T));
        if (problems.Count > 0)
        {
            throw new IdentityModelValidationException(problems);
        }

        var options = new T();
        configuration.Bind(options);
        return options;
    }

    /// <summary>The known name closest to a misspelled one, for "did you mean" messages; null when none is close.</summary>
    /// <param name="name">The name as written.</param>
    /// <param name="known">The names it could have meant.</param>
    /// <returns>The closest known name within a few edits (ignoring case), else the shortest one that starts with it, or null.</returns>
    public static string? ClosestName(string name, IEnumerable<string> known)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(known);
        var limit = Math.Max(1, name.Length / 3);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in known)
        {
            var distance = Distance(name.ToUpperInvariant(), candidate.ToUpperInvariant());
            if (distance <= limit && distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        // An abbreviation (BaseDir for BaseDirectory) is further than a few edits: the shortest name it starts.
        return best ?? (name.Length >= 4
            ? known.Where(k => k.StartsWith(name, StringComparison.OrdinalIgnoreCase)).OrderBy(static k => k.Length).FirstOrDefault()
            : null);
    }

    /// <summary>What to say of a name that matches nothing: "did you mean X?" for the closest known name, else <paramref name="otherwise"/>.</summary>
    /// <param name="name">The name as written.</param>
    /// <param name="known">The names it could have meant.</param>
    /// <param name="otherwise">What to say when no known name is close, such as the list of them.</param>
    /// <returns><c>did you mean X?</c>, or <paramref name="otherwise"/>.</returns>
    public static string Suggest(string name, IEnumerable<string> known, string otherwise) =>
        ClosestName(name, known) is { } closest ? $"did you mean {closest}?" : otherwise;

    /// <summary>The message for a key that names no setting: the closest known one, else the list of them.</summary>
    private static string UnknownSetting(string path, string name, IReadOnlyCollection<string> known) =>
        $"{path}: unknown setting; {Suggest(name, known, known.Count == 0 ? "nothing is set here" : $"the settings here are {string.Join(", ", known)}")}";

    private static void CheckSettings(IConfiguration configuration, Type type, string path, List<string> problems, bool isRoot = false)
    {
        var settings = Settings(type);
        foreach (var child in configuration.GetChildren())
        {
            var childPath = Join(path, child.Key);
            if (isRoot && string.Equals(child.Key, SchemaKey, StringComparison.Ordinal))
            {
                continue;
            }

            if (!settings.TryGetValue(child.Key, out var property))
            {
                problems.Add(UnknownSetting(childPath, child.Key, [.. settings.Values.Select(static p => p.Name)]));
                continue;
            }

            CheckValue(child, property.PropertyType, childPath, problems);
        }
    }

    private static void CheckValue(IConfigurationSection section, Type type, string path, List<string> problems)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        var hasChildren = section.GetChildren().Any();
        var value = section.Value;
        if (IsScalar(type))
        {
            if (hasChildren)
            {
                problems.Add($"{path}: expected {Describe(type)}, not a section or a list");
            }
            else if (!string.IsNullOrEmpty(value) && !Converts(value, type))
            {
                problems.Add($"{path}: '{value}' is not {Describe(type)}");
            }

            return;
        }

        if (type.IsInterface && DictionaryValueType(type) is null && ElementType(type) is null)
        {
            problems.Add($"{path}: set in code only (an {type.Name}), not in configuration");
            return;
        }

        if (!string.IsNullOrEmpty(value))
        {
            // A value where a section or list is expected (or beside one, from another configuration source): the binder ignores it.
            problems.Add($"{path}: '{value}' is a single value; expected {Shape(type)}");
            return;
        }

        if (DictionaryValueType(type) is { } valueType)
        {
            foreach (var child in section.GetChildren())
            {
                CheckValue(child, valueType, Join(path, child.Key), problems);
            }
        }
        else if (ElementType(type) is { } elementType)
        {
            foreach (var child in section.GetChildren())
            {
                if (!int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    problems.Add($"{Join(path, child.Key)}: expected {Shape(type)}, not a section with named settings");
                    return;
                }

                var name = s_itemNames.Select(k => child[k]).FirstOrDefault(static n => !string.IsNullOrEmpty(n));
                CheckValue(child, elementType, $"{path}[{(string.IsNullOrEmpty(name) ? child.Key : name)}]", problems);
            }
        }
        else
        {
            CheckSettings(section, type, path, problems);
        }
    }

    /// <summary>What binds: public properties with a public setter, and get-only sections and lists the binder fills in place.</summary>
    private static Dictionary<string, PropertyInfo> Settings(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(static p => p.GetIndexParameters().Length == 0 && (p.SetMethod?.IsPublic == true || !IsScalar(Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType)))
            .ToDictionary(static p => p.Name, StringComparer.OrdinalIgnoreCase);

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
        || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(Guid) || type == typeof(Uri);

    private static bool Converts(string value, Type type)
    {
        if (type.IsEnum)
        {
            // Names only: the binder would also take any number, which names no member.
            return value.TrimStart('-') is [var first, ..] && !char.IsAsciiDigit(first) && Enum.TryParse(type, value, ignoreCase: true, out _);
        }

        try
        {
            // The converter the configuration binder uses, so what passes here binds.
            TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value);
            return true;
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException or NotSupportedException or OverflowException or InvalidOperationException)
        {
            return false;
        }
    }

    private static string Describe(Type type) => type switch
    {
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte) || type == typeof(uint) || type == typeof(ulong) => "a whole number",
        _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "a number (such as 5 or 2.5, without a unit or %)",
        _ when type == typeof(TimeSpan) => "a duration such as 00:30:00 (hours:minutes:seconds) or 2.00:00:00 (days.hours:minutes:seconds)",
        _ when type == typeof(DateTime) || type == typeof(DateTimeOffset) => "a date such as 2026-12-31 or 2026-12-31T08:00:00Z",
        _ when type == typeof(Guid) => "a GUID",
        _ when type == typeof(Uri) => "a URI",
        _ when type.IsEnum => $"one of {string.Join(", ", Enum.GetNames(type))}",
        _ => "a text",
    };

    private static string Shape(Type type) =>
        DictionaryValueType(type) is not null ? "a section of name: value settings"
        : ElementType(type) is not null ? "a list [ … ]"
        : "a section { … }";

    private static Type? DictionaryValueType(Type type) =>
        Generic(type, typeof(IDictionary<,>)) is { } dictionary && dictionary.GetGenericArguments()[0] == typeof(string)
            ? dictionary.GetGenericArguments()[1]
            : null;

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type == typeof(string) ? null
        : Generic(type, typeof(ICollection<>))?.GetGenericArguments()[0];

    private static Type? Generic(Type type, Type definition) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == definition
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == definition);

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    /// <summary>The optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours.</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
