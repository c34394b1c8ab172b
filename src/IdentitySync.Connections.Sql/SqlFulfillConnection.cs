using System.Data.Common;
using IdentitySync.Orders;

namespace IdentitySync.Connections.Sql;

/// <summary>
/// Applies orders with parameterized statements, one per order: <c>Added</c> inserts a row (an existing key is
/// <see cref="FulfillmentStatus.AlreadyExists"/>), <c>Modified</c> updates the given columns of the row with
/// the primary key, <c>Deleted</c> deletes it (no row: <see cref="FulfillmentStatus.NotFound"/>). Identifiers
/// come from the configuration and the request, are checked against the table's columns and quoted by the
/// provider; values are always parameters.
/// </summary>
internal sealed class SqlFulfillConnection(SqlDatabase database) : IFulfillConnection
{
    public async ValueTask<IReadOnlyList<FulfillmentResult>> FulfillAsync(IReadOnlyList<FulfillmentRequest> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var results = new List<FulfillmentResult>(requests.Count);
        if (requests.Count == 0)
        {
            return results;
        }

        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            foreach (var request in requests)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                try
                {
                    results.Add(await FulfillAsync(connection, request, cancellationToken).ConfigureAwait(false));
                }
                catch (ConnectionException exception)
                {
                    results.Add(new FulfillmentResult(request.Order.Id, FulfillmentStatus.Failed, exception.Message));
                }
                catch (DbException exception)
                {
                    results.Add(new FulfillmentResult(request.Order.Id, StatusOf(exception, request.Order.ChangeType), exception.Message));
                }
                catch (Exception exception) when (exception is FormatException or InvalidCastException or OverflowException)
                {
                    results.Add(new FulfillmentResult(request.Order.Id, FulfillmentStatus.Failed, $"a value does not fit its column: {exception.Message}"));
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    break;
                }
            }
        }

        return results;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Transient errors are tried again; a unique violation on insert means the row exists; anything else failed.</summary>
    private static FulfillmentStatus StatusOf(DbException exception, OrderChangeType change) =>
        exception.IsTransient || exception.SqlState?.StartsWith("08", StringComparison.Ordinal) == true ? FulfillmentStatus.NotAttempted
        : change == OrderChangeType.Added && exception.SqlState == "23505" ? FulfillmentStatus.AlreadyExists
        : FulfillmentStatus.Failed;

    private async Task<FulfillmentResult> FulfillAsync(DbConnection connection, FulfillmentRequest request, CancellationToken cancellationToken)
    {
        var order = request.Order;
        var dialect = database.Dialect;
        var table = database.Settings.Table(request.Table);
        var target = table.Target(dialect)!;
        var columns = await database.ColumnsAsync(connection, table, target: true, cancellationToken).ConfigureAwait(false);
        var key = (request.Keys.Count > 0 ? request.Keys[0] : null)
            ?? throw new ConnectionException($"Order {order.Id}: no key to find the row by; map a primary key of {request.EntityType}") { Kind = FailureKind.InvalidInput };
        var keyColumn = Column(columns, table, key.Column);

        var command = connection.CreateCommand();
        await using var disposeCommand = command.ConfigureAwait(false);
        switch (order.ChangeType)
        {
            case OrderChangeType.Added:
            {
                command.CommandText = $"SELECT 1 FROM {target} WHERE {dialect.Quote(keyColumn.ColumnName)} = @key";
                Add(command, "@key", key.Value, keyColumn);
                if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
                {
                    return new FulfillmentResult(order.Id, FulfillmentStatus.AlreadyExists, $"{target} has a row with {keyColumn.ColumnName} '{key.Value}'");
                }

                command.Parameters.Clear();
                var values = Values(request, columns, table, includeKey: true);
                command.CommandText = $"INSERT INTO {target} ({string.Join(", ", values.Select(v => dialect.Quote(v.Column.ColumnName)))}) VALUES ({string.Join(", ", values.Select((_, i) => "@p" + i))})";
                for (var i = 0; i < values.Count; i++)
                {
                    Add(command, "@p" + i, values[i].Value, values[i].Column);
                }

                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                return new FulfillmentResult(order.Id, FulfillmentStatus.Succeeded);
            }

            case OrderChangeType.Modified:
            {
                var values = Values(request, columns, table, includeKey: false);
                if (values.Count == 0)
                {
                    command.CommandText = $"SELECT 1 FROM {target} WHERE {dialect.Quote(keyColumn.ColumnName)} = @key";
                    Add(command, "@key", key.Value, keyColumn);
                    return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null
                        ? new FulfillmentResult(order.Id, FulfillmentStatus.NotFound, $"{target} has no row with {keyColumn.ColumnName} '{key.Value}'")
                        : new FulfillmentResult(order.Id, FulfillmentStatus.Succeeded);
                }

                command.CommandText = $"UPDATE {target} SET {string.Join(", ", values.Select((v, i) => $"{dialect.Quote(v.Column.ColumnName)} = @p{i}"))} WHERE {dialect.Quote(keyColumn.ColumnName)} = @key";
                for (var i = 0; i < values.Count; i++)
                {
                    Add(command, "@p" + i, values[i].Value, values[i].Column);
                }

                Add(command, "@key", key.Value, keyColumn);
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0
                    ? new FulfillmentResult(order.Id, FulfillmentStatus.NotFound, $"{target} has no row with {keyColumn.ColumnName} '{key.Value}'")
                    : new FulfillmentResult(order.Id, FulfillmentStatus.Succeeded);
            }

            case OrderChangeType.Deleted:
            {
                command.CommandText = $"DELETE FROM {target} WHERE {dialect.Quote(keyColumn.ColumnName)} = @key";
                Add(command, "@key", key.Value, keyColumn);
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0
                    ? new FulfillmentResult(order.Id, FulfillmentStatus.NotFound, $"{target} has no row with {keyColumn.ColumnName} '{key.Value}'")
                    : new FulfillmentResult(order.Id, FulfillmentStatus.Succeeded);
            }

            default:
                return new FulfillmentResult(order.Id, FulfillmentStatus.Failed, $"{order.ChangeType} orders are not written to a database");
        }
    }

    /// <summary>The order's scalar changes, by the table's columns; a property without a column is not written.</summary>
    private static List<(DbColumn Column, string? Value)> Values(FulfillmentRequest request, IReadOnlyList<DbColumn> columns, SqlTable table, bool includeKey)
    {
        var values = new List<(DbColumn, string?)>();
        foreach (var (property, value) in request.Order.Changes)
        {
            if (!request.Columns.TryGetValue(property, out var name))
            {
                continue;
            }

            var text = value switch
            {
                null => null,
                string single => single,
                string[] => throw new ConnectionException($"{property}: a multi-valued property is not a column of {table.Name}") { Kind = FailureKind.InvalidInput },
                _ => SqlDialect.Text(value),
            };
            values.Add((Column(columns, table, name), text));
        }

        if (includeKey && request.Keys.Count > 0 && request.Keys[0] is { } key && !values.Any(v => string.Equals(v.Item1.ColumnName, key.Column, StringComparison.OrdinalIgnoreCase)))
        {
            values.Insert(0, (Column(columns, table, key.Column), key.Value));
        }

        return values;
    }

    private static DbColumn Column(IReadOnlyList<DbColumn> columns, SqlTable table, string name) =>
        SqlDatabase.Find(columns, name)
            ?? throw new ConnectionException($"{table.Name}: the table has no column '{name}'; it has {string.Join(", ", columns.Select(static c => c.ColumnName))}") { Kind = FailureKind.InvalidInput };

    private static void Add(DbCommand command, string name, string? value, DbColumn column)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = SqlDialect.Value(value, column.DataType);
        command.Parameters.Add(parameter);
    }
}
