using Microsoft.Data.Sqlite;

namespace IdentitySync.Storage.Sqlite;

/// <summary>Creates, recognizes and migrates the database file.</summary>
internal static class SqliteSchema
{
    /// <summary>'IDSY': marks a file as an IdentitySync database (PRAGMA application_id).</summary>
    public const int ApplicationId = 0x49445359;

    public const int CurrentVersion = 20;

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

    // Each step takes the schema from version i+1 to i+2.
    private static readonly Action<SqliteConnection>[] s_migrations =
    [
        // 2: reverse link lookups (a user's groups) for the read API and link deletes of deleted resources.
        static c => Execute(c, "CREATE INDEX links_by_second ON links (assoc_id, second_id, first_id);"),

        // 3: job runs, newest first.
        static c => Execute(c, "CREATE TABLE job_runs (id TEXT PRIMARY KEY, job TEXT NOT NULL, started TEXT NOT NULL, status TEXT NOT NULL, run BLOB NOT NULL); CREATE INDEX job_runs_by_start ON job_runs (started);"),

        // 4: categorization results, one per account.
        static c => Execute(c, "CREATE TABLE categorizations (resource_id INTEGER PRIMARY KEY, entity_type TEXT NOT NULL COLLATE NOCASE, categorization BLOB NOT NULL); CREATE INDEX categorizations_by_type ON categorizations (entity_type);"),

        // 5: provisioning orders, and what the rules last asked per owner and resource type.
        static c => Execute(c, "CREATE TABLE orders (id INTEGER PRIMARY KEY, resource_type TEXT NOT NULL COLLATE NOCASE, state TEXT NOT NULL, ord BLOB NOT NULL); CREATE INDEX orders_by_state ON orders (state);"
            + "CREATE TABLE provisioning_states (resource_type TEXT NOT NULL COLLATE NOCASE, owner_id INTEGER NOT NULL, state BLOB NOT NULL, PRIMARY KEY (resource_type, owner_id)) WITHOUT ROWID;"),

        // 6: where each repository property value came from (a source's rule, or a person's edit).
        static c => Execute(c, "CREATE TABLE property_sources (resource_id INTEGER NOT NULL, property TEXT NOT NULL, source BLOB NOT NULL, PRIMARY KEY (resource_id, property)) WITHOUT ROWID;"),

        // 7: links packed per resource and side, one row where there were as many rows as links.
        PackLinks,

        // 8: the fingerprint of the complete export last applied, so that the same export again is skipped.
        static c => Execute(c, "ALTER TABLE connector_state ADD COLUMN export_fingerprint TEXT;"),

        // 9: each table's incremental watermark, kept with the applied change set; and one error state for
        // orders: 'Errored' (a reported failure) became 'Error' (decision 49), in the column and the JSON.
        static c => Execute(c, """
            ALTER TABLE connector_state ADD COLUMN watermarks TEXT;
            UPDATE orders SET state = 'Error', ord = CAST(replace(CAST(ord AS TEXT), '"state":"Errored"', '"state":"Error"') AS BLOB)
                WHERE state = 'Errored' OR instr(CAST(ord AS TEXT), '"state":"Errored"') > 0;
            """),

        // 10: the layouts resources' values were written in (an entity type's properties at the time), by
        // the id packed values start with, so that they read by property name after the model changed.
        static c => Execute(c, "CREATE TABLE layouts (id INTEGER PRIMARY KEY, layout TEXT NOT NULL);"),

        // 11: an order's state, kind, type, owner, resource, times and attempts as indexed columns; the JSON
        // keeps only its reason, changes and history (issue 19).
        SqliteOrders.MigrateToColumns,

        // 12: ended orders archived after their resource type's ArchiveAfter, out of the working orders.
        static c => Execute(c, SqliteOrders.CreateArchive),

        // 13: an owner's provisioning state as columns (input digest, entitlement) and a body of its values and
        // links, so a generation reads the digests of every owner and the bodies only of those it evaluates (issue 19).
        SqliteProvisioningStates.MigrateToColumns,

        // 14: an account's categorization as columns, read for every account by categorization and generation (issue 19).
        SqliteCategorizations.MigrateToColumns,

        // 15: the change feed: the resources each committed write touched, by version, and each consumer's position (issue 19).
        static c => Execute(c, SqliteChangeFeed.CreateTables),

        // 16: categorizations by owner, and by entity type and status, for a generation that reads only what the owners it examines need.
        static c => Execute(c, SqliteCategorizations.CreateQueryIndexes),

        // 17: blocked change sets as a header and pages of rows, never one document (decision 92); a whole
        // document kept before it still reads, and the next write of that connector's blocked change set pages it.
        static c => Execute(c, SqliteBlockedChangeSets.CreateTable),

        // 18: whether each categorization's owner is gone, kept by the store and indexed, so that the orphaned accounts
        // are read without probing every correlated account's owner (decision 112).
        SqliteCategorizations.AddOwnerGone,

        // 19: the index of categorizations by entity type goes: the status index leads with the entity type (decision 117).
        static c => Execute(c, "DROP INDEX IF EXISTS categorizations_by_type;"),

        // 20: the next resource id, kept past deletions so that no id is given twice (decision 118).
        static c => Execute(c, CreateResourceIds),
    ];

