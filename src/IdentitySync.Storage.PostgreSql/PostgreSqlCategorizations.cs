using Npgsql;
using NpgsqlTypes;

namespace IdentitySync.Storage.PostgreSql;

/// <summary>
/// The categorizations table (store version 8): every field of an account's categorization is a column
/// (<see cref="StoredCategorization"/>), read by entity type through an index. <c>{t}</c> is the quoted schema.
/// </summary>
internal static class PostgreSqlCategorizations
{
    /// <summary>Step 8: each categorization kept whole as jsonb becomes a row of columns, in SQL (ticks from the ISO text, to the tick).</summary>
    public static readonly string MigrateToColumns = PostgreSqlSchema.IsoTicksFunction + $"""
        ALTER TABLE {"{s}"}.categorizations RENAME TO categorizations_json;
        DROP INDEX {"{s}"}.categorizations_by_type;
        CREATE TABLE {"{s}"}.categorizations (
            resource_id bigint PRIMARY KEY,
            entity_type text NOT NULL,
            status text NOT NULL,
            resource_type text,
            owner_id bigint,
            confidence integer NOT NULL,
            candidates text,
            reason text,
            account_digest bigint NOT NULL,
            owners_digest bigint NOT NULL,
            at bigint NOT NULL);
        CREATE INDEX categorizations_by_type ON {"{s}"}.categorizations (lower(entity_type));
        INSERT INTO {"{s}"}.categorizations
            SELECT resource_id, entity_type, c->>'status', c->>'resourceType', (c->>'ownerId')::bigint, coalesce((c->>'confidence')::integer, 0),
                (SELECT string_agg(e.value, ',' ORDER BY e.ordinality) FROM jsonb_array_elements_text(c->'candidates') WITH ORDINALITY AS e(value, ordinality)),
                c->>'reason', {PostgreSqlSchema.Bits("c->>'accountDigest'")}, {PostgreSqlSchema.Bits("c->>'ownersDigest'")},
                {"{s}"}.iso_ticks(c->>'at')
            FROM (SELECT resource_id, entity_type, categorization AS c FROM {"{s}"}.categorizations_json) j;
        DROP TABLE {"{s}"}.categorizations_json;
        DROP FUNCTION {"{s}"}.iso_ticks(text);
        """;

    /// <summary>
    /// Store version 13 (decision 117): whether a categorization's owner is gone (<c>owner_gone</c>), set by the
    /// deletion of the owner and computed when a categorization is saved, so that the orphans a categorization asks for
    /// are read from a partial index instead of probing every correlated account's owner (1.2–1.4 s at a million). The
    /// index by entity type goes: the status index leads with the same expression. Two functions let the runtime role
    /// refresh the statistics of categorizations and states after a large save (<see cref="PostgreSqlBulkMerge.AnalyzeAfter"/>).
    /// </summary>
    public static readonly string TrackGoneOwners = """
        ALTER TABLE {s}.categorizations ADD COLUMN owner_gone boolean NOT NULL DEFAULT false;
        UPDATE {s}.categorizations c SET owner_gone = true
            WHERE c.owner_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {s}.resources r WHERE r.id = c.owner_id);
        CREATE INDEX categorizations_owner_gone ON {s}.categorizations (lower(entity_type)) WHERE owner_gone;
        DROP INDEX {s}.categorizations_by_type;

        """ + PostgreSqlSchema.AnalyzeFunction("categorizations") + PostgreSqlSchema.AnalyzeFunction("provisioning_states");

    /// <summary>Sets <c>owner_gone</c> on the categorizations whose owner is among the deleted ids in <c>gone</c> (a CTE of the deleting statement), except those deleted with them.</summary>
    public const string MarkOwnerGone = """
        UPDATE {t}.categorizations c SET owner_gone = true
            WHERE c.owner_id = ANY(ARRAY(SELECT id FROM gone)) AND c.resource_id <> ALL(ARRAY(SELECT id FROM gone))
        """;

    /// <summary>Whether the owner <paramref name="owner"/> (an SQL expression) names no stored resource: the value of <c>owner_gone</c>.</summary>
    private static string OwnerGone(string owner) => $"{owner} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {{t}}.resources r WHERE r.id = {owner})";

