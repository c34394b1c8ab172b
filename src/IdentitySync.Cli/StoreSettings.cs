using IdentitySync.Storage;
using IdentitySync.Storage.PostgreSql;
using IdentitySync.Storage.Sqlite;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace IdentitySync.Cli;

/// <summary>
/// Which store the CLI opens: the <c>Store</c> section of the configuration (<c>Kind</c> <c>Sqlite</c> with
/// <c>Path</c>, or <c>PostgreSql</c> with <c>ConnectionString</c> and <c>Schema</c>), or <c>--store</c> (a file
/// path, or a <c>postgres://user@host:port/database?schema=name</c> address). A PostgreSQL password never
/// comes from either: Npgsql reads <c>PGPASSWORD</c> or the passfile.
/// </summary>
internal sealed record StoreSettings(bool IsPostgreSql, string Location, string Schema)
{
    /// <summary>Gets how long the change feed keeps a version (<c>Store:ChangeFeedRetention</c>); the store's default when null.</summary>
    public TimeSpan? ChangeFeedRetention { get; init; }

    public static StoreSettings From(IConfiguration configuration, string? storeOption, string directory) =>
        Where(configuration, storeOption, directory) with { ChangeFeedRetention = Retention(configuration) };

    private static TimeSpan? Retention(IConfiguration configuration)
    {
        if (configuration["Store:ChangeFeedRetention"] is not { } text)
        {
            return null;
        }

        return TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var retention) && retention >= TimeSpan.Zero
            ? retention
            : throw new UsageException($"Store:ChangeFeedRetention: '{text}' is not a duration of zero or more, such as 7.00:00:00 (seven days) or 12:00:00 (twelve hours).");
    }

    private static StoreSettings Where(IConfiguration configuration, string? storeOption, string directory)
    {
        if (storeOption is not null)
        {
            return IsPostgresAddress(storeOption) ? FromAddress(storeOption) : new(false, Path.GetFullPath(Path.Combine(directory, storeOption)), string.Empty);
        }

        var kind = configuration["Store:Kind"] ?? "Sqlite";
        if (string.Equals(kind, "Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            return new(false, Path.GetFullPath(Path.Combine(directory, configuration["Store:Path"] ?? CliContext.DefaultStoreFile)), string.Empty);
        }

        if (!string.Equals(kind, "PostgreSql", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"Store:Kind: '{kind}' is not a store; use Sqlite (with Store:Path) or PostgreSql (with Store:ConnectionString and Store:Schema).");
        }

        var connectionString = configuration["Store:ConnectionString"]
            ?? throw new UsageException("Store:ConnectionString: required with Store:Kind PostgreSql, such as \"Host=db;Database=iga;Username=identitysync\"; the password comes from PGPASSWORD or a passfile.");
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException)
        {
            throw new UsageException("Store:ConnectionString: not an Npgsql connection string (keys such as Host, Port, Database, Username, separated by ';').");
        }

        if (!string.IsNullOrEmpty(builder.Password))
        {
            throw new UsageException("Store:ConnectionString: holds a password; remove it and give it through PGPASSWORD or a passfile (PGPASSFILE), so the configuration file holds no secret.");
        }

        var schema = configuration["Store:Schema"] ?? new PostgreSqlStoreOptions().Schema;
        return PostgreSqlStoreOptions.CheckSchemaName(schema) is { } problem ? throw new UsageException("Store:" + problem) : new(true, connectionString, schema);
    }

    /// <summary>Gets the store named for messages: a path, or a server and schema, never a credential.</summary>
    public string Describe()
    {
        if (!IsPostgreSql)
        {
            return Location;
        }

        var builder = new NpgsqlConnectionStringBuilder(Location);
        return $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database} (schema '{Schema}')";
    }

    public IResourceStore Open()
    {
        if (IsPostgreSql)
        {
            var options = new PostgreSqlStoreOptions { Schema = Schema };
            options.ChangeFeedRetention = ChangeFeedRetention ?? options.ChangeFeedRetention;
            return new PostgreSqlResourceStore(Location, options);
        }

        var sqlite = new SqliteStoreOptions();
        sqlite.ChangeFeedRetention = ChangeFeedRetention ?? sqlite.ChangeFeedRetention;
        return new SqliteResourceStore(Location, sqlite);
    }

    private static bool IsPostgresAddress(string value) =>
        value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);

    private static StoreSettings FromAddress(string address)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new UsageException("--store: not a PostgreSQL address; write postgres://user@host:port/database?schema=name.");
        }

        var user = Uri.UnescapeDataString(uri.UserInfo);
        if (user.Contains(':', StringComparison.Ordinal))
        {
            throw new UsageException("--store: the address holds a password, which would show in the process list; remove it and give it through PGPASSWORD or a passfile.");
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')) is { Length: > 0 } database ? database : null,
        };
        if (user.Length > 0)
        {
            builder.Username = user;
        }

        var schema = new PostgreSqlStoreOptions().Schema;
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var (name, value) = pair.Split('=', 2) is [var n, var v] ? (n, Uri.UnescapeDataString(v)) : (pair, string.Empty);
            schema = string.Equals(name, "schema", StringComparison.OrdinalIgnoreCase)
                ? value
                : throw new UsageException($"--store: unknown parameter '{name}' in the PostgreSQL address; only schema is read there.");
        }

        return PostgreSqlStoreOptions.CheckSchemaName(schema) is { } problem ? throw new UsageException("--store: " + problem) : new(true, builder.ConnectionString, schema);
    }
}
