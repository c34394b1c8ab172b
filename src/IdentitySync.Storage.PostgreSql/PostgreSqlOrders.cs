using IdentitySync.Orders;
using Npgsql;
using NpgsqlTypes;

namespace IdentitySync.Storage.PostgreSql;

/// <summary>
/// The orders table (store version 5): an order's state, kind, type, owner, resource, times (UTC ticks, so an
/// order reads back to the tick; timestamptz keeps microseconds) and attempts are columns, indexed for
/// <c>orders list --state … --type …</c>; its reason, changes and history are the jsonb body.
/// </summary>
internal static class PostgreSqlOrders
{
    /// <summary>The columns of the working and the archived orders, one definition for both tables.</summary>
    private const string ColumnDefinitions = """
            id bigint PRIMARY KEY,
            connector text NOT NULL,
            resource_type text NOT NULL,
            change_type text NOT NULL,
            kind text NOT NULL,
            state text NOT NULL,
            owner_id bigint,
            resource_id bigint,
            created_at bigint NOT NULL,
            state_changed_at bigint NOT NULL,
            attempts integer NOT NULL,
            next_attempt_at bigint,
            postponed_until bigint,
            is_manual boolean NOT NULL,
            body jsonb NOT NULL
        """;

    /// <summary>Step 5: orders kept whole as jsonb move into columns and a body, in SQL (ticks from the ISO text, to the tick).</summary>
    public static readonly string MigrateToColumns = PostgreSqlSchema.IsoTicksFunction + """
        ALTER TABLE {s}.orders RENAME TO orders_json;
        DROP INDEX {s}.orders_by_state;
        DROP INDEX {s}.orders_by_type;
        CREATE TABLE {s}.orders (
            {columns});
        CREATE INDEX orders_by_state ON {s}.orders (state, lower(resource_type));
        CREATE INDEX orders_by_type ON {s}.orders (lower(resource_type), state);
        CREATE INDEX orders_by_owner ON {s}.orders (owner_id) WHERE owner_id IS NOT NULL;
        CREATE INDEX orders_by_resource ON {s}.orders (resource_id) WHERE resource_id IS NOT NULL;
        INSERT INTO {s}.orders
            SELECT id, ord->>'connector', ord->>'resourceType', ord->>'changeType', coalesce(ord->>'kind', 'Rule'), ord->>'state',
                (ord->'owner'->>'id')::bigint, (ord->'resource'->>'id')::bigint,
                {s}.iso_ticks(ord->>'createdAt'), {s}.iso_ticks(ord->>'stateChangedAt'), coalesce((ord->>'attempts')::integer, 0),
                {s}.iso_ticks(ord->>'nextAttemptAt'), {s}.iso_ticks(ord->>'postponedUntil'), coalesce((ord->>'isManual')::boolean, false),
                jsonb_build_object(
                    'reason', ord->'reason', 'changes', ord->'changes', 'navigation', ord->'navigation', 'arguments', ord->'arguments',
                    'message', ord->'message', 'history', ord->'history',
                    'ownerKey', ord->'owner'->'key', 'ownerDisplayName', ord->'owner'->'displayName',
                    'resourceKey', ord->'resource'->'key', 'resourceValues', ord->'resource'->'values')
            FROM {s}.orders_json;
        DROP TABLE {s}.orders_json;
        DROP FUNCTION {s}.iso_ticks(text);
        """.Replace("{columns}", ColumnDefinitions, StringComparison.Ordinal);

    /// <summary>Step 6: the archive, with the orders' columns, read by id or by type and id.</summary>
    public static readonly string CreateArchive = """
        CREATE TABLE {s}.archived_orders (
            {columns});
        CREATE INDEX archived_orders_by_type ON {s}.archived_orders (lower(resource_type), id);
        """.Replace("{columns}", ColumnDefinitions, StringComparison.Ordinal);

    /// <summary>The next order id, one past the largest ever given, archived or not; <c>{t}</c> is the quoted schema.</summary>
    public const string NextId = "SELECT greatest((SELECT coalesce(max(id), 0) FROM {t}.orders), (SELECT coalesce(max(id), 0) FROM {t}.archived_orders)) + 1";

