using System.Diagnostics.CodeAnalysis;
using IdentitySync.Internal;

namespace IdentitySync.Model;

/// <summary>
/// LDAP distinguished names as RFC 4514 writes them: escaping a value for a DN, reading a DN into its
/// relative names, and comparing DNs as a directory does (attribute types and values without case,
/// equivalent escapes equal, insignificant spaces ignored). The expression language's <c>dnEscape</c>, the
/// <see cref="ValueFormatKind.DistinguishedName"/> format and <see cref="ComparisonType.DistinguishedName"/> use it.
/// </summary>
public static class DistinguishedName
{
    /// <summary>
    /// Escapes a text for use as an attribute value in a DN (RFC 4514 section 2.4): <c>" + , ; &lt; &gt; \</c>
    /// anywhere, <c>#</c> or a space at the start, a space at the end, and NUL. Other characters, non-ASCII
    /// letters included, are kept as they are.
    /// </summary>
    /// <param name="value">The value, such as <c>Smith, Jr.</c>.</param>
    /// <returns>The escaped value, such as <c>Smith\, Jr.</c>.</returns>
    public static string EscapeValue(string value) =>
        DistinguishedNames.EscapeValue(value);

    /// <summary>Tells whether two DNs name the same entry as a directory compares them; texts that are not DNs compare exactly.</summary>
    /// <param name="left">A DN.</param>
    /// <param name="right">Another DN.</param>
    /// <returns><see langword="true"/> when they are equal.</returns>
    public static bool AreEqual(string left, string right) =>
        DistinguishedNames.AreEqual(left, right);

    /// <summary>Reads a DN into its relative names, most specific first, each a list of type and (unescaped) value pairs.</summary>
    /// <param name="text">The DN, such as <c>CN=Smith\, Jr.,OU=Users,DC=example,DC=org</c>; spaces around separators are tolerated.</param>
    /// <param name="names">The relative names; empty for the empty DN (the root).</param>
    /// <param name="error">What is wrong with the text, when it is not a DN.</param>
    /// <returns><see langword="true"/> when the text is a DN.</returns>
    public static bool TryParse(string text, [NotNullWhen(true)] out IReadOnlyList<IReadOnlyList<KeyValuePair<string, string>>>? names, [NotNullWhen(false)] out string? error) =>
        DistinguishedNames.TryParse(text, out names, out error);

    /// <summary>
    /// Returns a DN in the form directories compare: attribute types and values in lower case, values
    /// escaped one way (RFC 4514's minimal escapes), insignificant spaces removed (around separators, and
    /// runs of spaces inside a value), the values of a multi-valued relative name in order.
    /// </summary>
    /// <param name="text">The DN.</param>
    /// <param name="normalized">The normalized DN.</param>
    /// <returns><see langword="false"/> when the text is not a DN.</returns>
    public static bool TryNormalize(string text, [NotNullWhen(true)] out string? normalized) =>
        DistinguishedNames.TryNormalize(text, out normalized);

    /// <summary>
    /// Returns a DN in one spelling that keeps its values' case: attribute types in lower case, values escaped
    /// the minimal way (<c>\2C</c> and <c>\,</c> both become <c>\,</c>), no spaces around separators. Two
    /// spellings of one DN become equal, or equal ignoring case.
    /// </summary>
    /// <param name="text">The DN.</param>
    /// <param name="canonical">The DN in that spelling.</param>
    /// <returns><see langword="false"/> when the text is not a DN.</returns>
    public static bool TryCanonicalize(string text, [NotNullWhen(true)] out string? canonical) =>
        DistinguishedNames.TryCanonicalize(text, out canonical);

    /// <summary>Splits a DN into its first relative name (as written) and its parent.</summary>
    /// <param name="text">The DN.</param>
    /// <param name="relativeName">The first relative name, such as <c>CN=Smith\, Jr.</c>.</param>
    /// <param name="parent">The rest, such as <c>OU=Users,DC=example,DC=org</c>; empty for a top-level name.</param>
    /// <returns><see langword="false"/> when the text is not a DN or is empty.</returns>
    public static bool TrySplit(string text, [NotNullWhen(true)] out string? relativeName, [NotNullWhen(true)] out string? parent) =>
        DistinguishedNames.TrySplit(text, out relativeName, out parent);
}
