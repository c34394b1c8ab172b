namespace IdentitySync.Model;

/// <summary>A property mapping's format: how the text of its column is parsed into a typed value.</summary>
public sealed record ValueFormat
{
    internal ValueFormat(ValueFormatKind kind, string? argument = null)
    {
        Kind = kind;
        Argument = argument;
    }

    /// <summary>Gets the type's default format.</summary>
    public static ValueFormat Default { get; } = new(ValueFormatKind.Default);

    /// <summary>Gets the LDAP GeneralizedTime format for DateTime properties.</summary>
    public static ValueFormat GeneralizedTime { get; } = new(ValueFormatKind.GeneralizedTime);

    /// <summary>Gets the Windows FILETIME format for DateTime properties.</summary>
    public static ValueFormat FileTime { get; } = new(ValueFormatKind.FileTime);

    /// <summary>Gets the binary security identifier format for String properties.</summary>
    public static ValueFormat Sid { get; } = new(ValueFormatKind.Sid);

    /// <summary>Gets the Active Directory objectGUID format for Guid properties.</summary>
    public static ValueFormat ObjectGuid { get; } = new(ValueFormatKind.ObjectGuid);

    /// <summary>Gets the hexadecimal format for Binary properties.</summary>
    public static ValueFormat Hex { get; } = new(ValueFormatKind.Hex);

    /// <summary>Gets the LDAP distinguished-name format (<see cref="ValueFormatKind.DistinguishedName"/>).</summary>
    public static ValueFormat DistinguishedName { get; } = new(ValueFormatKind.DistinguishedName);

    /// <summary>Gets the kind of format.</summary>
    public ValueFormatKind Kind { get; }

    /// <summary>Gets the pattern of <see cref="ValueFormatKind.DatePattern"/> or the <c>true|false</c> words of <see cref="ValueFormatKind.BoolWords"/>.</summary>
    public string? Argument { get; }

    /// <summary>Gets the scalar types this format can produce.</summary>
    public IReadOnlyList<ScalarType> AppliesTo => ValueFormatSyntax.TypesOf(Kind);

    /// <summary>Creates a custom date format for DateTime properties.</summary>
    /// <param name="pattern">A .NET date pattern such as <c>dd/MM/yyyy</c>.</param>
    /// <returns>The format.</returns>
    public static ValueFormat DatePattern(string pattern) => Parse(ValueFormatSyntax.PatternPrefix + pattern);

    /// <summary>Creates a custom boolean format for Bool properties.</summary>
    /// <param name="trueWord">The text that means true, such as <c>Y</c>.</param>
    /// <param name="falseWord">The text that means false, such as <c>N</c>.</param>
    /// <returns>The format.</returns>
    public static ValueFormat BoolWords(string trueWord, string falseWord) =>
        Parse(ValueFormatSyntax.BoolPrefix + trueWord + "|" + falseWord);

    /// <summary>Parses a format written as in configuration, such as <c>GeneralizedTime</c> or <c>pattern:dd/MM/yyyy</c>.</summary>
    /// <param name="text">The configuration text; empty or <see langword="null"/> for the default.</param>
    /// <returns>The format.</returns>
    /// <exception cref="FormatException">The text is no known format; the message lists the formats.</exception>
    public static ValueFormat Parse(string? text) =>
        ValueFormatSyntax.TryParse(text, out var error) ?? throw new FormatException(error);

    /// <summary>Returns the format as it is written in configuration, for example <c>pattern:dd/MM/yyyy</c>.</summary>
    /// <returns>The configuration text; empty for the default format.</returns>
    public override string ToString() => ValueFormatSyntax.Format(this);
}
