using System.Collections.Concurrent;
using System.Data.Common;

namespace IdentitySync.Connections.Sql;

/// <summary>A connection's database: opens sessions, and learns each table's columns from the provider (a query that reads no row).</summary>
internal sealed class SqlDatabase(string name, SqlSettings settings)
{
    private readonly ConcurrentDictionary<string, IReadOnlyList<DbColumn>> _columns = new(StringComparer.OrdinalIgnoreCase);

    public SqlDialect Dialect { get; } = new(settings.Factory);

    public SqlSettings Settings => settings;

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = settings.Factory.CreateConnection()
            ?? throw new ConnectionException($"Connection '{name}': the provider makes no connections") { Kind = FailureKind.InvalidInput };
        try
        {
            connection.ConnectionString = settings.ConnectionString;
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (Exception exception) when (exception is DbException or ArgumentException or InvalidOperationException)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            // The connection string is secret: the provider's message names the server, not the string.
            throw new ConnectionException($"Connection '{name}': the database cannot be opened: {exception.Message}", exception)
            {
                Kind = exception is DbException db ? SqlDialect.KindOf(db) : FailureKind.InvalidInput,
            };
        }
    }

    /// <summary>The columns of what a table reads, as the database names them.</summary>
    public async Task<IReadOnlyList<DbColumn>> ColumnsAsync(DbConnection connection, SqlTable table, bool target, CancellationToken cancellationToken)
    {
        var from = target ? table.Target(Dialect) ?? throw new ConnectionException($"Table '{table.Name}' is read through a query; set \"{table.Name}.WriteTo\" to the table orders change") { Kind = FailureKind.InvalidInput } : table.From(Dialect);
        if (_columns.TryGetValue(from, out var known))
        {
            return known;
        }

        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM {from} WHERE 1 = 0";
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                IReadOnlyList<DbColumn> columns = await reader.GetColumnSchemaAsync(cancellationToken).ConfigureAwait(false);
                _columns[from] = columns;
                return columns;
            }
        }
        catch (DbException exception)
        {
            throw new ConnectionException($"Table '{table.Name}': {from} cannot be read: {exception.Message}", exception) { Kind = SqlDialect.KindOf(exception) };
        }
    }

    /// <summary>The database's spelling of a configured column; null when the table has none such.</summary>
    public static DbColumn? Find(IReadOnlyList<DbColumn> columns, string column) =>
        columns.FirstOrDefault(c => string.Equals(c.ColumnName, column, StringComparison.Ordinal))
        ?? columns.FirstOrDefault(c => string.Equals(c.ColumnName, column, StringComparison.OrdinalIgnoreCase));
}
