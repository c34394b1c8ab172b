namespace IdentitySync.Model;

/// <summary>The configuration syntax of <see cref="ValueFormat"/>, shared by validation and model building.</summary>
internal static class ValueFormatSyntax
{
    public const string PatternPrefix = "pattern:";
    public const string BoolPrefix = "bool:";

    private static readonly ScalarType[] s_allTypes = Enum.GetValues<ScalarType>();

    public static string Describe(ScalarType type) => type switch
    {
        ScalarType.DateTime => "(empty: ISO 8601), GeneralizedTime, FileTime, pattern:<.NET date pattern>",
        ScalarType.Bool => "(empty: true/false/1/0/yes/no), bool:<true word>|<false word>",
        ScalarType.String => "(empty: text as is), Sid, DistinguishedName",
        ScalarType.Guid => "(empty: standard GUID text), ObjectGuid",
        ScalarType.Binary => "(empty: base64), Hex",
        _ => "(empty: invariant number)",
    };

    public static IReadOnlyList<ScalarType> TypesOf(ValueFormatKind kind) => kind switch
    {
        ValueFormatKind.Default => s_allTypes,
        ValueFormatKind.DatePattern or ValueFormatKind.GeneralizedTime or ValueFormatKind.FileTime => [ScalarType.DateTime],
        ValueFormatKind.BoolWords => [ScalarType.Bool],
        ValueFormatKind.Sid or ValueFormatKind.DistinguishedName => [ScalarType.String],
        ValueFormatKind.ObjectGuid => [ScalarType.Guid],
        ValueFormatKind.Hex => [ScalarType.Binary],
        _ => [],
    };

    /// <summary>Parses configuration text; returns null with a reason when the text is no known format.</summary>
    public static ValueFormat? TryParse(string? text, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return ValueFormat.Default;
        }

        text = text.Trim();
        if (text.StartsWith(PatternPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var pattern = text[PatternPrefix.Length..];
            if (pattern.Length == 0)
            {
                error = "'pattern:' needs a .NET date pattern after the colon, for example pattern:dd/MM/yyyy";
                return null;
            }

            return new ValueFormat(ValueFormatKind.DatePattern, pattern);
        }

        if (text.StartsWith(BoolPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var words = text[BoolPrefix.Length..].Split('|');
            if (words.Length != 2 || words.Any(string.IsNullOrWhiteSpace)
                || string.Equals(words[0].Trim(), words[1].Trim(), StringComparison.OrdinalIgnoreCase))
            {
                error = $"'{text}' needs two different words separated by '|', for example bool:Y|N";
                return null;
            }

            return new ValueFormat(ValueFormatKind.BoolWords, words[0].Trim() + "|" + words[1].Trim());
        }

        foreach (var kind in (ReadOnlySpan<ValueFormatKind>)
                 [ValueFormatKind.GeneralizedTime, ValueFormatKind.FileTime, ValueFormatKind.Sid, ValueFormatKind.ObjectGuid, ValueFormatKind.Hex, ValueFormatKind.DistinguishedName])
        {
            if (string.Equals(text, kind.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                return new ValueFormat(kind);
            }
        }

        error = $"'{text}' is not a known format; formats are GeneralizedTime, FileTime, Sid, ObjectGuid, Hex, DistinguishedName, "
            + "pattern:<.NET date pattern> and bool:<true word>|<false word>";
        return null;
    }

    public static string Format(ValueFormat format) => format.Kind switch
    {
        ValueFormatKind.Default => string.Empty,
        ValueFormatKind.DatePattern => PatternPrefix + format.Argument,
        ValueFormatKind.BoolWords => BoolPrefix + format.Argument,
        _ => format.Kind.ToString(),
    };
}
