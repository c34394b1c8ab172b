using Microsoft.Data.Sqlite;

namespace IdentitySync.Storage.Sqlite;

/// <summary>
/// The change feed's tables (schema 15): each committed write's version and time, the resources it touched by
/// version, and each consumer's position (<see cref="IChangeFeedStore"/>). Writes record inside their own
/// transaction, so a version exists exactly when its write committed; the file's single writer numbers them in
/// commit order.
/// </summary>
internal static class SqliteChangeFeed
{
    public const string CreateTables = """
        CREATE TABLE change_feed_versions (version INTEGER PRIMARY KEY, at INTEGER NOT NULL);
        CREATE TABLE change_feed (version INTEGER NOT NULL, resource_id INTEGER NOT NULL, PRIMARY KEY (version, resource_id)) WITHOUT ROWID;
        CREATE TABLE change_feed_consumers (consumer TEXT PRIMARY KEY, version INTEGER NOT NULL, fingerprint INTEGER NOT NULL);
        """;

    /// <summary>The head: the newest version, and the version before the oldest kept (0 and 0 before the first write).</summary>
    public const string SelectHead = "SELECT coalesce(max(version), 0), coalesce(min(version) - 1, 0) FROM change_feed_versions";

    public const string SelectIds = "SELECT resource_id FROM change_feed WHERE version > ?1 AND version <= ?2 ORDER BY version, resource_id";

    /// <summary>Records every id from ?2 through ?3 under version ?1, in ascending order.</summary>
    private const string InsertRun = """
        WITH RECURSIVE run(id) AS (SELECT ?2 UNION ALL SELECT id + 1 FROM run WHERE id < ?3)
        INSERT INTO change_feed (version, resource_id) SELECT ?1, id FROM run
        """;

    // Runs at least this long are inserted by one statement.
    private const int ShortestRun = 16;

    public const string SelectPosition = "SELECT version, fingerprint FROM change_feed_consumers WHERE consumer = ?1";

    public const string UpsertPosition = """
        INSERT INTO change_feed_consumers (consumer, version, fingerprint) VALUES (?1, ?2, ?3)
        ON CONFLICT (consumer) DO UPDATE SET version = excluded.version, fingerprint = excluded.fingerprint
        """;

    /// <summary>
    /// Records the resources a write touched under the next version, inside the write's transaction, and prunes the
    /// versions older than the retention (the newest always stays). Nothing when no resource was touched.
    /// </summary>
    public static void Record(SqliteConnection connection, IEnumerable<long> ids, SqliteStoreOptions options) =>
        Record(connection, ChangeFeedEntries.SortedDistinct(ids), options);

    /// <summary>Records ids already ascending and distinct (<see cref="ChangeFeedEntries.SortedDistinct"/>) under the next version, as <see cref="Record(SqliteConnection, IEnumerable{long}, SqliteStoreOptions)"/> does.</summary>
    public static void Record(SqliteConnection connection, ArraySegment<long> distinctAscending, SqliteStoreOptions options)
    {
        if (distinctAscending.Count == 0)
        {
            return;
        }

        // Inserted in key order.
        var distinct = distinctAscending.AsSpan();

        var now = options.TimeProvider.GetUtcNow().UtcTicks;
        var version = SqliteSchema.Scalar(connection, "SELECT coalesce(max(version), 0) + 1 FROM change_feed_versions");
        using (var insertVersion = new RawStatement(connection, "INSERT INTO change_feed_versions (version, at) VALUES (?1, ?2)"))
        {
            insertVersion.Bind(1, version);
            insertVersion.Bind(2, now);
            insertVersion.Execute();
        }

        // Ids in runs (a first load's resources are numbered one after another) are inserted a run per statement,
        // counted out by SQLite itself: a million ids are not a million calls. Short runs go one id per call.
        using (var insert = new RawStatement(connection, "INSERT INTO change_feed (version, resource_id) VALUES (?1, ?2)"))
        using (var insertRun = new RawStatement(connection, InsertRun))
        {
            for (var start = 0; start < distinct.Length;)
            {
                var end = start + 1;
                while (end < distinct.Length && distinct[end] == distinct[end - 1] + 1)
                {
                    end++;
                }

                if (end - start >= ShortestRun)
                {
                    insertRun.Bind(1, version);
                    insertRun.Bind(2, distinct[start]);
                    insertRun.Bind(3, distinct[end - 1]);
                    insertRun.Execute();
                }
                else
                {
                    for (var i = start; i < end; i++)
                    {
                        insert.Bind(1, version);
                        insert.Bind(2, distinct[i]);
                        insert.Execute();
                    }
                }

                start = end;
            }
        }

        // The oldest version still within the retention; versions are timed in commit order, so everything before it goes.
        var firstKept = SqliteSchema.Scalar(connection, $"SELECT coalesce((SELECT version FROM change_feed_versions WHERE at > {now - options.ChangeFeedRetention.Ticks} ORDER BY version LIMIT 1), {version})");
        SqliteSchema.Execute(connection, $"DELETE FROM change_feed WHERE version < {firstKept}; DELETE FROM change_feed_versions WHERE version < {firstKept};");
    }
}
