using IdentitySync.Categorizations;
using Microsoft.Data.Sqlite;

namespace IdentitySync.Storage.Sqlite;

/// <summary>
/// The categorizations table (schema 14): every field of an account's categorization is a column
/// (<see cref="StoredCategorization"/>), read by entity type through an index; no JSON per account.
/// </summary>
internal static class SqliteCategorizations
{
    public const string CreateTable = """
        CREATE TABLE categorizations (
            resource_id INTEGER PRIMARY KEY,
            entity_type TEXT NOT NULL COLLATE NOCASE,
            status TEXT NOT NULL,
            resource_type TEXT COLLATE NOCASE,
            owner_id INTEGER,
            confidence INTEGER NOT NULL,
            candidates TEXT,
            reason TEXT,
            account_digest INTEGER NOT NULL,
            owners_digest INTEGER NOT NULL,
            at INTEGER NOT NULL);
        CREATE INDEX categorizations_by_type ON categorizations (entity_type);
        """;

    public const string SelectType = $"SELECT {StoredCategorization.Columns} FROM categorizations WHERE entity_type = $t";

    private const string Upsert = $"""
        INSERT OR REPLACE INTO categorizations ({StoredCategorization.Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11);
        """;

    /// <summary>Writes categorizations with one prepared statement, replacing those of the same accounts.</summary>
    public static void Save(SqliteConnection connection, IEnumerable<AccountCategorization> categorizations, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Upsert;
        var parameters = Enumerable.Range(1, 11).Select(i => command.Parameters.Add("$" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), SqliteType.Integer)).ToArray();
        foreach (var categorization in categorizations)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var values = StoredCategorization.Of(categorization).Values();
            for (var i = 0; i < values.Length; i++)
            {
                parameters[i].Value = values[i];
                parameters[i].SqliteType = values[i] is string ? SqliteType.Text : SqliteType.Integer;
            }

            command.ExecuteNonQuery();
        }
    }

    /// <summary>Reads the categorizations a command selects (<see cref="StoredCategorization.Columns"/>).</summary>
    public static List<AccountCategorization> ReadAll(SqliteCommand command)
    {
        var found = new List<AccountCategorization>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            found.Add(StoredCategorization.Read(reader).ToCategorization());
        }

        return found;
    }

    /// <summary>Schema 14: each categorization kept whole as JSON becomes a row of columns.</summary>
    public static void MigrateToColumns(SqliteConnection connection)
    {
        SqliteSchema.Execute(connection, "ALTER TABLE categorizations RENAME TO categorizations_json; DROP INDEX categorizations_by_type;");
        SqliteSchema.Execute(connection, CreateTable);
        using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT categorization FROM categorizations_json";
            using var reader = read.ExecuteReader();
            Save(connection, Rows(reader), CancellationToken.None);
        }

        SqliteSchema.Execute(connection, "DROP TABLE categorizations_json;");

        static IEnumerable<AccountCategorization> Rows(SqliteDataReader reader)
        {
            while (reader.Read())
            {
                yield return StoredJson.Deserialize<AccountCategorization>(reader.GetFieldValue<byte[]>(0));
            }
        }
    }
}
