using System.Text;

namespace IdentitySync.Connections.Ldap;

/// <summary>Escapes values for LDAP search filters (RFC 4515 section 3).</summary>
public static class LdapFilter
{
    /// <summary>Escapes a text for an assertion value: <c>* ( ) \</c> and NUL become <c>\2a \28 \29 \5c \00</c>.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The escaped value.</returns>
    public static string EscapeValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var escaped = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            escaped.Append(c switch
            {
                '*' => "\\2a",
                '(' => "\\28",
                ')' => "\\29",
                '\\' => "\\5c",
                '\0' => "\\00",
                _ => c.ToString(),
            });
        }

        return escaped.ToString();
    }

    /// <summary>Escapes bytes (a GUID, a SID) for an assertion value: every byte as <c>\xx</c>.</summary>
    /// <param name="value">The bytes.</param>
    /// <returns>The escaped value.</returns>
    public static string EscapeBytes(ReadOnlySpan<byte> value)
    {
        var escaped = new StringBuilder(value.Length * 3);
        foreach (var b in value)
        {
            escaped.Append('\\').Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return escaped.ToString();
    }
}
