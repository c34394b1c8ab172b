using Microsoft.Data.Sqlite;

namespace IdentitySync.Storage.Sqlite;

/// <summary>Creates, recognizes and migrates the database file.</summary>
internal static class SqliteSchema
{
    /// <summary>'IDSY': marks a file as an IdentitySync database (PRAGMA application_id).</summary>
    public const int ApplicationId = 0x49445359;

    public const int CurrentVersion = 6;

    private const string Version1 = """
        CREATE TABLE entity_types (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE);
        CREATE TABLE associations (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE);
        CREATE TABLE resources (
            id INTEGER PRIMARY KEY,
            type_id INTEGER NOT NULL,
            key TEXT NOT NULL,
            digest INTEGER NOT NULL,
            vals BLOB NOT NULL,
            UNIQUE (type_id, key));
        CREATE TABLE links (
            assoc_id INTEGER NOT NULL,
            first_id INTEGER NOT NULL,
            second_id INTEGER NOT NULL,
            PRIMARY KEY (assoc_id, first_id, second_id)) WITHOUT ROWID;
        CREATE TABLE connector_state (
            connector TEXT PRIMARY KEY COLLATE NOCASE,
            version INTEGER NOT NULL,
            last_batch TEXT,
            incremental_batches TEXT NOT NULL,
            blocked BLOB);
        """;

    public const string CreateReverseLinkIndex = "CREATE INDEX links_by_second ON links (assoc_id, second_id, first_id);";

    public const string DropReverseLinkIndex = "DROP INDEX links_by_second;";

    // Each step takes the schema from version i+1 to i+2.
    private static readonly string[] s_migrations =
    [
        // 2: reverse link lookups (a user's groups) for the read API and link deletes of deleted resources.
        CreateReverseLinkIndex,

        // 3: job runs, newest first.
        "CREATE TABLE job_runs (id TEXT PRIMARY KEY, job TEXT NOT NULL, started TEXT NOT NULL, status TEXT NOT NULL, run BLOB NOT NULL); CREATE INDEX job_runs_by_start ON job_runs (started);",

        // 4: categorization results, one per account.
        "CREATE TABLE categorizations (resource_id INTEGER PRIMARY KEY, entity_type TEXT NOT NULL COLLATE NOCASE, categorization BLOB NOT NULL); CREATE INDEX categorizations_by_type ON categorizations (entity_type);",

        // 5: provisioning orders, and what the rules last asked per owner and resource type.
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, resource_type TEXT NOT NULL COLLATE NOCASE, state TEXT NOT NULL, ord BLOB NOT NULL); CREATE INDEX orders_by_state ON orders (state);"
            + "CREATE TABLE provisioning_states (resource_type TEXT NOT NULL COLLATE NOCASE, owner_id INTEGER NOT NULL, state BLOB NOT NULL, PRIMARY KEY (resource_type, owner_id)) WITHOUT ROWID;",

        // 6: where each repository property value came from (a source's rule, or a person's edit).
        "CREATE TABLE property_sources (resource_id INTEGER NOT NULL, property TEXT NOT NULL, source BLOB NOT NULL, PRIMARY KEY (resource_id, property)) WITHOUT ROWID;",
    ];

    public static void Open(SqliteConnection connection, string path)
    {
        var applicationId = Scalar(connection, "PRAGMA application_id;");
        var version = Scalar(connection, "PRAGMA user_version;");
        var tables = Scalar(connection, "SELECT count(*) FROM sqlite_master;");
        if (applicationId == 0 && version == 0 && tables == 0)
        {
            using var create = connection.BeginTransaction();
            Execute(connection, Version1 + string.Concat(s_migrations));
            Execute(connection, $"PRAGMA application_id = {ApplicationId}; PRAGMA user_version = {CurrentVersion};");
            create.Commit();
            Execute(connection, "PRAGMA journal_mode = WAL;");
            return;
        }

        if (applicationId != ApplicationId)
        {
            throw new IdentitySyncException($"'{path}' is not an IdentitySync database (it is another SQLite database); give a new file or an IdentitySync store.");
        }

        if (version > CurrentVersion)
        {
            throw new IdentitySyncException($"'{path}' has schema version {version}, written by a newer IdentitySync; this version reads schema {CurrentVersion} and older. Upgrade IdentitySync.");
        }

        if (version < CurrentVersion)
        {
            using var migrate = connection.BeginTransaction();
            for (var step = version; step < CurrentVersion; step++)
            {
                Execute(connection, s_migrations[step - 1]);
            }

            Execute(connection, $"PRAGMA user_version = {CurrentVersion};");
            migrate.Commit();
        }

        Execute(connection, "PRAGMA journal_mode = WAL;");
    }

    public static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
