using Npgsql;
using NpgsqlTypes;

namespace IdentitySync.Storage.PostgreSql;

/// <summary>
/// The provisioning states table (store version 7): per resource type (lower case) and owner, the input digest
/// and the entitlement are columns, so a generation reads only the digests of every owner; the computed values
/// and links are the jsonb body, read for the owners evaluated again. <c>{t}</c> is the quoted schema.
/// </summary>
internal static class PostgreSqlProvisioningStates
{
    /// <summary>Step 7: each state kept whole as jsonb becomes columns and a body, in SQL (the unsigned digest's bits kept in a bigint).</summary>
    public static readonly string MigrateToColumns = $"""
        ALTER TABLE {"{s}"}.provisioning_states ADD COLUMN input_digest bigint, ADD COLUMN entitled boolean, ADD COLUMN body jsonb;
        UPDATE {"{s}"}.provisioning_states SET
            input_digest = {PostgreSqlSchema.Bits("state->>'inputDigest'")},
            entitled = coalesce((state->>'entitled')::boolean, false),
            body = jsonb_build_object('values', coalesce(state->'values', jsonb_build_object()), 'links', coalesce(state->'links', jsonb_build_object()));
        ALTER TABLE {"{s}"}.provisioning_states DROP COLUMN state,
            ALTER COLUMN input_digest SET NOT NULL, ALTER COLUMN entitled SET NOT NULL, ALTER COLUMN body SET NOT NULL;
        """;

    /// <summary>The upsert of one state; the last parameter is the jsonb body.</summary>
    public const string Upsert = $"""
        INSERT INTO {"{t}"}.provisioning_states ({StoredProvisioningState.Columns}) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (resource_type, owner_id) DO UPDATE SET input_digest = excluded.input_digest, entitled = excluded.entitled, body = excluded.body
        """;

    /// <summary>A page of a type's digests ($1) by owner id, after $2, at most $3.</summary>
    public const string SelectDigests = "SELECT owner_id, input_digest FROM {t}.provisioning_states WHERE resource_type = lower($1) AND owner_id > $2 ORDER BY owner_id LIMIT $3";

    /// <summary>The states of a type ($1) for the owners in $2 (an array), by the primary key.</summary>
    public const string SelectOwners = $"SELECT {StoredProvisioningState.Columns} FROM {{t}}.provisioning_states WHERE resource_type = lower($1) AND owner_id = ANY($2)";

    /// <summary>Every state of a type ($1).</summary>
    public const string SelectType = $"SELECT {StoredProvisioningState.Columns} FROM {{t}}.provisioning_states WHERE resource_type = lower($1)";

    /// <summary>From this many states in one save, they are copied into a temporary table and merged in one statement.</summary>
    public const int CopyFloor = 512;

    /// <summary>
    /// Updates the copied states (<see cref="StageAsync"/>) of owners that have one, and takes those out of the copy, so
    /// that <see cref="InsertStaged"/> inserts the rest without looking at the table it inserts into.
    /// </summary>
    public const string UpdateStaged = """
        WITH updated AS (
            UPDATE {t}.provisioning_states p SET input_digest = s.input_digest, entitled = s.entitled, body = s.body
            FROM provisioning_states_in s WHERE p.resource_type = s.resource_type AND p.owner_id = s.owner_id
            RETURNING p.resource_type, p.owner_id)
        DELETE FROM provisioning_states_in s USING updated u WHERE s.resource_type = u.resource_type AND s.owner_id = u.owner_id
        """;

    /// <summary>Inserts the copied states left after <see cref="UpdateStaged"/>: owners without one of that type.</summary>
    public const string InsertStaged = $"""
        INSERT INTO {"{t}"}.provisioning_states ({StoredProvisioningState.Columns})
            SELECT {StoredProvisioningState.Columns} FROM provisioning_states_in
        """;

    /// <summary>
    /// Copies many states, each owner's once, into a temporary table of the transaction in one binary COPY, for
    /// <see cref="UpdateStaged"/> and <see cref="InsertStaged"/>: a full generation for a million people saved a
    /// million states one upsert each.
    /// </summary>
    public static Task StageAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<Orders.OwnerProvisioningState> states, CancellationToken cancellationToken) =>
        PostgreSqlBulkMerge.StageAsync(
            connection,
            transaction,
            "CREATE TEMP TABLE IF NOT EXISTS provisioning_states_in (resource_type text, owner_id bigint, input_digest bigint, entitled boolean, body jsonb) ON COMMIT DROP",
            $"COPY provisioning_states_in ({StoredProvisioningState.Columns}) FROM STDIN (FORMAT BINARY)",
            states,
            static async (import, state, token) =>
            {
                var stored = StoredProvisioningState.Of(state);
                await import.WriteAsync(stored.ResourceType.ToLowerInvariant(), NpgsqlDbType.Text, token).ConfigureAwait(false);
                await import.WriteAsync(stored.OwnerId, NpgsqlDbType.Bigint, token).ConfigureAwait(false);
                await import.WriteAsync(stored.InputDigest, NpgsqlDbType.Bigint, token).ConfigureAwait(false);
                await import.WriteAsync(stored.Entitled, NpgsqlDbType.Boolean, token).ConfigureAwait(false);
                await import.WriteAsync(System.Text.Encoding.UTF8.GetString(stored.Body), NpgsqlDbType.Jsonb, token).ConfigureAwait(false);
            },
            cancellationToken);

    /// <summary>The parameters of <see cref="Upsert"/> for a state, the type in lower case.</summary>
    public static object[] Row(StoredProvisioningState state) =>
        [state.ResourceType.ToLowerInvariant(), state.OwnerId, state.InputDigest, state.Entitled, System.Text.Encoding.UTF8.GetString(state.Body)];
}
