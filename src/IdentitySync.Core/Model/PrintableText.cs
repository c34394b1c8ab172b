using System.Buffers;
using System.Globalization;
using System.Text;

namespace IdentitySync.Model;

/// <summary>
/// Shows text from exports and stores safely: control characters (an escape sequence, a NUL, a line break
/// inside a value) and the characters that reorder how text is displayed (U+202E and the like) are written as
/// <c>\n</c>, <c>\r</c>, <c>\t</c> or <c>\u001B</c>, so a value can neither drive a terminal nor disguise what
/// follows it. Keys that hold such characters are quarantined by synchronization; values may hold them.
/// </summary>
public static class PrintableText
{
    private static readonly SearchValues<char> s_unprintable = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(static i => (char)i), .. Enumerable.Range(0x7F, 0x21).Select(static i => (char)i),
         '\u200E', '\u200F', '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069']);

    /// <summary>Finds the first unprintable character of a text: a C0 or C1 control, U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069.</summary>
    /// <param name="text">The text.</param>
    /// <returns>Its index, or -1 when every character is printable.</returns>
    public static int IndexOfUnprintable(ReadOnlySpan<char> text) => text.IndexOfAny(s_unprintable);

    /// <summary>Returns the text with every unprintable character escaped; text without one is returned as it is.</summary>
    /// <param name="text">The text; <see langword="null"/> gives an empty string.</param>
    /// <returns>The printable text.</returns>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var first = text.AsSpan().IndexOfAny(s_unprintable);
        if (first < 0)
        {
            return text;
        }

        var shown = new StringBuilder(text.Length + 8).Append(text, 0, first);
        foreach (var c in text.AsSpan(first))
        {
            _ = c switch
            {
                '\n' => shown.Append("\\n"),
                '\r' => shown.Append("\\r"),
                '\t' => shown.Append("\\t"),
                _ when s_unprintable.Contains(c) => shown.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}"),
                _ => shown.Append(c),
            };
        }

        return shown.ToString();
    }
}
