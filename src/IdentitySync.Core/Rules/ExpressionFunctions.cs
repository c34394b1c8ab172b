using System.Text.RegularExpressions;

namespace IdentitySync.Rules;

/// <summary>The functions of the expression language, each compiled from its arguments' delegates.</summary>
internal static class ExpressionFunctions
{
    private static readonly ExpressionFunction[] s_functions =
    [
        Transform("lower", "lower(value): lower case", static s => s.ToLowerInvariant()),
        Transform("upper", "upper(value): upper case", static s => s.ToUpperInvariant()),
        Transform("trim", "trim(value): without leading and trailing spaces", static s => s.Trim()),
        Transform("removeDiacritics", "removeDiacritics(value): é → e, ø → ø", Values.RemoveDiacritics),
        Transform("simplify", "simplify(value): lower case, no diacritics, letters and digits only", Values.Simplify),
        Transform("dnEscape", "dnEscape(value): escaped for a distinguished name (RFC 4514): Smith, Jr. → Smith\\, Jr.", Internal.DistinguishedNames.EscapeValue),
        new("substring", 2, 3, static _ => ExpressionKind.Value, ExpressionKind.Value, "substring(value, start, length): from a 0-based start", static (a, _) => c =>
        {
            var start = Math.Max(0, Convert.ToInt32(a[1](c), System.Globalization.CultureInfo.InvariantCulture));
            var length = a.Length > 2 ? Math.Max(0, Convert.ToInt32(a[2](c), System.Globalization.CultureInfo.InvariantCulture)) : int.MaxValue;
            // As Values.Map, without a delegate per evaluation for the common single value.
            return a[0](c) switch
            {
                null => null,
                object[] items => SubstringOfEach(items, start, length),
                var value => Substring(Values.Text(value), start, length),
            };
        }),
        new("template", 1, 1, static _ => ExpressionKind.Value, ExpressionKind.Value, "template('{Owner.FirstName}.{Owner.LastName}')", static (_, literal) =>
        {
            // The parser checked the template when it read the literal.
            var parts = TemplateSyntax.Parse(literal(0)).Parts!;
            return c =>
            {
                // One array per evaluation (an owner's every templated value), no iterator or closure.
                var texts = new string[parts.Count];
                for (var i = 0; i < texts.Length; i++)
                {
                    var part = parts[i];
                    texts[i] = part.Root is null ? part.Text : Values.Text(c.GetValue(part.Root, part.Path!));
                }

                return string.Concat(texts);
            };
        }),
        new("coalesce", 2, int.MaxValue, static _ => ExpressionKind.Value, ExpressionKind.Value, "coalesce(value, fallback, ...): the first that is not empty", static (a, _) => c =>
        {
            foreach (var argument in a)
            {
                var value = argument(c);
                if (Values.Items(value).Any(static i => Values.Text(i).Length > 0))
                {
                    return value;
                }
            }

            return null;
        }),
        Compare("equals", "equals(value, other): the same text", static (l, r) => string.Equals(l, r, StringComparison.Ordinal)),
        Compare("startsWith", "startsWith(value, prefix)", static (l, r) => l.StartsWith(r, StringComparison.Ordinal)),
        Compare("endsWith", "endsWith(value, suffix)", static (l, r) => l.EndsWith(r, StringComparison.Ordinal)),
        Compare("contains", "contains(value, part)", static (l, r) => l.Contains(r, StringComparison.Ordinal)),
        new("matches", 2, 2, static _ => ExpressionKind.Value, ExpressionKind.Predicate, "matches(value, 'regular expression')", static (a, literal) =>
        {
            var regex = new Regex(literal(1), RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(200));
            return c => Values.Items(a[0](c)).Any(i => regex.IsMatch(Values.Text(i)));
        }),
        new("in", 2, int.MaxValue, static _ => ExpressionKind.Value, ExpressionKind.Predicate, "in(value, 'a', 'b', ...): equal to one of them", static (a, _) => c =>
        {
            var value = a[0](c);
            return a.Skip(1).Any(other => Values.Any(value, other(c), static (l, r) => string.Equals(l, r, StringComparison.Ordinal)));
        }),
        new("hasFlag", 2, 2, static _ => ExpressionKind.Value, ExpressionKind.Predicate, "hasFlag(value, flag): the whole number has every bit of flag set (hasFlag(Account.UserAccountControl, 2): disabled)", static (a, _) => c =>
        {
            var flags = Values.Items(a[1](c)).Select(static f => WholeNumber(f)).FirstOrDefault();
            return flags is > 0 and var flag && Values.Items(a[0](c)).Any(i => WholeNumber(i) is { } number && (number & flag) == flag);
        }),
        new("isEmpty", 1, 1, static _ => ExpressionKind.Value, ExpressionKind.Predicate, "isEmpty(value): no value, or only empty text", static (a, _) => c =>
            Values.Items(a[0](c)).All(static i => Values.Text(i).Length == 0)),
        new("not", 1, 1, static _ => ExpressionKind.Predicate, ExpressionKind.Predicate, "not(condition)", static (a, _) => c => !(bool)a[0](c)!),
        new("and", 2, int.MaxValue, static _ => ExpressionKind.Predicate, ExpressionKind.Predicate, "and(condition, condition, ...)", static (a, _) => c => a.All(p => (bool)p(c)!)),
        new("or", 2, int.MaxValue, static _ => ExpressionKind.Predicate, ExpressionKind.Predicate, "or(condition, condition, ...)", static (a, _) => c => a.Any(p => (bool)p(c)!)),
    ];

    public static IEnumerable<string> Names => s_functions.Select(static f => f.Name);

    public static ExpressionFunction? Find(string name) =>
        s_functions.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>A value read as a whole number (a number, or its invariant text as AD's userAccountControl arrives), else null.</summary>
    private static long? WholeNumber(object value) => value switch
    {
        long l => l,
        int i => i,
        _ => long.TryParse(Values.Text(value), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var number) ? number : null,
    };

    private static string Substring(string text, int start, int length) =>
        start >= text.Length ? string.Empty : text.Substring(start, Math.Min(length, text.Length - start));

    // Apart from the evaluation: a lambda there would allocate its closure of start and length on every call.
    private static object? SubstringOfEach(object[] items, int start, int length) =>
        Values.Map(items, s => Substring(s, start, length));

    private static ExpressionFunction Transform(string name, string usage, Func<string, string> transform) =>
        new(name, 1, 1, static _ => ExpressionKind.Value, ExpressionKind.Value, usage, (a, _) => c => Values.Map(a[0](c), transform));

    private static ExpressionFunction Compare(string name, string usage, Func<string, string, bool> test) =>
        new(name, 2, 2, static _ => ExpressionKind.Value, ExpressionKind.Predicate, usage, (a, _) => c => Values.Any(a[0](c), a[1](c), test));
}

/// <summary>A function of the expression language.</summary>
internal sealed record ExpressionFunction(
    string Name,
    int MinArguments,
    int MaxArguments,
    Func<int, ExpressionKind> ArgumentKind,
    ExpressionKind Returns,
    string Usage,
    Func<Func<IExpressionContext, object?>[], Func<int, string>, Func<IExpressionContext, object?>> Compile);