    /// <summary>
    /// Schema 20: the next resource id the store gives, one row. Ids counted from the largest stored id gave the newest
    /// resource's id again once it was deleted, and categorizations, provisioning states, orders and the change feed
    /// name resources by id. The first value is past every id anything in the file still names.
    /// </summary>
    private const string CreateResourceIds = """
        CREATE TABLE resource_ids (next_id INTEGER NOT NULL);
        INSERT INTO resource_ids (next_id) SELECT 1 + max(
            coalesce((SELECT max(id) FROM resources), 0),
            coalesce((SELECT max(resource_id) FROM change_feed), 0),
            coalesce((SELECT max(resource_id) FROM categorizations), 0),
            coalesce((SELECT max(owner_id) FROM categorizations), 0),
            coalesce((SELECT max(owner_id) FROM provisioning_states), 0),
            coalesce((SELECT max(resource_id) FROM property_sources), 0),
            coalesce((SELECT max(owner_id) FROM orders), 0),
            coalesce((SELECT max(resource_id) FROM orders), 0),
            coalesce((SELECT max(owner_id) FROM archived_orders), 0),
            coalesce((SELECT max(resource_id) FROM archived_orders), 0));
        """;

    /// <summary>The next resource id to give: the kept one, or past the largest stored id should a row have been written around it.</summary>
    public const string SelectNextResourceId = "SELECT max(coalesce((SELECT next_id FROM resource_ids), 1), coalesce((SELECT max(id) FROM resources), 0) + 1)";

    /// <summary>Keeps the next resource id (<c>$n</c>) once a write has given ids below it; never lowers it.</summary>
    public const string KeepNextResourceId = "UPDATE resource_ids SET next_id = max(next_id, $n)";

    /// <summary>
    /// Moves a table kept as one JSON document per row into columns: renames it (dropping the indexes named, whose
    /// names the new table takes), creates the new table, writes every document through <paramref name="save"/>,
    /// and drops the old table; inside the migration's transaction.
    /// </summary>
    public static void MoveJsonRows<T>(SqliteConnection connection, string table, string jsonColumn, string dropIndexes, string create, Action<SqliteConnection, IEnumerable<T>> save)
    {
        Execute(connection, $"ALTER TABLE {table} RENAME TO {table}_json; {dropIndexes}");
        Execute(connection, create);
        using (var read = connection.CreateCommand())
        {
            read.CommandText = $"SELECT {jsonColumn} FROM {table}_json";
            using var reader = read.ExecuteReader();
            save(connection, Rows(reader));
        }

        Execute(connection, $"DROP TABLE {table}_json;");

        static IEnumerable<T> Rows(SqliteDataReader reader)
        {
            while (reader.Read())
            {
                yield return StoredJson.Deserialize<T>(reader.GetFieldValue<byte[]>(0));
            }
        }
    }

    /// <summary>Creates, migrates or opens a store's schema.</summary>
    /// <returns>The schema version found (0 for a new file) and the version now.</returns>
    public static (long From, long To) Open(SqliteConnection connection, string path)
    {
        var applicationId = Scalar(connection, "PRAGMA application_id;");
        var version = Scalar(connection, "PRAGMA user_version;");
        var tables = Scalar(connection, "SELECT count(*) FROM sqlite_master;");
        if (applicationId == 0 && version == 0 && tables == 0)
        {
            // 8 KiB pages: a 400-byte resource row leaves less slack, and a first load writes fewer pages
            // and frames (G1's apply at a million accounts: about 19 s to 16.5 s). Only a new file takes it.
            Execute(connection, "PRAGMA page_size = 8192;");
            using var create = connection.BeginTransaction();
            Execute(connection, Version1);
            foreach (var migration in s_migrations)
            {
                migration(connection);
            }

            Execute(connection, $"PRAGMA application_id = {ApplicationId}; PRAGMA user_version = {CurrentVersion};");
            create.Commit();
            Execute(connection, "PRAGMA journal_mode = WAL;");
            return (0, CurrentVersion);
        }

        if (applicationId != ApplicationId)
        {
            throw new StoreUnavailableException($"'{path}' is not an IdentitySync database (it is another SQLite database); give a new file or an IdentitySync store.");
        }

        if (version > CurrentVersion)
        {
            throw new StoreUnavailableException($"'{path}' has schema version {version}, written by a newer IdentitySync; this version reads schema {CurrentVersion} and older. Upgrade IdentitySync.");
        }

        if (version < CurrentVersion)
        {
            using var migrate = connection.BeginTransaction();
            for (var step = version; step < CurrentVersion; step++)
            {
                s_migrations[step - 1](connection);
            }

            Execute(connection, $"PRAGMA user_version = {CurrentVersion};");
            migrate.Commit();
        }

        Execute(connection, "PRAGMA journal_mode = WAL;");
        return (version, CurrentVersion);
    }

