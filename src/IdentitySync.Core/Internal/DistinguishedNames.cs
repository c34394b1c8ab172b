using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace IdentitySync.Internal;

/// <summary>
/// The implementation of <c>IdentitySync.Model.DistinguishedName</c>, here so that the expression language
/// (which the model depends on) can escape DN values too. LDAP distinguished names as RFC 4514 writes them: escaping a value for a DN, reading a DN into its
/// relative names, and comparing DNs as a directory does (attribute types and values without case,
/// equivalent escapes equal, insignificant spaces ignored).
/// </summary>
internal static class DistinguishedNames
{
    private const string Specials = "\"+,;<>\\";

    /// <summary>
    /// Escapes a text for use as an attribute value in a DN (RFC 4514 section 2.4): <c>" + , ; &lt; &gt; \</c>
    /// anywhere, <c>#</c> or a space at the start, a space at the end, and NUL. Other characters, non-ASCII
    /// letters included, are kept as they are.
    /// </summary>
    /// <param name="value">The value, such as <c>Smith, Jr.</c>.</param>
    /// <returns>The escaped value, such as <c>Smith\, Jr.</c>.</returns>
    public static string EscapeValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var escaped = new StringBuilder(value.Length + 8);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\0')
            {
                escaped.Append("\\00");
            }
            else if (Specials.Contains(c, StringComparison.Ordinal)
                || (i == 0 && c is '#' or ' ')
                || (i == value.Length - 1 && c == ' '))
            {
                escaped.Append('\\').Append(c);
            }
            else
            {
                escaped.Append(c);
            }
        }

        return escaped.ToString();
    }

    /// <summary>Reads a DN into its relative names, most specific first, each a list of type and (unescaped) value pairs.</summary>
    /// <param name="text">The DN, such as <c>CN=Smith\, Jr.,OU=Users,DC=example,DC=org</c>; spaces around separators are tolerated.</param>
    /// <param name="names">The relative names; empty for the empty DN (the root).</param>
    /// <param name="error">What is wrong with the text, when it is not a DN.</param>
    /// <returns><see langword="true"/> when the text is a DN.</returns>
    public static bool TryParse(string text, [NotNullWhen(true)] out IReadOnlyList<IReadOnlyList<KeyValuePair<string, string>>>? names, [NotNullWhen(false)] out string? error)
    {
        names = null;
        if (!TryRead(text, out var parts, out error))
        {
            return false;
        }

        names = [.. parts.Select(static name => (IReadOnlyList<KeyValuePair<string, string>>)[.. name.Select(static p => KeyValuePair.Create(p.Type, p.Value))])];
        return true;
    }

    private static bool TryRead(string text, [NotNullWhen(true)] out List<List<(string Type, string Value, bool Ber)>>? names, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new List<List<(string Type, string Value, bool Ber)>>();
        names = null;
        var position = 0;
        SkipSpaces(text, ref position);
        if (position == text.Length)
        {
            names = result;
            error = null;
            return true;
        }

        var current = new List<(string Type, string Value, bool Ber)>();
        while (true)
        {
            SkipSpaces(text, ref position);
            var typeStart = position;
            while (position < text.Length && (char.IsAsciiLetterOrDigit(text[position]) || text[position] is '-' or '.' or ';'))
            {
                position++;
            }

            var type = text[typeStart..position];
            SkipSpaces(text, ref position);
            if (type.Length == 0 || position == text.Length || text[position] != '=')
            {
                error = string.Create(CultureInfo.InvariantCulture, $"'{text}' is not a distinguished name: an attribute type and '=' expected at character {position + 1}");
                return false;
            }

            position++;
            SkipSpaces(text, ref position);
            var ber = position < text.Length && text[position] == '#';
            if (!TryReadValue(text, ref position, out var value, out error))
            {
                return false;
            }

            current.Add((type, value, ber));
            if (position == text.Length)
            {
                result.Add(current);
                names = result;
                return true;
            }

            var separator = text[position++];
            if (separator is ',' or ';')
            {
                result.Add(current);
                current = [];
            }
            else if (separator != '+')
            {
                error = string.Create(CultureInfo.InvariantCulture, $"'{text}' is not a distinguished name: ',' or '+' expected at character {position}");
                return false;
            }
        }
    }

    /// <summary>
    /// Returns a DN in the form directories compare: attribute types and values in lower case, values
    /// escaped one way (RFC 4514's minimal escapes), insignificant spaces removed (around separators, and
    /// runs of spaces inside a value), the values of a multi-valued relative name in order.
    /// </summary>
    /// <param name="text">The DN.</param>
    /// <param name="normalized">The normalized DN.</param>
    /// <returns><see langword="false"/> when the text is not a DN.</returns>
    public static bool TryNormalize(string text, [NotNullWhen(true)] out string? normalized)
    {
        normalized = null;
        if (!TryRead(text, out var names, out _))
        {
            return false;
        }

        var builder = new StringBuilder(text.Length);
        foreach (var name in names)
        {
            if (builder.Length > 0)
            {
                builder.Append(',');
            }

            var parts = name
                .Select(static p => (Type: p.Type.ToLowerInvariant(), Value: p.Ber ? p.Value.ToLowerInvariant() : EscapeValue(NormalizeValue(p.Value))))
                .OrderBy(static p => p.Type, StringComparer.Ordinal)
                .ThenBy(static p => p.Value, StringComparer.Ordinal);
            var first = true;
            foreach (var (type, value) in parts)
            {
                builder.Append(first ? string.Empty : "+").Append(type).Append('=').Append(value);
                first = false;
            }
        }

        normalized = builder.ToString();
        return true;
    }

    /// <summary>
    /// Returns a DN in one spelling that keeps its values' case: attribute types in lower case, values escaped
    /// the minimal way (<c>\2C</c> and <c>\,</c> both become <c>\,</c>), no spaces around separators. Two
    /// spellings of one DN become equal, or equal ignoring case.
    /// </summary>
    /// <param name="text">The DN.</param>
    /// <param name="canonical">The DN in that spelling.</param>
    /// <returns><see langword="false"/> when the text is not a DN.</returns>
    public static bool TryCanonicalize(string text, [NotNullWhen(true)] out string? canonical)
    {
        canonical = null;
        if (!TryRead(text, out var names, out _))
        {
            return false;
        }

        canonical = string.Join(',', names.Select(static name => string.Join('+', name.Select(static p =>
            p.Type.ToLowerInvariant() + "=" + (p.Ber ? p.Value.ToLowerInvariant() : EscapeValue(p.Value))))));
        return true;
    }

    /// <summary>Tells whether two DNs name the same entry as a directory compares them; texts that are not DNs compare exactly.</summary>
    /// <param name="left">A DN.</param>
    /// <param name="right">Another DN.</param>
    /// <returns><see langword="true"/> when they are equal.</returns>
    public static bool AreEqual(string left, string right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return string.Equals(left, right, StringComparison.Ordinal)
            || (TryNormalize(left, out var l) && TryNormalize(right, out var r) && string.Equals(l, r, StringComparison.Ordinal));
    }

    /// <summary>Splits a DN into its first relative name (as written) and its parent.</summary>
    /// <param name="text">The DN.</param>
    /// <param name="relativeName">The first relative name, such as <c>CN=Smith\, Jr.</c>.</param>
    /// <param name="parent">The rest, such as <c>OU=Users,DC=example,DC=org</c>; empty for a top-level name.</param>
    /// <returns><see langword="false"/> when the text is not a DN or is empty.</returns>
    public static bool TrySplit(string text, [NotNullWhen(true)] out string? relativeName, [NotNullWhen(true)] out string? parent)
    {
        ArgumentNullException.ThrowIfNull(text);
        relativeName = parent = null;
        if (!TryRead(text, out var names, out _) || names.Count == 0)
        {
            return false;
        }

        // The first unescaped ',' or ';' outside a quoted value ends the first relative name.
        var escaped = false;
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (escaped)
            {
                escaped = false;
            }
            else if (c == '\\')
            {
                escaped = true;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && c is ',' or ';')
            {
                relativeName = text[..i].Trim();
                parent = text[(i + 1)..].Trim();
                return true;
            }
        }

        relativeName = text.Trim();
        parent = string.Empty;
        return true;
    }

    private static string NormalizeValue(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value.Trim())
        {
            if (c != ' ' || (builder.Length > 0 && builder[^1] != ' '))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString();
    }

    private static bool TryReadValue(string text, ref int position, out string value, [NotNullWhen(false)] out string? error)
    {
        value = string.Empty;
        error = null;
        if (position < text.Length && text[position] == '#')
        {
            // A BER-encoded value: '#' and hex digits, kept as written.
            var start = position++;
            while (position < text.Length && char.IsAsciiHexDigit(text[position]))
            {
                position++;
            }

            value = text[start..position];
            SkipSpaces(text, ref position);
            return true;
        }

        var bytes = new List<byte>();
        var quoted = position < text.Length && text[position] == '"';
        if (quoted)
        {
            position++;
        }

        var trailingSpaces = 0;
        Span<byte> utf8 = stackalloc byte[4];
        while (position < text.Length)
        {
            var c = text[position];
            if (quoted ? c == '"' : c is ',' or ';' or '+')
            {
                break;
            }

            if (c == '\\')
            {
                if (position + 2 < text.Length && char.IsAsciiHexDigit(text[position + 1]) && char.IsAsciiHexDigit(text[position + 2]))
                {
                    bytes.Add(byte.Parse(text.AsSpan(position + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    position += 3;
                }
                else if (position + 1 < text.Length && (Specials.Contains(text[position + 1], StringComparison.Ordinal) || text[position + 1] is ' ' or '#' or '='))
                {
                    bytes.Add((byte)text[position + 1]);
                    position += 2;
                }
                else
                {
                    error = string.Create(CultureInfo.InvariantCulture, $"'{text}' is not a distinguished name: '\\' at character {position + 1} escapes nothing (write \\\\ for a backslash)");
                    return false;
                }

                trailingSpaces = 0;
                continue;
            }

            var length = char.IsHighSurrogate(c) && position + 1 < text.Length
                ? Encoding.UTF8.GetBytes(text.AsSpan(position, 2), utf8)
                : Encoding.UTF8.GetBytes(text.AsSpan(position, 1), utf8);
            for (var i = 0; i < length; i++)
            {
                bytes.Add(utf8[i]);
            }

            trailingSpaces = c == ' ' && !quoted ? trailingSpaces + 1 : 0;
            position += char.IsHighSurrogate(c) && position + 1 < text.Length ? 2 : 1;
        }

        if (quoted)
        {
            if (position == text.Length)
            {
                error = $"'{text}' is not a distinguished name: a quoted value does not end";
                return false;
            }

            position++;
            trailingSpaces = 0;
        }

        // Unescaped spaces before a separator are not part of the value.
        var decoded = new UTF8Encoding(false, true);
        try
        {
            value = decoded.GetString(bytes.ToArray(), 0, bytes.Count - trailingSpaces);
        }
        catch (DecoderFallbackException)
        {
            error = $"'{text}' is not a distinguished name: its escapes are not UTF-8";
            return false;
        }

        SkipSpaces(text, ref position);
        return true;
    }

    private static void SkipSpaces(string text, ref int position)
    {
        while (position < text.Length && text[position] == ' ')
        {
            position++;
        }
    }
}
