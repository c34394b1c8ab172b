namespace IdentitySync.Storage.PostgreSql;

/// <summary>Where the PostgreSQL store keeps the repository, and whether opening it may create or migrate its schema.</summary>
public sealed class PostgreSqlStoreOptions
{
    /// <summary>The most bytes PostgreSQL keeps of an identifier; longer schema names are refused rather than truncated.</summary>
    public const int MaxSchemaNameBytes = 63;

    /// <summary>Gets or sets the schema that holds the store's tables.</summary>
    /// <value>The default value is <c>identitysync</c>.</value>
    public string Schema { get; set; } = "identitysync";

    /// <summary>
    /// Gets or sets a value indicating whether opening the store creates its schema when it is missing
    /// and migrates an older one. Off, a missing or older schema is refused with a message that says to
    /// migrate (<c>identitysync store migrate</c> or <see cref="PostgreSqlResourceStore.MigrateAsync"/>),
    /// so no host changes a shared database by surprise.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool MigrateOnOpen { get; set; }

    /// <summary>
    /// Gets or sets how many resources one statement reads when the engines read an entity type's resources
    /// (in id order, a keyset page at a time); link reads take ten times as many links per page. Larger
    /// pages mean fewer round trips and more memory per page.
    /// </summary>
    /// <value>The default value is 10,000; at least 1.</value>
    public int ReadPageSize { get; set; } = 10_000;

    /// <summary>
    /// Gets or sets how long the change feed keeps a version (<see cref="IChangeFeedStore"/>), timed by the server's
    /// clock; seven days unless set. The newest version is always kept; a consumer that falls further behind takes one full pass.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan ChangeFeedRetention { get; set => field = IChangeFeedStore.CheckRetention(value); } = IChangeFeedStore.DefaultRetention;

    /// <summary>Checks the schema name: letters, digits and underscores, starting with a letter or underscore, at most 63 bytes.</summary>
    /// <param name="schema">The name.</param>
    /// <returns>The problem, or <see langword="null"/> when the name is valid.</returns>
    public static string? CheckSchemaName(string? schema)
    {
        if (string.IsNullOrEmpty(schema))
        {
            return "Schema: required; the PostgreSQL schema that holds the store's tables, such as identitysync.";
        }

        if (System.Text.Encoding.UTF8.GetByteCount(schema) > MaxSchemaNameBytes)
        {
            return $"Schema: '{schema}' is longer than {MaxSchemaNameBytes} bytes, which PostgreSQL would truncate; choose a shorter name.";
        }

        var valid = (char.IsAsciiLetter(schema[0]) || schema[0] == '_') && schema.All(static c => char.IsAsciiLetterOrDigit(c) || c == '_');
        return valid ? null : $"Schema: '{schema}' may hold only ASCII letters, digits and underscores, and not start with a digit.";
    }
}
