using IdentitySync.ChangeSets;
using Microsoft.Data.Sqlite;

namespace IdentitySync.Storage.Sqlite;

/// <summary>
/// Blocked change sets kept as a header in <c>connector_state.blocked</c> and their rows in pages
/// (<c>blocked_pages</c>), written and deleted in the caller's transaction (decision 92).
/// </summary>
internal static class SqliteBlockedChangeSets
{
    /// <summary>Schema step 17: the pages of blocked change sets, by connector, scope, list and page.</summary>
    public const string CreateTable = """
        CREATE TABLE blocked_pages (
            connector TEXT NOT NULL COLLATE NOCASE,
            spool TEXT NOT NULL,
            scope INTEGER NOT NULL,
            list INTEGER NOT NULL,
            page INTEGER NOT NULL,
            body BLOB NOT NULL,
            PRIMARY KEY (connector, scope, list, page));
        """;

    /// <summary>
    /// Keeps a connector's blocked change set in the connection's open transaction: removes the pages of any
    /// other, writes this one's unless the store holds them already (the same spool kept through a commit).
    /// </summary>
    /// <param name="connection">The connection, in a transaction.</param>
    /// <param name="connector">The connector.</param>
    /// <param name="blocked">The change set, or <see langword="null"/> to remove the connector's.</param>
    /// <returns>The header to keep in <c>connector_state.blocked</c>; <see langword="null"/> for none.</returns>
    public static byte[]? Write(SqliteConnection connection, string connector, ChangeSet? blocked)
    {
        if (blocked is null)
        {
            Execute(connection, "DELETE FROM blocked_pages WHERE connector = $c", ("$c", connector));
            return null;
        }

        var spool = ChangeSetSpool.Spool(blocked);
        Execute(connection, "DELETE FROM blocked_pages WHERE connector = $c AND spool <> $s", ("$c", connector), ("$s", spool.Id));
        using (var held = connection.CreateCommand())
        {
            held.CommandText = "SELECT EXISTS (SELECT 1 FROM blocked_pages WHERE connector = $c AND spool = $s)";
            held.Parameters.AddWithValue("$c", connector);
            held.Parameters.AddWithValue("$s", spool.Id);
            if ((long)held.ExecuteScalar()! == 1)
            {
                return spool.Header;
            }
        }

        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO blocked_pages (connector, spool, scope, list, page, body) VALUES ($c, $s, $scope, $list, $page, $body)";
        insert.Parameters.AddWithValue("$c", connector);
        insert.Parameters.AddWithValue("$s", spool.Id);
        var scope = insert.Parameters.Add("$scope", SqliteType.Integer);
        var list = insert.Parameters.Add("$list", SqliteType.Integer);
        var page = insert.Parameters.Add("$page", SqliteType.Integer);
        var body = insert.Parameters.Add("$body", SqliteType.Blob);
        foreach (var next in spool.Pages)
        {
            scope.Value = next.Scope;
            list.Value = (int)next.List;
            page.Value = next.Index;
            body.Value = next.Body;
            insert.ExecuteNonQuery();
        }

        return spool.Header;
    }

    /// <summary>Reads a kept change set: its header now, each page when a list reaches it, on a connection of its own.</summary>
    /// <param name="store">The store, whose connections read the pages.</param>
    /// <param name="connector">The connector.</param>
    /// <param name="stored">The header (or, from a store before spools, the whole change set).</param>
    /// <returns>The change set.</returns>
    public static ChangeSet Open(SqliteResourceStore store, string connector, byte[] stored) =>
        ChangeSetSpool.Open(stored, (spool, scope, list, index) =>
        {
            try
            {
                using var connection = store.Open();
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT body FROM blocked_pages WHERE connector = $c AND scope = $scope AND list = $list AND page = $page AND spool = $s";
                command.Parameters.AddWithValue("$c", connector);
                command.Parameters.AddWithValue("$scope", scope);
                command.Parameters.AddWithValue("$list", (int)list);
                command.Parameters.AddWithValue("$page", index);
                command.Parameters.AddWithValue("$s", spool);
                return command.ExecuteScalar() as byte[];
            }
            catch (SqliteException exception) when (SqliteFailures.IsStorage(exception))
            {
                throw SqliteFailures.Unavailable(store.Path, exception);
            }
        });

    private static void Execute(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.ExecuteNonQuery();
    }
}
