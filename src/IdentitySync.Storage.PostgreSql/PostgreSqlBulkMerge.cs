using Npgsql;

namespace IdentitySync.Storage.PostgreSql;

/// <summary>
/// Many rows saved at once: copied into a temporary table of the transaction (dropped at its end) in one binary COPY,
/// then merged into their table by one statement (decision 116). A million upserts were a million statements.
/// </summary>
internal static class PostgreSqlBulkMerge
{
    /// <summary>Creates the temporary table, copies the rows into it and runs the merge.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="transaction">The transaction the temporary table belongs to.</param>
    /// <param name="createTemporary">Creates the temporary table (<c>ON COMMIT DROP</c>) if the transaction has none yet.</param>
    /// <param name="copy">The <c>COPY … FROM STDIN (FORMAT BINARY)</c> into it.</param>
    /// <param name="rows">The rows.</param>
    /// <param name="writeRow">Writes one row's fields after its start, given its position.</param>
    /// <param name="merge">The statement that merges the temporary table into the real one.</param>
    /// <param name="cancellationToken">Cancels the save (the transaction is then rolled back by its owner).</param>
    public static async Task RunAsync<T>(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string createTemporary,
        string copy,
        IReadOnlyList<T> rows,
        Func<NpgsqlBinaryImporter, int, T, CancellationToken, Task> writeRow,
        string merge,
        CancellationToken cancellationToken)
    {
        using (var create = new NpgsqlCommand(createTemporary, connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var import = await connection.BeginBinaryImportAsync(copy, cancellationToken).ConfigureAwait(false);
        await using (import.ConfigureAwait(false))
        {
            for (var i = 0; i < rows.Count; i++)
            {
                await import.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await writeRow(import, i, rows[i], cancellationToken).ConfigureAwait(false);
            }

            await import.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        using var command = new NpgsqlCommand(merge, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
