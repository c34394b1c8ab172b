using IdentitySync.ChangeSets;
using Npgsql;
using NpgsqlTypes;

namespace IdentitySync.Storage.PostgreSql;

/// <summary>
/// Blocked change sets kept as a header in <c>connector_state.blocked</c> and their rows in pages
/// (<c>blocked_pages</c>), written and deleted in the caller's transaction (decision 92).
/// </summary>
internal static class PostgreSqlBlockedChangeSets
{
    /// <summary>Schema step 11: the pages of blocked change sets, by connector, scope, list and page.</summary>
    public const string CreateTable = """
        CREATE TABLE {s}.blocked_pages (
            connector text NOT NULL,
            spool text NOT NULL,
            scope integer NOT NULL,
            list smallint NOT NULL,
            page integer NOT NULL,
            body bytea NOT NULL,
            PRIMARY KEY (connector, scope, list, page));
        """;

    /// <summary>
    /// Keeps a connector's blocked change set in the transaction: removes the pages of any other, writes this
    /// one's unless the store holds them already (the same spool kept through a commit).
    /// </summary>
    /// <param name="connection">The connection.</param>
    /// <param name="transaction">Its open transaction.</param>
    /// <param name="tables">The quoted schema.</param>
    /// <param name="connector">The connector's key.</param>
    /// <param name="blocked">The change set, or <see langword="null"/> to remove the connector's.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    /// <returns>The header to keep in <c>connector_state.blocked</c>; <see langword="null"/> for none.</returns>
    public static async Task<byte[]?> WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string tables, string connector, ChangeSet? blocked, CancellationToken cancellationToken)
    {
        if (blocked is null)
        {
            using var delete = new NpgsqlCommand($"DELETE FROM {tables}.blocked_pages WHERE connector = $1", connection, transaction);
            delete.Parameters.AddWithValue(connector);
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }

        var spool = ChangeSetSpool.Spool(blocked);
        using (var others = new NpgsqlCommand($"DELETE FROM {tables}.blocked_pages WHERE connector = $1 AND spool <> $2", connection, transaction))
        {
            others.Parameters.AddWithValue(connector);
            others.Parameters.AddWithValue(spool.Id);
            await others.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        using (var held = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM {tables}.blocked_pages WHERE connector = $1 AND spool = $2)", connection, transaction))
        {
            held.Parameters.AddWithValue(connector);
            held.Parameters.AddWithValue(spool.Id);
            if ((bool)(await held.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                return spool.Header;
            }
        }

        using var insert = new NpgsqlCommand($"INSERT INTO {tables}.blocked_pages (connector, spool, scope, list, page, body) VALUES ($1, $2, $3, $4, $5, $6)", connection, transaction);
        insert.Parameters.AddWithValue(connector);
        insert.Parameters.AddWithValue(spool.Id);
        var scope = insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer });
        var list = insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Smallint });
        var page = insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer });
        var body = insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea });
        foreach (var next in spool.Pages)
        {
            scope.Value = next.Scope;
            list.Value = (short)next.List;
            page.Value = next.Index;
            body.Value = next.Body;
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return spool.Header;
    }

    /// <summary>Reads a kept change set: its header now, each page when a list reaches it, on a connection of its own.</summary>
    /// <param name="store">The store, whose connections read the pages.</param>
    /// <param name="connector">The connector's key.</param>
    /// <param name="stored">The header (or, from a store before spools, the whole change set).</param>
    /// <returns>The change set.</returns>
    public static ChangeSet Open(PostgreSqlResourceStore store, string connector, byte[] stored) =>
        ChangeSetSpool.Open(stored, (spool, scope, list, index) =>
        {
            // A list's indexer is synchronous: so is its page's read.
            try
            {
                using var connection = store.OpenConnection();
                using var command = new NpgsqlCommand($"SELECT body FROM {store.Tables}.blocked_pages WHERE connector = $1 AND scope = $2 AND list = $3 AND page = $4 AND spool = $5", connection);
                command.Parameters.AddWithValue(connector);
                command.Parameters.AddWithValue(scope);
                command.Parameters.AddWithValue((short)list);
                command.Parameters.AddWithValue(index);
                command.Parameters.AddWithValue(spool);
                return command.ExecuteScalar() as byte[];
            }
            catch (NpgsqlException exception) when (PostgreSqlResourceStore.Failure(store.Describe, exception, "read the blocked change set") is { } failure)
            {
                throw failure;
            }
        });
}
