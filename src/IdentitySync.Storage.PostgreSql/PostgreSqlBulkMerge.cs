using Npgsql;

namespace IdentitySync.Storage.PostgreSql;

/// <summary>
/// Many rows saved at once (decisions 116–117): copied into a temporary table of the transaction (dropped at its end)
/// in one binary COPY, then merged into their table by an update of the rows that exist and a plain insert of the
/// others. A million upserts were a million statements; one <c>INSERT … ON CONFLICT</c> of a million rows paid the
/// conflict check's speculative insert on every row (6.5 s against 2.5 s for a plain insert of a million states in
/// <c>psql</c>). The two statements are exact only while no other transaction inserts the same keys between them: the
/// caller holds the advisory lock that every writer of the table takes.
/// </summary>
internal static class PostgreSqlBulkMerge
{
    /// <summary>Creates the temporary table and copies the rows into it.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="transaction">The transaction the temporary table belongs to.</param>
    /// <param name="createTemporary">Creates the temporary table (<c>ON COMMIT DROP</c>) if the transaction has none yet.</param>
    /// <param name="copy">The <c>COPY … FROM STDIN (FORMAT BINARY)</c> into it.</param>
    /// <param name="rows">The rows, each key once (<see cref="Latest"/>).</param>
    /// <param name="writeRow">Writes one row's fields after its start.</param>
    /// <param name="cancellationToken">Cancels the save (the transaction is then rolled back by its owner).</param>
    public static async Task StageAsync<T>(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string createTemporary,
        string copy,
        IReadOnlyList<T> rows,
        Func<NpgsqlBinaryImporter, T, CancellationToken, Task> writeRow,
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
                await writeRow(import, rows[i], cancellationToken).ConfigureAwait(false);
            }

            await import.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>From this many rows inserted by one save, the table's statistics are refreshed before the commit.</summary>
    public const int AnalyzeAfter = 50_000;

    /// <summary>
    /// Merges the staged rows: <paramref name="update"/> the rows that exist, then <paramref name="insert"/> the others;
    /// after <see cref="AnalyzeAfter"/> inserted rows, <paramref name="analyze"/>. Reads by id right after a first large
    /// save were otherwise planned without statistics: a few thousand states or categorizations looked up among a
    /// million took 0.3–0.7 s, the planner reading every row of the type through an index and filtering the ids.
    /// </summary>
    public static async Task MergeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string update, string insert, string analyze, CancellationToken cancellationToken)
    {
        using (var updating = new NpgsqlCommand(update, connection, transaction))
        {
            await updating.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        int inserted;
        using (var inserting = new NpgsqlCommand(insert, connection, transaction))
        {
            inserted = await inserting.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        if (inserted >= AnalyzeAfter)
        {
            using var analyzing = new NpgsqlCommand(analyze, connection, transaction);
            await analyzing.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The rows with each key once, the later of two kept where the first stood (as one upsert after another would
    /// leave them); the list itself when no key repeats.
    /// </summary>
    public static IReadOnlyList<T> Latest<T, TKey>(IReadOnlyList<T> rows, Func<T, TKey> keyOf)
        where TKey : notnull
    {
        var at = new Dictionary<TKey, int>(rows.Count);
        List<T>? latest = null;
        for (var i = 0; i < rows.Count; i++)
        {
            var key = keyOf(rows[i]);
            if (at.TryGetValue(key, out var first))
            {
                latest ??= [.. rows.Take(i)];
                latest[first] = rows[i];
            }
            else
            {
                at.Add(key, latest?.Count ?? i);
                latest?.Add(rows[i]);
            }
        }

        return latest ?? rows;
    }
}
