using System.Globalization;
using System.Text;

namespace IdentitySync.Rules;

/// <summary>How the expression language treats values: text forms, empties, and multi-valued lifting.</summary>
internal static class Values
{
    /// <summary>
    /// Adds the texts of a value's items (<see cref="Items"/> as <see cref="Text"/>), empty ones left out, to a list: no
    /// iterator, as rules read a value for each of a million owners and accounts.
    /// </summary>
    public static void AddTexts(object? value, List<string> into)
    {
        if (value is object[] items)
        {
            foreach (var item in items)
            {
                if (item is not null)
                {
                    AddText(item, into);
                }
            }
        }
        else if (value is not null)
        {
            AddText(value, into);
        }
    }

    private static void AddText(object item, List<string> into)
    {
        var text = Text(item);
        if (text.Length > 0)
        {
            into.Add(text);
        }
    }

    /// <summary>The items of a value: none for null, each item of a multi-valued one, else the value itself.</summary>
    public static IEnumerable<object> Items(object? value) => value switch
    {
        null => [],
        object[] items => items.Where(static i => i is not null),
        _ => [value],
    };

    public static string Text(object? value) => value switch
    {
        null => string.Empty,
        string s => s,
        bool b => b ? "true" : "false",
        DateTime d => d.ToString(d.TimeOfDay == TimeSpan.Zero ? "yyyy-MM-dd" : "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        object[] items => items.Length == 0 ? string.Empty : Text(items[0]),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    /// <summary>Applies a text transformation to a value, item by item for multi-valued ones.</summary>
    public static object? Map(object? value, Func<string, string> transform) => value switch
    {
        null => null,
        object[] items => items.Where(static i => i is not null).Select(i => (object)transform(Text(i))).ToArray(),
        _ => transform(Text(value)),
    };

    /// <summary>Joins two values as text; a multi-valued side gives one result per item.</summary>
    public static object? Concat(object? left, object? right) =>
        left is object[] || right is object[] ? ConcatItems(left, right) : Text(left) + Text(right);

    /// <summary>Concat with a multi-valued side; apart, so that two scalars allocate no closure (see RuleValues.SameSets).</summary>
    private static object[] ConcatItems(object? left, object? right) =>
        left is object[] leftItems
            ? leftItems.Select(l => Concat(l, right)).SelectMany(static r => r is object[] a ? a : [r!]).ToArray()
            : ((object[])right!).Select(r => (object)(Text(left) + Text(r))).ToArray();

    /// <summary>True when some item of one side and some item of the other satisfy the test.</summary>
    public static bool Any(object? left, object? right, Func<string, string, bool> test)
    {
        var rights = Items(right).Select(Text).ToList();
        return Items(left).Select(Text).Any(l => rights.Any(r => test(l, r)));
    }

    public static string RemoveDiacritics(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var kept = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                kept.Append(c);
            }
        }

        return kept.ToString().Normalize(NormalizationForm.FormC);
    }

    /// <summary>Lower case, no diacritics, letters and digits only: "Zoë O'Brien-Smith" → "zoeobriensmith".</summary>
    public static string Simplify(string text) =>
        new([.. RemoveDiacritics(text).ToLowerInvariant().Where(char.IsLetterOrDigit)]);
}