    /// <summary>The upsert of one categorization, whether its owner is gone probed.</summary>
    public static readonly string Upsert = $"""
        INSERT INTO {"{t}"}.categorizations ({StoredCategorization.Columns}, owner_gone)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, {OwnerGone("$5::bigint")})
        ON CONFLICT (resource_id) DO UPDATE SET entity_type = excluded.entity_type, status = excluded.status, resource_type = excluded.resource_type,
            owner_id = excluded.owner_id, confidence = excluded.confidence, candidates = excluded.candidates, reason = excluded.reason,
            account_digest = excluded.account_digest, owners_digest = excluded.owners_digest, at = excluded.at, owner_gone = excluded.owner_gone
        """;

    /// <summary>From this many categorizations in one save, they are copied into a temporary table and merged in one statement.</summary>
    public const int CopyFloor = 512;

    /// <summary>
    /// Updates the copied categorizations (<see cref="StageAsync"/>) of accounts that have one, and takes those out of
    /// the copy, so that <see cref="InsertStaged"/> inserts the rest without looking at the table it inserts into.
    /// </summary>
    public static readonly string UpdateStaged = $"""
        WITH updated AS (
            UPDATE {"{t}"}.categorizations c SET entity_type = s.entity_type, status = s.status, resource_type = s.resource_type,
                owner_id = s.owner_id, confidence = s.confidence, candidates = s.candidates, reason = s.reason,
                account_digest = s.account_digest, owners_digest = s.owners_digest, at = s.at,
                owner_gone = {OwnerGone("s.owner_id")}
            FROM categorizations_in s WHERE c.resource_id = s.resource_id
            RETURNING c.resource_id)
        DELETE FROM categorizations_in s USING updated u WHERE s.resource_id = u.resource_id
        """;

    /// <summary>
    /// Inserts the copied categorizations left after <see cref="UpdateStaged"/>: accounts without one. A condition on
    /// the table being inserted into (<c>NOT EXISTS</c>) was planned as a nested loop over it once statistics called it
    /// empty, each row scanning everything inserted before it: minutes for a million.
    /// </summary>
    public static readonly string InsertStaged = $"""
        INSERT INTO {"{t}"}.categorizations ({StoredCategorization.Columns}, owner_gone)
            SELECT {StoredCategorization.Columns}, {OwnerGone("s.owner_id")}
            FROM categorizations_in s
        """;

    /// <summary>What the accounts of the copied categorizations had before: their owners and candidates, for the change feed.</summary>
    public const string SelectStagedBefore = "SELECT c.resource_id, c.owner_id, c.candidates FROM {t}.categorizations c JOIN categorizations_in s ON s.resource_id = c.resource_id";

    /// <summary>What the accounts in $1 (an array) had before: their owners and candidates, for the change feed.</summary>
    public const string SelectBefore = "SELECT resource_id, owner_id, candidates FROM {t}.categorizations WHERE resource_id = ANY($1)";

