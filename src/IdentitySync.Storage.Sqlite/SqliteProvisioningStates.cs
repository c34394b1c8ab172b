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
        INSERT INTO provisioning_states ({StoredProvisioningState.Columns}) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (resource_type, owner_id) DO UPDATE SET input_digest = excluded.input_digest, entitled = excluded.entitled, body = excluded.body;
        """;

    /// <summary>Writes states with one prepared statement.</summary>
    public static void Save(SqliteConnection connection, IEnumerable<OwnerProvisioningState> states, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Upsert;
        var type = command.Parameters.Add("$1", SqliteType.Text);
        var owner = command.Parameters.Add("$2", SqliteType.Integer);
        var digest = command.Parameters.Add("$3", SqliteType.Integer);
        var entitled = command.Parameters.Add("$4", SqliteType.Integer);
        var body = command.Parameters.Add("$5", SqliteType.Blob);
        foreach (var state in states)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var stored = StoredProvisioningState.Of(state);
            type.Value = stored.ResourceType;
            owner.Value = stored.OwnerId;
            digest.Value = stored.InputDigest;
            entitled.Value = stored.Entitled ? 1 : 0;
            body.Value = stored.Body;
            command.ExecuteNonQuery();
        }
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