    /// <summary>
    /// Moves a type's ended orders ($2, state names) whose state changed before $3 (ticks) to the archive in one
    /// statement; $1 the type in any case; <c>{t}</c> is the quoted schema. Returns what each order archived reaches in the change feed: its account, or its owner.
    /// </summary>
    public const string Archive = $"""
        WITH moved AS (
            DELETE FROM {"{t}"}.orders WHERE lower(resource_type) = lower($1) AND state = ANY($2) AND state_changed_at < $3
            RETURNING {Columns}),
             archived AS (INSERT INTO {"{t}"}.archived_orders ({Columns}) SELECT {Columns} FROM moved)
        SELECT coalesce(resource_id, owner_id) FROM moved
        """;

    /// <summary>A page of archived orders by id; $1 type or null, $2 after this id, $3 the page size; <c>{t}</c> is the quoted schema.</summary>
    public const string SelectArchived = $"SELECT {Columns} FROM {{t}}.archived_orders WHERE ($1::text IS NULL OR lower(resource_type) = lower($1)) AND id > $2 ORDER BY id LIMIT $3";

    /// <summary>The columns <see cref="Read"/> takes, in its order.</summary>
    public const string Columns = StoredOrder.Columns;

    /// <summary>The upsert of one order; <c>{t}</c> is the quoted schema.</summary>
    public const string Upsert = $"""
        INSERT INTO {"{t}"}.orders ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
        ON CONFLICT (id) DO UPDATE SET connector = excluded.connector, resource_type = excluded.resource_type,
            change_type = excluded.change_type, kind = excluded.kind, state = excluded.state, owner_id = excluded.owner_id,
            resource_id = excluded.resource_id, created_at = excluded.created_at, state_changed_at = excluded.state_changed_at,
            attempts = excluded.attempts, next_attempt_at = excluded.next_attempt_at, postponed_until = excluded.postponed_until,
            is_manual = excluded.is_manual, body = excluded.body
        """;

    /// <summary>Orders of a type (any case) and in some states, oldest first; <c>{t}</c> is the quoted schema. $1 type or null, $2 states or null.</summary>
    public const string Select = $"SELECT {Columns} FROM {{t}}.orders WHERE ($1::text IS NULL OR lower(resource_type) = lower($1)) AND ($2::text[] IS NULL OR state = ANY($2)) ORDER BY id";

    /// <summary>The orders about one resource (as account or owner), newest first; <c>{t}</c> is the quoted schema. $1 the resource's id.</summary>
    /// <summary>The orders of any of the resources (<c>$1</c>, an array of ids) as account or owner, by id; each through its index.</summary>
    public const string SelectOfResources = $"SELECT {Columns} FROM {{t}}.orders WHERE id IN (SELECT id FROM {{t}}.orders WHERE resource_id = ANY($1) UNION SELECT id FROM {{t}}.orders WHERE owner_id = ANY($1)) ORDER BY id";

    public const string SelectOfResource = $"SELECT {Columns} FROM {{t}}.orders WHERE resource_id = $1 UNION SELECT {Columns} FROM {{t}}.orders WHERE owner_id = $1 ORDER BY id DESC";

    /// <summary>One order by id; <c>{t}</c> is the quoted schema.</summary>
    public const string SelectOne = $"SELECT {Columns} FROM {{t}}.orders WHERE id = $1";

    /// <summary>The parameters of <see cref="Upsert"/> for an order.</summary>
    public static NpgsqlBatchCommand Command(string sql, StoredOrder order)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = order.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = order.Connector });
        command.Parameters.Add(new NpgsqlParameter { Value = order.ResourceType });
        command.Parameters.Add(new NpgsqlParameter { Value = order.ChangeType.ToString() });
        command.Parameters.Add(new NpgsqlParameter { Value = order.Kind.ToString() });
        command.Parameters.Add(new NpgsqlParameter { Value = order.State.ToString() });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = (object?)order.OwnerId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = (object?)order.ResourceId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = order.CreatedAtTicks });
        command.Parameters.Add(new NpgsqlParameter { Value = order.StateChangedAtTicks });
        command.Parameters.Add(new NpgsqlParameter { Value = order.Attempts });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = (object?)order.NextAttemptAtTicks ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = (object?)order.PostponedUntilTicks ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = order.IsManual });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = System.Text.Encoding.UTF8.GetString(order.Body) });
        return command;
    }

    /// <summary>Reads an order from a row of <see cref="Columns"/>.</summary>
    public static ProvisioningOrder Read(NpgsqlDataReader reader) => StoredOrder.Read(reader).ToOrder();
}