    /// <summary>
    /// Side <see cref="FirstSide"/> holds, per first resource (a group), the ids of its second resources
    /// (its members); side <see cref="SecondSide"/> the reverse (a user's groups). <c>n</c> counts the ids.
    /// </summary>
    private const string CreateLinkSets = """
        CREATE TABLE link_sets (
            assoc_id INTEGER NOT NULL,
            side INTEGER NOT NULL,
            owner_id INTEGER NOT NULL,
            n INTEGER NOT NULL,
            ids BLOB NOT NULL,
            PRIMARY KEY (assoc_id, side, owner_id));
        """;

    /// <summary>Selects one link set's ids; bind association, side and owner, then <see cref="ReadLinkSet"/>.</summary>
    public const string SelectLinkSet = "SELECT ids FROM link_sets WHERE assoc_id = ?1 AND side = ?2 AND owner_id = ?3";

    /// <summary>The side of a link set keyed by the link's first resource.</summary>
    public const int FirstSide = 0;

    /// <summary>The side of a link set keyed by the link's second resource.</summary>
    public const int SecondSide = 1;

    /// <summary>Reads one link set's ids into <paramref name="into"/> (cleared first) with a <see cref="SelectLinkSet"/> statement.</summary>
    /// <returns>Whether the set exists.</returns>
    public static bool ReadLinkSet(RawStatement select, long associationId, int side, long owner, List<long> into)
    {
        into.Clear();
        select.Bind(1, associationId);
        select.Bind(2, side);
        select.Bind(3, owner);
        if (!select.Read())
        {
            return false;
        }

        LinkSetCodec.Decode(select.GetBlob(0), into);
        select.Reset();
        return true;
    }

    /// <summary>Ids as a JSON array, for <c>IN (SELECT value FROM json_each(…))</c>: one parameter however many ids.</summary>
    public static string JsonIds(IEnumerable<long> ids) =>
        "[" + string.Join(',', ids.Select(static id => id.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";

    /// <summary>Texts as a JSON array, for <c>json_each</c>: every character escaped as JSON requires.</summary>
    public static string JsonTexts(IEnumerable<string> texts)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var text in texts)
            {
                writer.WriteStringValue(text);
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Moves every link row into packed link sets (both sides) and drops the links table.</summary>
    private static void PackLinks(SqliteConnection connection)
    {
        Execute(connection, CreateLinkSets);
        using (var insert = new RawStatement(connection, "INSERT INTO link_sets (assoc_id, side, owner_id, n, ids) VALUES (?1, ?2, ?3, ?4, ?5)"))
        {
            Pack(connection, insert, FirstSide, "SELECT assoc_id, first_id, second_id FROM links ORDER BY assoc_id, first_id, second_id");
            Pack(connection, insert, SecondSide, "SELECT assoc_id, second_id, first_id FROM links ORDER BY assoc_id, second_id, first_id");
        }

        Execute(connection, "DROP TABLE links;");

        static void Pack(SqliteConnection connection, RawStatement insert, int side, string sql)
        {
            using var read = new RawStatement(connection, sql);
            var ids = new List<long>();
            var buffer = new byte[256];
            (long Association, long Owner) current = (0, 0);
            while (true)
            {
                var more = read.Read();
                var next = more ? (read.GetInt64(0), read.GetInt64(1)) : (0L, 0L);
                if (ids.Count > 0 && (!more || next != current))
                {
                    var length = LinkSetCodec.Encode(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(ids), ref buffer);
                    insert.Bind(1, current.Association);
                    insert.Bind(2, side);
                    insert.Bind(3, current.Owner);
                    insert.Bind(4, ids.Count);
                    insert.Bind(5, buffer.AsSpan(0, length));
                    insert.Execute();
                    ids.Clear();
                }

                if (!more)
                {
                    return;
                }

                current = next;
                ids.Add(read.GetInt64(2));
            }
        }
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
