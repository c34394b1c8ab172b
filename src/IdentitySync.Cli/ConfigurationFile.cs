using IdentitySync.Configuration;

namespace IdentitySync.Cli;

/// <summary>
/// The shape of the command line's configuration file: the model under <c>IdentitySync</c>, the store and
/// the exports' folder. <see cref="StrictConfiguration"/> checks a file against it before anything runs
/// (every key known, every value of its type), and <c>identitysync schema</c> publishes it as a JSON Schema.
/// </summary>
internal sealed class ConfigurationFile
{
    /// <summary>Gets the model: entity types, associations, connectors, resource types (docs/configuration.md).</summary>
    public IdentitySyncOptions IdentitySync { get; } = new();

    /// <summary>Gets the store the commands open.</summary>
    public StoreSection Store { get; } = new();

    /// <summary>Gets where relative export paths start.</summary>
    public ExportsSection Exports { get; } = new();

    /// <summary>
    /// Gets the connection packages loaded as plug-ins, by the id connections name them: the folder 'dotnet publish'
    /// wrote for the package (or its main assembly), relative to the configuration file's folder (docs/connections.md).
    /// </summary>
    public Dictionary<string, string> ConnectionPackages { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The kinds of store the command line opens.</summary>
    public enum StoreKind
    {
        /// <summary>A SQLite file (the default).</summary>
        Sqlite,

        /// <summary>A PostgreSQL database, shared by several hosts.</summary>
        PostgreSql,
    }

    /// <summary>The <c>Store</c> section: a SQLite file, or a PostgreSQL database without a password.</summary>
    public sealed class StoreSection
    {
        /// <summary>Gets or sets the kind of store.</summary>
        public StoreKind Kind { get; set; }

        /// <summary>Gets or sets the SQLite file, relative to the configuration file (default identitysync.db).</summary>
        public string? Path { get; set; }

        /// <summary>Gets or sets the Npgsql connection string, without a password (PGPASSWORD or a passfile gives it).</summary>
        public string? ConnectionString { get; set; }

        /// <summary>Gets or sets the PostgreSQL schema holding the store's tables.</summary>
        public string? Schema { get; set; }

        /// <summary>Gets or sets how long the store's change feed keeps a version (default seven days); a consumer further behind takes one full pass.</summary>
        public TimeSpan? ChangeFeedRetention { get; set; }
    }

    /// <summary>The <c>Exports</c> section.</summary>
    public sealed class ExportsSection
    {
        /// <summary>Gets or sets the folder relative export and order paths start from, relative to the configuration file.</summary>
        public string? BaseDirectory { get; set; }
    }
}
