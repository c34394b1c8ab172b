using Npgsql;

namespace IdentitySync.Storage.PostgreSql;

/// <summary>
/// The change feed's tables (store version 9): the head, each committed write's version and time, the resources it
/// touched by version, and each consumer's position (<see cref="IChangeFeedStore"/>). A write takes its version as
/// its last statement, by updating the one head row: the row stays locked until the write commits, so versions
/// commit in their order even with several hosts writing, and a consumer that read the head never misses a version
/// below it that commits later. <c>{t}</c> is the quoted schema.
/// </summary>
internal static class PostgreSqlChangeFeed
{
    /// <summary>The migration to store version 9; <c>{s}</c> is the quoted schema.</summary>
    public const string Create = """
        CREATE TABLE {s}.change_feed_head (single boolean PRIMARY KEY DEFAULT true CHECK (single), version bigint NOT NULL);
        INSERT INTO {s}.change_feed_head (version) VALUES (0);
        CREATE TABLE {s}.change_feed_versions (version bigint PRIMARY KEY, at timestamptz NOT NULL);
        CREATE TABLE {s}.change_feed (version bigint NOT NULL, resource_id bigint NOT NULL, PRIMARY KEY (version, resource_id));
        CREATE TABLE {s}.change_feed_consumers (consumer text PRIMARY KEY, version bigint NOT NULL, fingerprint bigint NOT NULL);
        """;

    /// <summary>The head: the newest version, and the version before the oldest kept.</summary>
    public const string SelectHead = "SELECT version, coalesce((SELECT min(version) - 1 FROM {t}.change_feed_versions), 0) FROM {t}.change_feed_head";

    /// <summary>The ids of versions after $1 up to $2, in keyset pages after ($3, $4) of $5 rows.</summary>
    public const string SelectIds = """
        SELECT version, resource_id FROM {t}.change_feed
        WHERE version > $1 AND version <= $2 AND (version, resource_id) > ($3, $4)
        ORDER BY version, resource_id LIMIT $5
        """;

    public const string SelectPosition = "SELECT version, fingerprint FROM {t}.change_feed_consumers WHERE consumer = $1";

    public const string UpsertPosition = """
        INSERT INTO {t}.change_feed_consumers (consumer, version, fingerprint) VALUES ($1, $2, $3)
        ON CONFLICT (consumer) DO UPDATE SET version = excluded.version, fingerprint = excluded.fingerprint
        """;

    /// <summary>What a write touched, from the writer's temporary table (<see cref="PostgreSqlChangeSetWriter.CreateTemporaryTables"/>), where an id may be more than once.</summary>
    public const string FromTouched = "SELECT DISTINCT id FROM feed_touched";

    /// <summary>
    /// What a write touched, from the writer's temporary table, where each id is once: a million ids of a first load
    /// are not made distinct again (a hash of them took a second).
    /// </summary>
    public const string FromTouchedOnce = "SELECT id FROM feed_touched";

    /// <summary>What a write touched, from an array parameter ($1) in ascending order, each id once (<see cref="RecordIdsAsync"/>).</summary>
    private const string FromSortedArray = "SELECT unnest($1::bigint[])";

    /// <summary>
    /// Records the ids a write touched (in any order, any number of times) as <see cref="RecordAsync"/> does, sent in
    /// ascending order and each once: the feed's primary key then grows at its end, where two million ids made
    /// distinct by the server went into it in a hash's order (a million categorizations' feed: 10 s).
    /// </summary>
    public static Task RecordIdsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string tables, IEnumerable<long> ids, TimeSpan retention, CancellationToken cancellationToken)
    {
        var sorted = ChangeFeedEntries.SortedDistinct(ids);
        return sorted.Count >= CopyFloor
            ? CopyAsync(connection, transaction, tables, sorted, retention, cancellationToken)
            : RecordAsync(connection, transaction, tables, FromSortedArray, sorted.ToArray(), retention, cancellationToken);
    }

    /// <summary>From this many ids, <see cref="RecordIdsAsync"/> copies them into the feed in one binary COPY.</summary>
    public const int CopyFloor = 512;

    /// <summary>
    /// Takes the next version, then copies the ids (ascending, each once) into the feed under it in one binary COPY:
    /// two million ids went in 25 % faster than through <c>INSERT … SELECT unnest(…)</c> in <c>psql</c>. The head row
    /// stays locked from the version's update to the commit, as with <see cref="RecordAsync"/>.
    /// </summary>
    private static async Task CopyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string tables, ReadOnlyMemory<long> ids, TimeSpan retention, CancellationToken cancellationToken)
    {
        long version;
        using (var take = new NpgsqlCommand($"WITH {NextVersion(tables, string.Empty)} SELECT version FROM v", connection, transaction))
        {
            version = (long)(await take.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        var import = await connection.BeginBinaryImportAsync($"COPY {tables}.change_feed (version, resource_id) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        await using (import.ConfigureAwait(false))
        {
            for (var i = 0; i < ids.Length; i++)
            {
                await import.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await import.WriteAsync(version, NpgsqlTypes.NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await import.WriteAsync(ids.Span[i], NpgsqlTypes.NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
            }

            await import.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        await PruneAsync(connection, transaction, tables, version, retention, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Records the resources a write touched (<paramref name="source"/>, a query of one id column, each id once) under the next
    /// version, as the write's last statements before its commit, and prunes the versions older than the retention
    /// (the newest always stays). No version is taken when nothing was touched.
    /// </summary>
    public static async Task RecordAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string tables, string source, long[]? ids, TimeSpan retention, CancellationToken cancellationToken)
    {
        if (ids is { Length: 0 })
        {
            return;
        }

        var record = $"""
            WITH touched AS (SELECT id FROM ({source}) x(id) WHERE id IS NOT NULL),
                 {NextVersion(tables, " WHERE EXISTS (SELECT 1 FROM touched)")},
                 entries AS (INSERT INTO {tables}.change_feed (version, resource_id) SELECT v.version, touched.id FROM v, touched)
            SELECT version FROM v
            """;
        long version;
        using (var command = new NpgsqlCommand(record, connection, transaction))
        {
            if (ids is not null)
            {
                command.Parameters.AddWithValue(ids);
            }

            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not long taken)
            {
                return;
            }

            version = taken;
        }

        await PruneAsync(connection, transaction, tables, version, retention, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The common table expressions that take the next version (<c>v</c>, by updating the head row, which stays locked
    /// until the commit) when <paramref name="condition"/> holds, and record its time.
    /// </summary>
    private static string NextVersion(string tables, string condition) => $"""
        v AS (UPDATE {tables}.change_feed_head SET version = version + 1{condition} RETURNING version),
             at AS (INSERT INTO {tables}.change_feed_versions (version, at) SELECT version, clock_timestamp() FROM v)
        """;

    /// <summary>Drops the versions older than the retention, the newest (<paramref name="version"/>) always kept.</summary>
    private static async Task PruneAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string tables, long version, TimeSpan retention, CancellationToken cancellationToken)
    {
        using var prune = new NpgsqlCommand(
            $"""
            WITH kept AS (SELECT coalesce((SELECT version FROM {tables}.change_feed_versions WHERE at > clock_timestamp() - $1::interval ORDER BY version LIMIT 1), $2) AS first),
                 entries AS (DELETE FROM {tables}.change_feed WHERE version < (SELECT first FROM kept))
            DELETE FROM {tables}.change_feed_versions WHERE version < (SELECT first FROM kept)
            """,
            connection,
            transaction);
        prune.Parameters.AddWithValue(retention);
        prune.Parameters.AddWithValue(version);
        await prune.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
