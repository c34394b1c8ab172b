using Npgsql;

namespace IdentitySync.Storage.PostgreSql;

/// <summary>Creates, recognizes and migrates the store's tables in their schema.</summary>
internal static class PostgreSqlSchema
{
    public const int CurrentVersion = 1;

    // Each step takes the schema from version i to i+1; "{s}" is the quoted schema name.
    private static readonly string[] s_migrations =
    [
        // 1: everything the store roles keep. Names of entity types, associations, connectors and resource
        // types compare without case, as the model's do; keys compare byte for byte (COLLATE "C").
        """
        CREATE TABLE {s}.entity_types (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);
        CREATE UNIQUE INDEX entity_types_by_name ON {s}.entity_types (lower(name));
        CREATE TABLE {s}.associations (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);
        CREATE UNIQUE INDEX associations_by_name ON {s}.associations (lower(name));
        CREATE TABLE {s}.resources (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            type_id integer NOT NULL REFERENCES {s}.entity_types (id),
            key text COLLATE "C" NOT NULL,
            digest bigint NOT NULL,
            vals bytea NOT NULL,
            UNIQUE (type_id, key));
        CREATE TABLE {s}.links (
            assoc_id integer NOT NULL REFERENCES {s}.associations (id),
            first_id bigint NOT NULL,
            second_id bigint NOT NULL,
            PRIMARY KEY (assoc_id, first_id, second_id));
        CREATE INDEX links_by_second ON {s}.links (assoc_id, second_id, first_id);
        CREATE TABLE {s}.connector_state (
            connector text PRIMARY KEY,
            version bigint NOT NULL,
            last_batch text,
            incremental_batches text NOT NULL,
            blocked bytea,
            export_fingerprint text,
            watermarks text);
        CREATE TABLE {s}.categorizations (resource_id bigint PRIMARY KEY, entity_type text NOT NULL, categorization jsonb NOT NULL);
        CREATE INDEX categorizations_by_type ON {s}.categorizations (lower(entity_type));
        CREATE TABLE {s}.orders (id bigint PRIMARY KEY, resource_type text NOT NULL, state text NOT NULL, ord jsonb NOT NULL);
        CREATE INDEX orders_by_state ON {s}.orders (state);
        CREATE INDEX orders_by_type ON {s}.orders (lower(resource_type));
        CREATE TABLE {s}.provisioning_states (resource_type text NOT NULL, owner_id bigint NOT NULL, state jsonb NOT NULL, PRIMARY KEY (resource_type, owner_id));
        CREATE TABLE {s}.property_sources (resource_id bigint NOT NULL, property text NOT NULL, source jsonb NOT NULL, PRIMARY KEY (resource_id, property));
        CREATE TABLE {s}.job_runs (id text PRIMARY KEY, job text NOT NULL, started timestamptz NOT NULL, status text NOT NULL, run jsonb NOT NULL);
        CREATE INDEX job_runs_by_start ON {s}.job_runs (started);
        CREATE VIEW {s}.link_keys AS
            SELECT a.name AS association, ft.name AS first_entity_type, f.key AS first_key, st.name AS second_entity_type, s.key AS second_key
            FROM {s}.links l
            JOIN {s}.associations a ON a.id = l.assoc_id
            JOIN {s}.resources f ON f.id = l.first_id JOIN {s}.entity_types ft ON ft.id = f.type_id
            JOIN {s}.resources s ON s.id = l.second_id JOIN {s}.entity_types st ON st.id = s.type_id;
        """,
    ];

    /// <summary>Reads the schema's version: 0 when the schema or its version table does not exist.</summary>
    public static async Task<int> VersionAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection);
        command.Parameters.AddWithValue(Quote(schema) + ".schema_version");
        if (!(bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
        {
            return 0;
        }

        using var version = new NpgsqlCommand($"SELECT max(version) FROM {Quote(schema)}.schema_version", connection);
        return await version.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is int value ? value : 0;
    }

    /// <summary>
    /// Creates or migrates the schema in one transaction, under a transaction-level advisory lock keyed by
    /// the schema's name, so two hosts starting together migrate once: the second waits, then finds the
    /// schema current.
    /// </summary>
    /// <returns>The version before the migration.</returns>
    public static async Task<int> MigrateAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken)
    {
        using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue(LockKeys.Of(schema, "migrate"));
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var from = await VersionAsync(connection, schema, cancellationToken).ConfigureAwait(false);
        if (from > CurrentVersion)
        {
            throw Newer(schema, from);
        }

        var quoted = Quote(schema);
        await ExecuteAsync(connection, transaction, $"CREATE SCHEMA IF NOT EXISTS {quoted}; CREATE TABLE IF NOT EXISTS {quoted}.schema_version (version integer NOT NULL, applied timestamptz NOT NULL DEFAULT now());", cancellationToken).ConfigureAwait(false);
        for (var step = from; step < CurrentVersion; step++)
        {
            await ExecuteAsync(connection, transaction, s_migrations[step].Replace("{s}", quoted, StringComparison.Ordinal), cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, $"INSERT INTO {quoted}.schema_version (version) VALUES ({step + 1})", cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return from;
    }

    public static StoreUnavailableException Newer(string schema, int version) =>
        new($"PostgreSQL schema '{schema}' has store version {version}, written by a newer IdentitySync; this version reads {CurrentVersion} and older. Upgrade IdentitySync.");

    public static string Quote(string schema) => "\"" + schema + "\"";

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
