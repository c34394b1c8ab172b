using System.Globalization;
using System.Text;
using IdentitySync.Model;

namespace IdentitySync.Synchronization;

/// <summary>Turns a field's UTF-8 text into a typed value according to a property's type and format.</summary>
internal static class ValueParser
{
    private const DateTimeStyles UtcStyles = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;

    private static readonly string[] s_isoFormats =
    [
        "yyyy-MM-dd", "yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ss.FFFFFFF",
        "yyyy-MM-ddTHH:mmK", "yyyy-MM-ddTHH:mm:ssK", "yyyy-MM-ddTHH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm:ssK",
    ];

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> s_separators = new(StringComparer.Ordinal);

    private static readonly string[] s_generalizedTimeFormats = ["yyyyMMddHHmmss'Z'", "yyyyMMddHHmmss.FFFFFFF'Z'", "yyyyMMddHHmm'Z'"];

    /// <summary>Parses a field; an empty field is null. Returns false with a reason when the text is not a value of the type.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, ScalarProperty property, PropertyMapping mapping, out object? value, out string? error)
    {
        error = null;
        if (utf8.IsEmpty)
        {
            value = null;
            return true;
        }

        if (!property.IsMultiValued)
        {
            return TryParseOne(utf8, property.Type, mapping.Format, out value, out error);
        }

        var separator = s_separators.GetOrAdd(mapping.Separator ?? "|", static text => Encoding.UTF8.GetBytes(text));
        var items = new List<object>();
        var rest = utf8;
        while (true)
        {
            var at = rest.IndexOf(separator);
            var piece = at < 0 ? rest : rest[..at];
            if (!piece.IsEmpty)
            {
                if (!TryParseOne(piece, property.Type, mapping.Format, out var item, out error))
                {
                    value = null;
                    return false;
                }

                items.Add(item!);
            }

            if (at < 0)
            {
                break;
            }

            rest = rest[(at + separator.Length)..];
        }

        value = items.Count == 0 ? null : items.ToArray();
        return true;
    }

    private static bool TryParseOne(ReadOnlySpan<byte> utf8, ScalarType type, ValueFormat format, out object? value, out string? error)
    {
        value = null;
        error = null;
        var ok = type switch
        {
            ScalarType.String when format.Kind == ValueFormatKind.Sid => TryParseSid(utf8, out value),
            ScalarType.String when format.Kind == ValueFormatKind.DistinguishedName => Model.DistinguishedName.TryCanonicalize(Encoding.UTF8.GetString(utf8), out var dn) && Set(dn, out value),
            ScalarType.String => Set(Encoding.UTF8.GetString(utf8), out value),
            ScalarType.Int32 => int.TryParse(utf8, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) && Set(i, out value),
            ScalarType.Int64 => long.TryParse(utf8, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) && Set(l, out value),
            ScalarType.Double => double.TryParse(utf8, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) && Set(d, out value),
            ScalarType.Bool => TryParseBool(Encoding.UTF8.GetString(utf8).Trim(), format, out value),
            ScalarType.DateTime => TryParseDateFast(utf8, format, out value) || TryParseDate(Encoding.UTF8.GetString(utf8).Trim(), format, out value),
            ScalarType.Guid when format.Kind == ValueFormatKind.ObjectGuid => TryParseObjectGuid(utf8, out value),
            ScalarType.Guid => Guid.TryParse(Encoding.UTF8.GetString(utf8).Trim(), out var g) && Set(g, out value),
            ScalarType.Binary when format.Kind == ValueFormatKind.Hex => TryParseHex(utf8, out value),
            ScalarType.Binary => TryParseBase64(utf8, out value),
            _ => false,
        };

        if (!ok)
        {
            var shown = Encoding.UTF8.GetString(utf8);
            if (shown.Length > 60)
            {
                shown = shown[..57] + "...";
            }

            var expected = format.Kind == ValueFormatKind.Default ? type.ToString() : $"{type} in format {format}";
            error = $"'{shown}' is not a valid {expected}";
        }

        return ok;
    }

    private static bool Set(object parsed, out object? value)
    {
        value = parsed;
        return true;
    }

    private static bool TryParseBool(string text, ValueFormat format, out object? value)
    {
        value = null;
        if (format.Kind == ValueFormatKind.BoolWords)
        {
            var words = format.Argument!.Split('|');
            if (string.Equals(text, words[0], StringComparison.OrdinalIgnoreCase))
            {
                return Set(true, out value);
            }

            return string.Equals(text, words[1], StringComparison.OrdinalIgnoreCase) && Set(false, out value);
        }

        return text.ToUpperInvariant() switch
        {
            "TRUE" or "1" or "YES" => Set(true, out value),
            "FALSE" or "0" or "NO" => Set(false, out value),
            _ => false,
        };
    }

