using System.Globalization;
using System.Text;
using System.Text.Unicode;
using IdentitySync.Connections;
using IdentitySync.Model;

namespace IdentitySync.Synchronization;

/// <summary>
/// The checks every exported field passes before anything is made of it: its bytes are text (never turned
/// into replacement characters), it is not longer than the connector allows, and a key holds no control
/// character. Each problem is a quarantine reason that names the column and says where.
/// </summary>
internal static class FieldCheck
{
    /// <summary>
    /// Whether every field of a row is text, checked on the whole row at once: the row's bytes are valid UTF-8 and no
    /// field starts inside a character (with a continuation byte), so no field ends inside one either. False does not
    /// say which field is not: the fields are then checked one by one.
    /// </summary>
    /// <param name="batch">The batch.</param>
    /// <param name="row">The row.</param>
    public static bool AllText(RowBatch batch, int row)
    {
        if (!Utf8.IsValid(batch.GetRowBytes(row)))
        {
            return false;
        }

        for (var column = 1; column < batch.ColumnCount; column++)
        {
            if (batch.GetField(row, column) is [>= 0x80 and <= 0xBF, ..])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Explains why a field is longer than the connector allows, or returns null; its bytes are known to be text.</summary>
    /// <param name="field">The field's bytes, valid UTF-8.</param>
    /// <param name="column">The column's name in the export.</param>
    /// <param name="maxLength">The longest value allowed, in characters.</param>
    public static string? LengthProblem(ReadOnlySpan<byte> field, string column, int maxLength) =>
        field.Length > maxLength ? Problem(field, column, maxLength) : null;

    /// <summary>Explains why a field cannot be read as a value, or returns null.</summary>
    /// <param name="field">The field's bytes, which the reader gives as UTF-8.</param>
    /// <param name="column">The column's name in the export.</param>
    /// <param name="maxLength">The longest value allowed, in characters.</param>
    public static string? Problem(ReadOnlySpan<byte> field, string column, int maxLength)
    {
        if (!Utf8.IsValid(field))
        {
            // The valid text before the first bad byte, and the bytes themselves, point at the spot in the file.
            Utf8.ToUtf16(field, new char[field.Length], out var valid, out _, replaceInvalidSequences: false);
            var before = Encoding.UTF8.GetString(field[..valid]);
            var bad = field[valid..];
            System.Text.Rune.DecodeFromUtf8(bad, out _, out var invalidLength);
            var bytes = string.Join(' ', bad[..Math.Max(invalidLength, 1)].ToArray().Select(static b => $"0x{b:X2}"));
            return string.Create(
                CultureInfo.InvariantCulture,
                $"column '{column}': {(invalidLength > 1 ? "bytes" : "byte")} {bytes} at character {before.Length + 1}{(before.Length > 0 ? $" (after '{Tail(before)}')" : string.Empty)} {(invalidLength > 1 ? "are" : "is")} not text in the export's encoding; the row is left out rather than stored with replacement characters (if the export is not UTF-8, set its connection's Encoding)");
        }

        if (field.Length > maxLength && Encoding.UTF8.GetCharCount(field) is var length && length > maxLength)
        {
            return string.Create(
                CultureInfo.InvariantCulture,
                $"column '{column}': a value of {length:N0} characters is longer than the connector's MaxValueLength, {maxLength:N0}");
        }

        return null;
    }

    /// <summary>Explains why a key's text cannot be a key (it holds a control or a bidirectional formatting character), or returns null.</summary>
    /// <param name="key">The key's text.</param>
    /// <param name="what">What the text is, such as <c>primary key (column 'Id')</c>: a string the caller keeps, not one made per row.</param>
    public static string? KeyProblem(string key, string what)
    {
        var at = PrintableText.IndexOfUnprintable(key);
        return at < 0
            ? null
            : string.Create(
                CultureInfo.InvariantCulture,
                $"{what} holds the control character U+{(int)key[at]:X4} at character {at + 1}; a key must be printable (a NUL or an escape sequence in a key is a damaged export)");
    }

    private static string Tail(string text) => text.Length <= 20 ? text : "…" + text[^20..];
}
