using System.Globalization;
using IdentitySync.Orders;
using Microsoft.Data.Sqlite;

namespace IdentitySync.Storage.Sqlite;

/// <summary>
/// The orders table (schema 11): an order's state, kind, type, owner, resource, times (UTC ticks) and attempts
/// are columns, indexed for <c>orders list --state … --type …</c>; its reason, changes and history are the body.
/// </summary>
internal static class SqliteOrders
{
    /// <summary>The columns of the working and the archived orders, one definition for both tables.</summary>
    private const string ColumnDefinitions = """
            id INTEGER PRIMARY KEY,
            connector TEXT NOT NULL COLLATE NOCASE,
            resource_type TEXT NOT NULL COLLATE NOCASE,
            change_type TEXT NOT NULL,
            kind TEXT NOT NULL,
            state TEXT NOT NULL,
            owner_id INTEGER,
            resource_id INTEGER,
            created_at INTEGER NOT NULL,
            state_changed_at INTEGER NOT NULL,
            attempts INTEGER NOT NULL,
            next_attempt_at INTEGER,
            postponed_until INTEGER,
            is_manual INTEGER NOT NULL,
            body BLOB NOT NULL
        """;

    public const string CreateTable = $"""
        CREATE TABLE orders (
        {ColumnDefinitions});
        CREATE INDEX orders_by_state ON orders (state, resource_type);
        CREATE INDEX orders_by_type ON orders (resource_type, state);
        CREATE INDEX orders_by_owner ON orders (owner_id) WHERE owner_id IS NOT NULL;
        CREATE INDEX orders_by_resource ON orders (resource_id) WHERE resource_id IS NOT NULL;
        """;

    /// <summary>Schema 12: the archive, with the orders' columns, read by id or by type and id.</summary>
    public const string CreateArchive = $"""
        CREATE TABLE archived_orders (
        {ColumnDefinitions});
        CREATE INDEX archived_orders_by_type ON archived_orders (resource_type, id);
        """;

    /// <summary>The next order id: one past the largest ever given, archived or not (ids are never reused).</summary>
    public const string NextId = "SELECT max(coalesce((SELECT max(id) FROM orders), 0), coalesce((SELECT max(id) FROM archived_orders), 0)) + 1;";

    /// <summary>The columns <see cref="Read"/> takes, in its order.</summary>
    public const string Columns = StoredOrder.Columns;

    private const string Upsert = $"""
        INSERT INTO orders ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
        ON CONFLICT (id) DO UPDATE SET connector = excluded.connector, resource_type = excluded.resource_type,
            change_type = excluded.change_type, kind = excluded.kind, state = excluded.state, owner_id = excluded.owner_id,
            resource_id = excluded.resource_id, created_at = excluded.created_at, state_changed_at = excluded.state_changed_at,
            attempts = excluded.attempts, next_attempt_at = excluded.next_attempt_at, postponed_until = excluded.postponed_until,
            is_manual = excluded.is_manual, body = excluded.body;
        """;

    /// <summary>The orders about one resource ($r), as account or owner, newest first (each through its index).</summary>
    /// <summary>The orders of any of the resources (a JSON array of ids in <c>$ids</c>) as account or owner, by id; each through its index.</summary>
    public const string SelectOfResources = $"SELECT {Columns} FROM orders WHERE id IN (SELECT id FROM orders WHERE resource_id IN (SELECT value FROM json_each($ids)) UNION SELECT id FROM orders WHERE owner_id IN (SELECT value FROM json_each($ids))) ORDER BY id";

    public const string SelectOfResource = $"SELECT {Columns} FROM orders WHERE resource_id = $r UNION SELECT {Columns} FROM orders WHERE owner_id = $r ORDER BY id DESC";

    /// <summary>A prepared insert-or-update of one order, parameters bound by <see cref="Bind"/>.</summary>
    public static SqliteCommand UpsertCommand(SqliteConnection connection)
    {
        var command = connection.CreateCommand();
        command.CommandText = Upsert;
        for (var i = 1; i <= 15; i++)
        {
            command.Parameters.Add("$" + i.ToString(CultureInfo.InvariantCulture), SqliteType.Text);
        }

        return command;
    }

    public static void Bind(SqliteCommand command, StoredOrder order)
    {
        var p = command.Parameters;
        p[0].Value = order.Id;
        p[1].Value = order.Connector;
        p[2].Value = order.ResourceType;
        p[3].Value = order.ChangeType.ToString();
        p[4].Value = order.Kind.ToString();
        p[5].Value = order.State.ToString();
        p[6].Value = (object?)order.OwnerId ?? DBNull.Value;
        p[7].Value = (object?)order.ResourceId ?? DBNull.Value;
        p[8].Value = order.CreatedAtTicks;
        p[9].Value = order.StateChangedAtTicks;
        p[10].Value = order.Attempts;
        p[11].Value = (object?)order.NextAttemptAtTicks ?? DBNull.Value;
        p[12].Value = (object?)order.PostponedUntilTicks ?? DBNull.Value;
        p[13].Value = order.IsManual ? 1 : 0;
        p[14].Value = order.Body;
    }

