using IdentitySync.Connections;
using IdentitySync.Connections.Csv;
using IdentitySync.Model;
using IdentitySync.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace IdentitySync.Benchmarks.Scenarios;

/// <summary>
/// The two floors G1 is held against (issue 18): (a) the connector's files read once through the CSV package with no
/// other work, side by side as G1 reads them; (b) the store content G1 produced copied into a fresh file made by the
/// store itself (same schema, page size, journal mode and indexes), one <c>INSERT INTO … SELECT</c> per table in one transaction.
/// </summary>
internal static class Baselines
{
    /// <summary>Reads every table the connector maps, with the columns its mappings name, and counts the rows.</summary>
    /// <param name="model">The model.</param>
    /// <param name="connectorName">The connector.</param>
    /// <param name="directory">The directory of the CSV files.</param>
    /// <returns>The rows read.</returns>
    public static async Task<(string Outcome, long Rows, long Changes)> ReadFilesAsync(IdentityModel model, string connectorName, string directory)
    {
        var connector = model.Connectors.Single(c => c.Name == connectorName);
        var package = new CsvConnectionPackage();
        var tables = connector.EntityTypeMappings.Select(static m => (m.Connection, m.Table, Columns: m.Properties.Select(static p => p.Column)))
            .Concat(connector.AssociationMappings.Select(static m => (m.Connection, m.Table, Columns: new[] { m.First.Column, m.Second.Column }.AsEnumerable())))
            .GroupBy(static t => (t.Connection, t.Table))
            .Select(static g => (g.Key.Connection, g.Key.Table, Columns: (IReadOnlyList<string>)[.. g.SelectMany(static t => t.Columns).Distinct(StringComparer.OrdinalIgnoreCase)]))
            .ToList();
        long rows = 0;
        await Parallel.ForEachAsync(tables, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, async (table, token) =>
        {
            await using var export = package.CreateExportConnection(connector.FindConnection(table.Connection)!, new ConnectionContext(connector.Name, directory, TimeProvider.System));
            await using var reader = await export.OpenTableAsync(new ExportRequest(table.Table, table.Columns, ExportMode.Complete), token).ConfigureAwait(false);
            using var batch = new RowBatch(table.Columns.Count);
            long read = 0;
            while (await reader.ReadAsync(batch, token).ConfigureAwait(false))
            {
                read += batch.Count;
            }

            Interlocked.Add(ref rows, read);
        }).ConfigureAwait(false);
        return ("Succeeded", rows, 0);
    }

    /// <summary>Copies a store's content into a fresh store file, table by table, in one transaction.</summary>
    /// <param name="source">The store file G1 wrote.</param>
    /// <param name="copy">The new file.</param>
    /// <returns>The rows copied.</returns>
    public static Task<(string Outcome, long Rows, long Changes)> CopyStoreAsync(string source, string copy)
    {
        // The store makes its own empty file: its schema, page size, journal mode and indexes.
        using (new SqliteResourceStore(copy))
        {
        }

        SqliteConnection.ClearAllPools();
        using var connection = new SqliteConnection($"Data Source={copy};Pooling=False");
        connection.Open();
        Execute(connection, $"ATTACH DATABASE '{source.Replace("'", "''", StringComparison.Ordinal)}' AS g1");
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM g1.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
            using var reader = list.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        long rows = 0;
        using (var transaction = connection.BeginTransaction())
        {
            foreach (var table in tables)
            {
                // The fresh store seeds some tables (its version, for one): they are replaced by G1's rows.
                Execute(connection, $"DELETE FROM main.\"{table}\"", transaction);
                rows += Execute(connection, $"INSERT INTO main.\"{table}\" SELECT * FROM g1.\"{table}\"", transaction);
            }

            transaction.Commit();
        }

        return Task.FromResult(("Succeeded", rows, 0L));
    }

    private static int Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command.ExecuteNonQuery();
    }
}