    /// <summary>
    /// The shapes exports repeat millions of times (GeneralizedTime, FileTime, an ISO date), read from the
    /// bytes without a string; anything else (or anything invalid) goes the general way, which explains.
    /// </summary>
    private static bool TryParseDateFast(ReadOnlySpan<byte> utf8, ValueFormat format, out object? value)
    {
        value = null;
        switch (format.Kind)
        {
            case ValueFormatKind.GeneralizedTime when utf8.Length >= 15 && utf8[^1] == (byte)'Z':
                if (!Digits(utf8, 0, 4, out var year) || !Digits(utf8, 4, 2, out var month) || !Digits(utf8, 6, 2, out var day)
                    || !Digits(utf8, 8, 2, out var hour) || !Digits(utf8, 10, 2, out var minute) || !Digits(utf8, 12, 2, out var second))
                {
                    return false;
                }

                long fraction = 0;
                var rest = utf8[14..^1];
                if (!rest.IsEmpty)
                {
                    if (rest[0] != (byte)'.' || rest.Length < 2 || rest.Length > 8 || !Digits(rest, 1, rest.Length - 1, out var digits))
                    {
                        return false;
                    }

                    fraction = digits;
                    for (var i = rest.Length - 1; i < 7; i++)
                    {
                        fraction *= 10;
                    }
                }

                return Valid(year, month, day, hour, minute, second)
                    && Set(new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).AddTicks(fraction), out value);
            case ValueFormatKind.FileTime:
                if (!long.TryParse(utf8, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks))
                {
                    return false;
                }

                if (ticks == 0 || ticks == long.MaxValue)
                {
                    return true;
                }

                return ticks <= DateTime.MaxValue.ToFileTimeUtc() && Set(DateTime.FromFileTimeUtc(ticks), out value);
            case ValueFormatKind.Default when utf8.Length == 10 && utf8[4] == (byte)'-' && utf8[7] == (byte)'-':
                return Digits(utf8, 0, 4, out var y) && Digits(utf8, 5, 2, out var m) && Digits(utf8, 8, 2, out var d)
                    && Valid(y, m, d, 0, 0, 0) && Set(new DateTime(y, m, d, 0, 0, 0, DateTimeKind.Utc), out value);
            default:
                return false;
        }

        static bool Digits(ReadOnlySpan<byte> text, int start, int length, out int number)
        {
            number = 0;
            for (var i = start; i < start + length; i++)
            {
                var digit = text[i] - '0';
                if ((uint)digit > 9)
                {
                    return false;
                }

                number = (number * 10) + digit;
            }

            return true;
        }

        static bool Valid(int year, int month, int day, int hour, int minute, int second) =>
            year is >= 1 and <= 9999 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month)
            && hour < 24 && minute < 60 && second < 60;
    }

    private static bool TryParseDate(string text, ValueFormat format, out object? value)
    {
        value = null;
        DateTime parsed;
        switch (format.Kind)
        {
            case ValueFormatKind.DatePattern:
                if (!DateTime.TryParseExact(text, format.Argument, CultureInfo.InvariantCulture, UtcStyles, out parsed))
                {
                    return false;
                }

                break;
            case ValueFormatKind.GeneralizedTime:
                if (!DateTime.TryParseExact(text, s_generalizedTimeFormats, CultureInfo.InvariantCulture, UtcStyles, out parsed))
                {
                    return false;
                }

                break;
            case ValueFormatKind.FileTime:
                if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ticks) || ticks < 0)
                {
                    return false;
                }

                // Active Directory writes 0 and Int64.MaxValue for "never".
                if (ticks == 0 || ticks == long.MaxValue)
                {
                    return true;
                }

                if (ticks > DateTime.MaxValue.ToFileTimeUtc())
                {
                    return false;
                }

                parsed = DateTime.FromFileTimeUtc(ticks);
                break;
            default:
                if (!DateTime.TryParseExact(text, s_isoFormats, CultureInfo.InvariantCulture, UtcStyles, out parsed))
                {
                    return false;
                }

                break;
        }

        return Set(DateTime.SpecifyKind(parsed, DateTimeKind.Utc), out value);
    }

    private static bool TryParseBase64(ReadOnlySpan<byte> utf8, out object? value)
    {
        value = null;
        var buffer = new byte[(utf8.Length * 3 / 4) + 3];

        // Straight from the bytes when the text is plain Base64 (no spaces or line breaks).
        if (System.Buffers.Text.Base64.DecodeFromUtf8(utf8, buffer, out _, out var decoded) == System.Buffers.OperationStatus.Done)
        {
            return Set(decoded == buffer.Length ? buffer : buffer[..decoded], out value);
        }

        if (!Convert.TryFromBase64String(Encoding.ASCII.GetString(utf8).Trim(), buffer, out var written))
        {
            return false;
        }

        return Set(buffer[..written], out value);
    }

    private static bool TryParseHex(ReadOnlySpan<byte> utf8, out object? value)
    {
        value = null;
        var text = Encoding.ASCII.GetString(utf8).Trim();
        if (text.Length % 2 != 0 || !text.All(char.IsAsciiHexDigit))
        {
            return false;
        }

        return Set(Convert.FromHexString(text), out value);
    }

    private static bool TryParseObjectGuid(ReadOnlySpan<byte> utf8, out object? value)
    {
        value = null;
        return TryParseBase64(utf8, out var bytes) && bytes is byte[] { Length: 16 } guid && Set(new Guid(guid), out value);
    }

    private static bool TryParseSid(ReadOnlySpan<byte> utf8, out object? value)
    {
        value = null;
        if (!TryParseBase64(utf8, out var decoded) || decoded is not byte[] { Length: >= 8 } sid || sid.Length != 8 + (sid[1] * 4))
        {
            return false;
        }

        var authority = 0UL;
        for (var i = 2; i < 8; i++)
        {
            authority = (authority << 8) | sid[i];
        }

        var text = new StringBuilder().Append("S-").Append(sid[0]).Append('-').Append(authority);
        for (var i = 0; i < sid[1]; i++)
        {
            text.Append('-').Append(BitConverter.ToUInt32(sid, 8 + (i * 4)));
        }

        return Set(text.ToString(), out value);
    }
}
