using System.Data.Common;
using System.Globalization;

namespace IdentitySync.Connections.Sql;

/// <summary>
/// What differs between providers, found out from the provider itself: how it quotes an identifier (its
/// command builder, else the SQL standard's double quotes), and how a value is written as text and read back.
/// </summary>
internal sealed class SqlDialect
{
    private readonly DbCommandBuilder? _builder;

    public SqlDialect(DbProviderFactory factory)
    {
        _builder = factory.CreateCommandBuilder();
        Factory = factory;
    }

    public DbProviderFactory Factory { get; }

    /// <summary>Quotes an identifier that comes from configuration; a quote inside it is doubled, so it can never end the name.</summary>
    public string Quote(string identifier)
    {
        if (_builder is not null)
        {
            try
            {
                return _builder.QuoteIdentifier(identifier);
            }
            catch (NotSupportedException)
            {
                // The provider's builder does not quote: the standard's quoting below.
            }
        }

        return "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>A column value as the engine reads it: invariant text, ISO 8601 times, Base64 bytes, empty for NULL.</summary>
    public static string Text(object? value) => value switch
    {
        null or DBNull => string.Empty,
        string text => text,
        DateTime time => time.ToString("O", CultureInfo.InvariantCulture),
        DateTimeOffset time => time.ToString("O", CultureInfo.InvariantCulture),
        bool flag => flag ? "true" : "false",
        byte[] bytes => Convert.ToBase64String(bytes),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    /// <summary>Text converted to a column's type, so that a typed column (a number, a date) receives a typed parameter.</summary>
    public static object Value(string? text, Type? type)
    {
        if (text is null)
        {
            return DBNull.Value;
        }

        var target = Nullable.GetUnderlyingType(type ?? typeof(string)) ?? type ?? typeof(string);
        return target == typeof(string) || target == typeof(object) ? text
            : target == typeof(Guid) ? Guid.Parse(text)
            : target == typeof(DateTimeOffset) ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)
            : target == typeof(DateTime) ? DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)
            : target == typeof(byte[]) ? Convert.FromBase64String(text)
            : Convert.ChangeType(text, target, CultureInfo.InvariantCulture);
    }

    /// <summary>Whether a marker column says the row is deleted: set, and not false, 0 or "no".</summary>
    public static bool IsSet(object? value) => value switch
    {
        null or DBNull => false,
        bool flag => flag,
        string text => text.Trim().Length > 0 && text.Trim() is not ("0" or "false" or "False" or "FALSE" or "no" or "No" or "NO"),
        IConvertible number when value is not DateTime => Convert.ToDouble(number, CultureInfo.InvariantCulture) != 0,
        _ => true,
    };

    /// <summary>Whether trying again may succeed: the provider says so, or the error is of SQLSTATE class 08 (connection exception).</summary>
    public static bool IsTransient(DbException exception) =>
        exception.IsTransient || exception.SqlState?.StartsWith("08", StringComparison.Ordinal) == true;

    /// <summary>The failure kind of a provider's error: transient, refused credentials (SQLSTATE 28), or unreadable.</summary>
    public static FailureKind KindOf(DbException exception) =>
        IsTransient(exception) ? FailureKind.SystemUnavailable
        : exception.SqlState?.StartsWith("28", StringComparison.Ordinal) == true ? FailureKind.AuthenticationFailed
        : FailureKind.InputUnreadable;
}