    /// <summary>
    /// Copies many categorizations, each account once, into a temporary table of the transaction in one binary COPY,
    /// for <see cref="SelectStagedBefore"/>, <see cref="UpdateStaged"/> and <see cref="InsertStaged"/>: a first
    /// categorization of a million accounts was a million upsert statements.
    /// </summary>
    public static Task StageAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<Categorizations.AccountCategorization> categorizations, CancellationToken cancellationToken) =>
        PostgreSqlBulkMerge.StageAsync(
            connection,
            transaction,
            """
            CREATE TEMP TABLE IF NOT EXISTS categorizations_in (resource_id bigint, entity_type text, status text, resource_type text,
                owner_id bigint, confidence integer, candidates text, reason text, account_digest bigint, owners_digest bigint, at bigint) ON COMMIT DROP
            """,
            $"COPY categorizations_in ({StoredCategorization.Columns}) FROM STDIN (FORMAT BINARY)",
            categorizations,
            static async (import, categorization, token) =>
            {
                var stored = StoredCategorization.Of(categorization);
                await import.WriteAsync(stored.ResourceId, NpgsqlDbType.Bigint, token).ConfigureAwait(false);
                await import.WriteAsync(stored.EntityType, NpgsqlDbType.Text, token).ConfigureAwait(false);
                await import.WriteAsync(stored.StatusText, NpgsqlDbType.Text, token).ConfigureAwait(false);
                await WriteOrNullAsync(import, stored.ResourceType, token).ConfigureAwait(false);
                await (stored.OwnerId is { } owner ? import.WriteAsync(owner, NpgsqlDbType.Bigint, token) : import.WriteNullAsync(token)).ConfigureAwait(false);
                await import.WriteAsync(stored.Confidence, NpgsqlDbType.Integer, token).ConfigureAwait(false);
                await WriteOrNullAsync(import, stored.Candidates, token).ConfigureAwait(false);
                await WriteOrNullAsync(import, stored.Reason, token).ConfigureAwait(false);
                await import.WriteAsync(stored.AccountDigest, NpgsqlDbType.Bigint, token).ConfigureAwait(false);
                await import.WriteAsync(stored.OwnersDigest, NpgsqlDbType.Bigint, token).ConfigureAwait(false);
                await import.WriteAsync(stored.AtTicks, NpgsqlDbType.Bigint, token).ConfigureAwait(false);
            },
            cancellationToken);

    private static Task WriteOrNullAsync(NpgsqlBinaryImporter import, string? text, CancellationToken cancellationToken) =>
        text is null ? import.WriteNullAsync(cancellationToken) : import.WriteAsync(text, NpgsqlDbType.Text, cancellationToken);

    /// <summary>The categorizations of an entity type ($1, any case).</summary>
    public const string SelectType = $"SELECT {StoredCategorization.Columns} FROM {{t}}.categorizations WHERE lower(entity_type) = lower($1)";

    /// <summary>
    /// The categorizations a <see cref="CategorizationQuery"/> names, without the reasons when the query leaves them out:
    /// $1 the entity type, $2 accounts, $3 owners, $4 statuses (arrays, or null for no filter), $5 the resource type or
    /// null, $6 only those with an owner; <c>{t}</c> is the quoted schema.
    /// </summary>
    public static string Select(CategorizationQuery query) => $"SELECT {StoredCategorization.ColumnsFor(query)} FROM {{t}}.categorizations" + QueryFilter;

    /// <summary>How many categorizations a query names; the parameters of <see cref="Select"/>.</summary>
    public const string CountQuery = "SELECT count(*) FROM {t}.categorizations" + QueryFilter;

    /// <summary>Store version 10: categorizations found by owner, and by entity type and status.</summary>
    public const string CreateQueryIndexes = """
        CREATE INDEX categorizations_by_owner ON {s}.categorizations (owner_id) WHERE owner_id IS NOT NULL;
        CREATE INDEX categorizations_by_status ON {s}.categorizations (lower(entity_type), status, lower(resource_type), owner_id);
        """;

    private const string QueryFilter = """
         WHERE lower(entity_type) = lower($1)
            AND ($2::bigint[] IS NULL OR resource_id = ANY($2))
            AND ($3::bigint[] IS NULL OR owner_id = ANY($3))
            AND ($4::text[] IS NULL OR status = ANY($4))
            AND ($5::text IS NULL OR lower(resource_type) = lower($5))
            AND (NOT $6 OR owner_id IS NOT NULL)
            AND (NOT $7 OR (owner_id IS NOT NULL AND owner_gone))
        """;

    /// <summary>The parameters of <see cref="Select"/> and <see cref="CountQuery"/>.</summary>
    public static object[] Parameters(CategorizationQuery query) =>
    [
        query.EntityType,
        query.ResourceIds is null ? DBNull.Value : query.ResourceIds.ToArray(),
        query.OwnerIds is null ? DBNull.Value : query.OwnerIds.ToArray(),
        query.Statuses is null ? DBNull.Value : query.Statuses.Select(static s => s.ToString()).ToArray(),
        (object?)query.ResourceType ?? DBNull.Value,
        query.OwnedOnly,
        query.OwnerMissing,
    ];

    /// <summary>The parameters of <see cref="Upsert"/> for a categorization, nulls typed.</summary>
    public static NpgsqlBatchCommand Command(string sql, StoredCategorization categorization)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = categorization.ResourceId });
        command.Parameters.Add(new NpgsqlParameter { Value = categorization.EntityType });
        command.Parameters.Add(new NpgsqlParameter { Value = categorization.StatusText });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)categorization.ResourceType ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = (object?)categorization.OwnerId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = categorization.Confidence });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)categorization.Candidates ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)categorization.Reason ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = categorization.AccountDigest });
        command.Parameters.Add(new NpgsqlParameter { Value = categorization.OwnersDigest });
        command.Parameters.Add(new NpgsqlParameter { Value = categorization.AtTicks });
        return command;
    }
}
