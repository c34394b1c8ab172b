using IdentitySync.Orders;
using Microsoft.Data.Sqlite;

namespace IdentitySync.Storage.Sqlite;

/// <summary>
/// The provisioning states table (schema 13): per resource type and owner, the input digest and the entitlement
/// are columns, so a generation reads only the digests of every owner; the computed values and links are the
/// body, read for the owners evaluated again.
/// </summary>
internal static class SqliteProvisioningStates
{
    public const string CreateTable = """
        CREATE TABLE provisioning_states (
            resource_type TEXT NOT NULL COLLATE NOCASE,
            owner_id INTEGER NOT NULL,
            input_digest INTEGER NOT NULL,
            entitled INTEGER NOT NULL,
            body BLOB NOT NULL,
            PRIMARY KEY (resource_type, owner_id)) WITHOUT ROWID;
        """;

    public const string SelectDigests = "SELECT owner_id, input_digest FROM provisioning_states WHERE resource_type = $t";

    /// <summary>The states of the owners in <c>$ids</c>, a JSON array of ids, found by the primary key.</summary>
    public const string SelectOwners = $"SELECT {StoredProvisioningState.Columns} FROM provisioning_states WHERE resource_type = $t AND owner_id IN (SELECT value FROM json_each($ids))";

    public const string SelectType = $"SELECT {StoredProvisioningState.Columns} FROM provisioning_states WHERE resource_type = $t";

    private const string Upsert = $"""
        INSERT INTO provisioning_states ({StoredProvisioningState.Columns}) VALUES (?1, ?2, ?3, ?4, ?5)
        ON CONFLICT (resource_type, owner_id) DO UPDATE SET input_digest = excluded.input_digest, entitled = excluded.entitled, body = excluded.body;
        """;

    /// <summary>Writes states with one raw prepared statement, in the primary key's order (a full generation writes a million).</summary>
    public static void Save(SqliteConnection connection, IEnumerable<OwnerProvisioningState> states, CancellationToken cancellationToken)
    {
        using var statement = new RawStatement(connection, Upsert);
        var written = 0;
        foreach (var state in states.OrderBy(static s => s.ResourceType, StringComparer.OrdinalIgnoreCase).ThenBy(static s => s.OwnerId))
        {
            if ((++written & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var stored = StoredProvisioningState.Of(state);
            statement.Bind(1, stored.ResourceType);
            statement.Bind(2, stored.OwnerId);
            statement.Bind(3, stored.InputDigest);
            statement.Bind(4, stored.Entitled ? 1 : 0);
            statement.Bind(5, stored.Body);
            statement.Execute();
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Reads the states a command selects (<see cref="StoredProvisioningState.Columns"/>).</summary>
    public static List<OwnerProvisioningState> ReadAll(SqliteCommand command)
    {
        var found = new List<OwnerProvisioningState>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            found.Add(StoredProvisioningState.Read(reader).ToState());
        }

        return found;
    }

    /// <summary>Schema 13: each state kept whole as JSON becomes columns and a body of its values and links.</summary>
    public static void MigrateToColumns(SqliteConnection connection) =>
        SqliteSchema.MoveJsonRows<OwnerProvisioningState>(connection, "provisioning_states", "state", string.Empty, CreateTable, static (c, rows) => Save(c, rows, CancellationToken.None));
}
