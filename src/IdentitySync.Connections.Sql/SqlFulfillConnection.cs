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
        SqlDialect.IsTransient(exception) ? FulfillmentStatus.NotAttempted
        : change == OrderChangeType.Added && exception.SqlState == "23505" ? FulfillmentStatus.AlreadyExists
        : FulfillmentStatus.Failed;

    private async Task<FulfillmentResult> FulfillAsync(DbConnection connection, FulfillmentRequest request, CancellationToken cancellationToken)
    {
        var order = request.Order;
        var table = database.Settings.Table(request.Table);
        var columns = await database.ColumnsAsync(connection, table, target: true, cancellationToken).ConfigureAwait(false);
        var key = (request.Keys.Count > 0 ? request.Keys[0] : null)
            ?? throw new ConnectionException($"Order {order.Id}: no key to find the row by; map a primary key of {request.EntityType}") { Kind = FailureKind.InvalidInput };
        var (scalars, children) = Values(request, columns, table, includeKey: order.ChangeType == OrderChangeType.Added);

        // One transaction per order: a row and its child rows change together, or not at all.
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            var statements = new Statements(connection, transaction, database.Dialect, table.Target(database.Dialect)!, Column(columns, table, key.Column), key.Value);
            (FulfillmentStatus Status, string? Message) result = order.ChangeType switch
            {
                OrderChangeType.Added => await statements.InsertAsync(scalars, children, cancellationToken).ConfigureAwait(false),
                OrderChangeType.Modified => await statements.UpdateAsync(scalars, children, columns, table, cancellationToken).ConfigureAwait(false),
                OrderChangeType.Deleted => await statements.DeleteAsync(table, columns, cancellationToken).ConfigureAwait(false),
                _ => (FulfillmentStatus.Failed, $"{order.ChangeType} orders are not written to a database"),
            };
            if (result.Status == FulfillmentStatus.Succeeded)
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            return new FulfillmentResult(order.Id, result.Status, result.Message);
        }
    }

    /// <summary>The order's scalar changes by the table's columns, and its child-table values; a property without a column is not written.</summary>
    private static (List<(DbColumn Column, string? Value)> Scalars, List<(SqlChild Child, IReadOnlyList<string> Values)> Children) Values(
        FulfillmentRequest request, IReadOnlyList<DbColumn> columns, SqlTable table, bool includeKey)
    {
        var scalars = new List<(DbColumn, string?)>();
        var children = new List<(SqlChild, IReadOnlyList<string>)>();
        foreach (var (property, value) in request.Order.Changes)
        {
            if (!request.Columns.TryGetValue(property, out var name))
            {
                continue;
            }

            if (table.Children.TryGetValue(name, out var child))
            {
                children.Add((child, value switch { null => [], string[] many => many, _ => [SqlDialect.Text(value)] }));
                continue;
            }

            scalars.Add((Column(columns, table, name), value switch
            {
                null => null,
                string single => single,
                string[] => throw new ConnectionException($"{property}: a multi-valued property needs a child table (\"{table.Name}.Child.{name}\")") { Kind = FailureKind.InvalidInput },
                _ => SqlDialect.Text(value),
            }));
        }

        if (includeKey && request.Keys.Count > 0 && request.Keys[0] is { } key && !scalars.Any(v => string.Equals(v.Item1.ColumnName, key.Column, StringComparison.OrdinalIgnoreCase)))
        {
            scalars.Insert(0, (Column(columns, table, key.Column), key.Value));
        }

        return (scalars, children);
    }

    private static DbColumn Column(IReadOnlyList<DbColumn> columns, SqlTable table, string name) =>
        SqlDatabase.Find(columns, name)
            ?? throw new ConnectionException($"{table.Name}: the table has no column '{name}'; it has {string.Join(", ", columns.Select(static c => c.ColumnName))}") { Kind = FailureKind.InvalidInput };

    /// <summary>The statements of one order, in its transaction, on the row with the order's key.</summary>
    private sealed class Statements(DbConnection connection, DbTransaction transaction, SqlDialect dialect, string target, DbColumn keyColumn, string key)
    {
        private string Where => $"{dialect.Quote(keyColumn.ColumnName)} = @key";

        private string Missing => $"{target} has no row with {keyColumn.ColumnName} '{key}'";

        public async Task<(FulfillmentStatus Status, string? Message)> InsertAsync(
            List<(DbColumn Column, string? Value)> scalars, List<(SqlChild Child, IReadOnlyList<string> Values)> children, CancellationToken cancellationToken)
        {
            if (await ScalarAsync($"SELECT 1 FROM {target} WHERE {Where}", cancellationToken, ("@key", key, keyColumn)).ConfigureAwait(false) is not null)
            {
                return (FulfillmentStatus.AlreadyExists, $"{target} has a row with {keyColumn.ColumnName} '{key}'");
            }

            await ExecuteAsync(
                $"INSERT INTO {target} ({string.Join(", ", scalars.Select(v => dialect.Quote(v.Column.ColumnName)))}) VALUES ({string.Join(", ", scalars.Select((_, i) => "@p" + i))})",
                cancellationToken,
                [.. scalars.Select((v, i) => ("@p" + i, v.Value, v.Column))]).ConfigureAwait(false);
            foreach (var (child, values) in children)
            {
                var parent = scalars.FirstOrDefault(v => string.Equals(v.Column.ColumnName, child.ParentKey, StringComparison.OrdinalIgnoreCase)).Value
                    ?? (string.Equals(keyColumn.ColumnName, child.ParentKey, StringComparison.OrdinalIgnoreCase) ? key : null);
                if (parent is null)
                {
                    return (FulfillmentStatus.Failed, $"the new row has no value for {child.ParentKey}, which its child table {child.Table} points at");
                }

                await ReplaceChildAsync(child, parent, values, cancellationToken).ConfigureAwait(false);
            }

            return (FulfillmentStatus.Succeeded, null);
        }

        public async Task<(FulfillmentStatus Status, string? Message)> UpdateAsync(
            List<(DbColumn Column, string? Value)> scalars, List<(SqlChild Child, IReadOnlyList<string> Values)> children, IReadOnlyList<DbColumn> columns, SqlTable table, CancellationToken cancellationToken)
        {
            if (scalars.Count > 0)
            {
                var changed = await ExecuteAsync(
                    $"UPDATE {target} SET {string.Join(", ", scalars.Select((v, i) => $"{dialect.Quote(v.Column.ColumnName)} = @p{i}"))} WHERE {Where}",
                    cancellationToken,
                    [.. scalars.Select((v, i) => ("@p" + i, v.Value, v.Column)), ("@key", key, keyColumn)]).ConfigureAwait(false);
                if (changed == 0)
                {
                    return (FulfillmentStatus.NotFound, Missing);
                }
            }
            else if (await ScalarAsync($"SELECT 1 FROM {target} WHERE {Where}", cancellationToken, ("@key", key, keyColumn)).ConfigureAwait(false) is null)
            {
                return (FulfillmentStatus.NotFound, Missing);
            }

            foreach (var (child, values) in children)
            {
                var parent = await ParentKeyAsync(child, columns, table, cancellationToken).ConfigureAwait(false);
                await ReplaceChildAsync(child, parent!, values, cancellationToken).ConfigureAwait(false);
            }

            return (FulfillmentStatus.Succeeded, null);
        }

        public async Task<(FulfillmentStatus Status, string? Message)> DeleteAsync(SqlTable table, IReadOnlyList<DbColumn> columns, CancellationToken cancellationToken)
        {
            foreach (var child in table.Children.Values)
            {
                if (await ParentKeyAsync(child, columns, table, cancellationToken).ConfigureAwait(false) is { } parent)
                {
                    await ReplaceChildAsync(child, parent, [], cancellationToken).ConfigureAwait(false);
                }
            }

            return await ExecuteAsync($"DELETE FROM {target} WHERE {Where}", cancellationToken, ("@key", key, keyColumn)).ConfigureAwait(false) == 0
                ? (FulfillmentStatus.NotFound, Missing)
                : (FulfillmentStatus.Succeeded, null);
        }

        /// <summary>The value of the parent key a child table points at, read from the row; null when there is no row.</summary>
        private async Task<string?> ParentKeyAsync(SqlChild child, IReadOnlyList<DbColumn> columns, SqlTable table, CancellationToken cancellationToken)
        {
            var parent = Column(columns, table, child.ParentKey);
            return await ScalarAsync($"SELECT {dialect.Quote(parent.ColumnName)} FROM {target} WHERE {Where}", cancellationToken, ("@key", key, keyColumn)).ConfigureAwait(false) is { } value and not DBNull
                ? SqlDialect.Text(value)
                : null;
        }

        /// <summary>Makes the child rows of a parent the given values: its rows deleted, one inserted per value.</summary>
        private async Task ReplaceChildAsync(SqlChild child, string parent, IReadOnlyList<string> values, CancellationToken cancellationToken)
        {
            var table = dialect.Quote(child.Table);
            var (foreignKey, value) = (dialect.Quote(child.ForeignKey), dialect.Quote(child.Value));
            await ExecuteAsync($"DELETE FROM {table} WHERE {foreignKey} = @parent", cancellationToken, ("@parent", parent, null)).ConfigureAwait(false);
            foreach (var item in values.Distinct(StringComparer.Ordinal))
            {
                await ExecuteAsync($"INSERT INTO {table} ({foreignKey}, {value}) VALUES (@parent, @value)", cancellationToken, ("@parent", parent, null), ("@value", item, null)).ConfigureAwait(false);
            }
        }

        private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, string? Value, DbColumn? Column)[] parameters)
        {
            var command = Command(sql, parameters);
            await using (command.ConfigureAwait(false))
            {
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        private async Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken, params (string Name, string? Value, DbColumn? Column)[] parameters)
        {
            var command = Command(sql, parameters);
            await using (command.ConfigureAwait(false))
            {
                return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        private DbCommand Command(string sql, (string Name, string? Value, DbColumn? Column)[] parameters)
        {
            var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            foreach (var (name, value, column) in parameters)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = SqlDialect.Value(value, column?.DataType);
                command.Parameters.Add(parameter);
            }

            return command;
        }
    }
}