    /// <summary>Sets a command to select orders, oldest first, of a type and in some states (a WHERE clause the indexes serve).</summary>
    /// <param name="command">The command.</param>
    /// <param name="resourceType">Only orders of this resource type, in any case; all when null.</param>
    /// <param name="states">Only orders in these states; all when null, none when empty.</param>
    public static void Select(SqliteCommand command, string? resourceType, IReadOnlyCollection<OrderState>? states)
    {
        var where = new List<string>();
        if (resourceType is not null)
        {
            where.Add("resource_type = $t");
            command.Parameters.AddWithValue("$t", resourceType);
        }

        if (states is not null)
        {
            var names = states.Select(static (s, i) => (Name: "$s" + i.ToString(CultureInfo.InvariantCulture), Value: s.ToString())).ToList();
            where.Add(names.Count == 0 ? "0" : $"state IN ({string.Join(", ", names.Select(static n => n.Name))})");
            foreach (var (name, value) in names)
            {
                command.Parameters.AddWithValue(name, value);
            }
        }

        command.CommandText = $"SELECT {Columns} FROM orders" + (where.Count == 0 ? string.Empty : " WHERE " + string.Join(" AND ", where)) + " ORDER BY id";
    }

    /// <summary>Moves a type's ended orders whose state changed before a time to the archive (in the caller's transaction).</summary>
    /// <param name="connection">An open connection in a transaction.</param>
    /// <param name="resourceType">The resource type, in any case.</param>
    /// <param name="endedBeforeTicks">The time, as UTC ticks.</param>
    /// <returns>How many orders were archived, and what they reach in the change feed (<see cref="ChangeFeedEntries.OfOrder"/>).</returns>
    public static (int Archived, List<long> Reached) Archive(SqliteConnection connection, string resourceType, long endedBeforeTicks)
    {
        var ended = string.Join(", ", StoredOrder.EndedStates.Select(static s => $"'{s}'"));
        var where = $"resource_type = $t AND state IN ({ended}) AND state_changed_at < $b";
        int Run(string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddWithValue("$t", resourceType);
            command.Parameters.AddWithValue("$b", endedBeforeTicks);
            return command.ExecuteNonQuery();
        }

        var reached = new List<long>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT coalesce(resource_id, owner_id) FROM orders WHERE {where}";
            command.Parameters.AddWithValue("$t", resourceType);
            command.Parameters.AddWithValue("$b", endedBeforeTicks);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                if (!reader.IsDBNull(0))
                {
                    reached.Add(reader.GetInt64(0));
                }
            }
        }

        var archived = Run($"INSERT INTO archived_orders ({Columns}) SELECT {Columns} FROM orders WHERE {where}");
        Run($"DELETE FROM orders WHERE {where}");
        return (archived, reached);
    }

    /// <summary>Sets a command to read a page of archived orders by id.</summary>
    /// <param name="command">The command.</param>
    /// <param name="resourceType">Only this resource type; all when null.</param>
    /// <param name="afterId">Only larger ids.</param>
    /// <param name="limit">The page size.</param>
    public static void SelectArchived(SqliteCommand command, string? resourceType, long afterId, int limit)
    {
        command.CommandText = $"SELECT {Columns} FROM archived_orders WHERE id > $a" + (resourceType is null ? string.Empty : " AND resource_type = $t") + " ORDER BY id LIMIT $n";
        command.Parameters.AddWithValue("$a", afterId);
        command.Parameters.AddWithValue("$n", limit);
        if (resourceType is not null)
        {
            command.Parameters.AddWithValue("$t", resourceType);
        }
    }

    /// <summary>Runs a command selecting <see cref="Columns"/> and reads every order it returns.</summary>
    /// <param name="command">The command.</param>
    /// <returns>The orders, in the command's order.</returns>
    public static IReadOnlyList<ProvisioningOrder> ReadAll(SqliteCommand command)
    {
        var found = new List<ProvisioningOrder>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            found.Add(Read(reader));
        }

        return found;
    }

    /// <summary>Reads an order from a row of <see cref="Columns"/>.</summary>
    public static ProvisioningOrder Read(SqliteDataReader reader) => StoredOrder.Read(reader).ToOrder();

    /// <summary>Schema 11: orders kept whole as JSON move into columns and a body.</summary>
    public static void MigrateToColumns(SqliteConnection connection) =>
        SqliteSchema.MoveJsonRows<ProvisioningOrder>(connection, "orders", "ord", "DROP INDEX orders_by_state;", CreateTable, static (c, orders) =>
        {
            using var write = UpsertCommand(c);
            foreach (var order in orders)
            {
                Bind(write, StoredOrder.Of(order));
                write.ExecuteNonQuery();
            }
        });
}
