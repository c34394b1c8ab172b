using FluentValidation;

namespace IdentitySync.Configuration;

internal static class ValidationRules
{
    public const string IdentifierRule = "use letters, digits and '_', not starting with a digit";

    public static bool IsIdentifier(string? text)
    {
        if (string.IsNullOrEmpty(text) || !(char.IsLetter(text[0]) || text[0] == '_'))
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!(char.IsLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A required identifier, unique (case-insensitive) among the items the lookup indexed.</summary>
    public static void MustBeUniqueIdentifier<T>(
        this IRuleBuilder<T, string?> rule,
        Func<ConfigurationIndex, IReadOnlyDictionary<string, T>> declared,
        string kind)
        where T : class =>
        rule.Custom((name, context) =>
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                context.AddFailure($"required; give the {kind} an identifier ({IdentifierRule})");
                return;
            }

            if (!IsIdentifier(name))
            {
                context.AddFailure($"'{name}' is not a valid identifier; {IdentifierRule}");
                return;
            }

            var first = declared(ConfigurationIndex.From(context)).GetValueOrDefault(name);
            if (first is not null && !ReferenceEquals(first, context.InstanceToValidate))
            {
                context.AddFailure($"duplicate {kind} name '{name}' (names are case-insensitive); each {kind} needs its own name");
            }
        });

    /// <summary>
    /// Checks the identifiers of a sibling list from its parent, which alone sees all of them:
    /// reports each at <c>{list}[name].{member}</c>.
    /// </summary>
    public static void CheckIdentifiers<TParent, TItem>(
        ValidationContext<TParent> context,
        IEnumerable<TItem> items,
        Func<TItem, string?> nameOf,
        string list,
        string member,
        string kind)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var index = 0;
        foreach (var item in items)
        {
            var name = nameOf(item);
            var path = list + Indexer(name, index++) + "." + member;
            if (string.IsNullOrWhiteSpace(name))
            {
                context.AddFailure(path, $"required; give the {kind} an identifier ({IdentifierRule})");
            }
            else if (!IsIdentifier(name))
            {
                context.AddFailure(path, $"'{name}' is not a valid identifier; {IdentifierRule}");
            }
            else if (!seen.Add(name))
            {
                context.AddFailure(path, $"duplicate {kind} name '{name}' (names are case-insensitive); each {kind} needs its own name");
            }
        }
    }

    public static void MustBeCount<T>(this IRuleBuilder<T, int> rule) =>
        rule.Custom((value, context) =>
        {
            if (value < 0)
            {
                context.AddFailure($"{value} is out of range; a count is 0 (off) or more");
            }
        });

    public static void MustBePercent<T>(this IRuleBuilder<T, double> rule) =>
        rule.Custom((value, context) =>
        {
            if (double.IsNaN(value) || value < 0 || value > 100)
            {
                context.AddFailure($"{value.ToString(System.Globalization.CultureInfo.InvariantCulture)} is out of range; a percentage is from 0 (off) to 100");
            }
        });

    public static TEnum? ParseEnum<TEnum>(string? text)
        where TEnum : struct, Enum =>
        text is not null && !text.Trim().All(char.IsDigit) && Enum.TryParse<TEnum>(text.Trim(), ignoreCase: true, out var value)
            ? value
            : null;

    /// <summary>An enum value set in code (options are enums), or null when it names no member (a cast number).</summary>
    public static TEnum? ParseEnum<TEnum>(TEnum? value)
        where TEnum : struct, Enum =>
        value is { } v && Enum.IsDefined(v) ? v : null;

    /// <summary>An enum value set in code, or null when it names no member.</summary>
    public static TEnum? ParseEnum<TEnum>(TEnum value)
        where TEnum : struct, Enum =>
        Enum.IsDefined(value) ? value : null;

    public static string Allowed<TEnum>()
        where TEnum : struct, Enum => string.Join(", ", Enum.GetNames<TEnum>());

    /// <summary>Names the n-th item of a list by its name, or by its position when it has none yet.</summary>
    public static string Indexer(string? name, int index) =>
        string.IsNullOrWhiteSpace(name) ? $"[#{index}]" : $"[{name}]";
}
