using System.Data.Common;
using System.Globalization;

namespace IdentitySync.Connections.Sql;

/// <summary>
/// Reads a table, a view or a query with one streamed SELECT. A table with a watermark column also reads
/// incrementally: the rows whose watermark is at or after the last one seen (less the overlap), each as a
/// merge, or a delete when its deleted marker is set; a complete export skips marked rows.
/// </summary>
internal sealed class SqlExportConnection(SqlDatabase database) : IExportConnection
{
    private const string CommandColumn = "command";

    public async ValueTask<IExportTableReader> OpenTableAsync(ExportRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var table = database.Settings.Table(request.Table);
        var incremental = request.Mode == ExportMode.Incremental;
        if (incremental && table.Watermark is null)
        {
            throw new ConnectionException($"Table '{table.Name}' has no watermark column: set \"{table.Name}.Watermark\" to read its changes, or synchronize completely") { Kind = FailureKind.InvalidInput };
        }

        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var dialect = database.Dialect;
            var columns = await database.ColumnsAsync(connection, table, target: false, cancellationToken).ConfigureAwait(false);
            var selected = new List<string>();
            var ordinals = new int[request.Columns.Count];
            var missing = new List<string>();
            var children = new List<(int ParentOrdinal, Dictionary<string, List<string>> Values)>();
            for (var i = 0; i < request.Columns.Count; i++)
            {
                ordinals[i] = -1;
                if (incremental && string.Equals(request.Columns[i], CommandColumn, StringComparison.OrdinalIgnoreCase))
                {
                    ordinals[i] = -2;
                }
                else if (table.Children.TryGetValue(request.Columns[i], out var child))
                {
                    var parent = Marker(columns, table, child.ParentKey, "Child." + request.Columns[i], selected, dialect);
                    children.Add((parent, await ChildValuesAsync(connection, table, child, cancellationToken).ConfigureAwait(false)));
                    ordinals[i] = Reader.ChildOrdinal(children.Count - 1);
                }
                else if (SqlDatabase.Find(columns, request.Columns[i]) is { } column)
                {
                    ordinals[i] = selected.Count;
                    selected.Add(dialect.Quote(column.ColumnName));
                }
                else
                {
                    missing.Add(request.Columns[i]);
                }
            }

            var watermark = Marker(columns, table, table.Watermark, "Watermark", selected, dialect);
            var deleted = Marker(columns, table, table.Deleted, "Deleted", selected, dialect);
            var command = connection.CreateCommand();
            command.CommandText = $"SELECT {(selected.Count == 0 ? "1" : string.Join(", ", selected))} FROM {table.From(dialect)}";
            if (incremental)
            {
                var from = Watermarks.Start(table, request.Watermark ?? throw new ConnectionException($"Table '{table.Name}' has no watermark yet: run a complete synchronization first") { Kind = FailureKind.InvalidInput });
                var parameter = command.CreateParameter();
                parameter.ParameterName = "@from";
                parameter.Value = from;
                command.Parameters.Add(parameter);
                command.CommandText += $" WHERE {selected[watermark]} >= @from ORDER BY {selected[watermark]}";
            }

            DbDataReader reader;
            try
            {
                reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
            }
            catch (DbException exception)
            {
                await command.DisposeAsync().ConfigureAwait(false);
                throw new ConnectionException($"Table '{table.Name}': {table.From(dialect)} cannot be read: {exception.Message}", exception) { Kind = SqlDialect.KindOf(exception) };
            }

            return new Reader(connection, command, reader, $"{table.Name} ({table.From(dialect)})", ordinals, missing, watermark, deleted, incremental, request.Watermark)
            {
                Children = children,
                Separator = database.Settings.ValueSeparator,
            };
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>
    /// A child table's values by the parent key they point at, in value order. They are held while the table
    /// is read: a very large child table is better read through a view that aggregates it.
    /// </summary>
    private async Task<Dictionary<string, List<string>>> ChildValuesAsync(DbConnection connection, SqlTable table, SqlChild child, CancellationToken cancellationToken)
    {
        var dialect = database.Dialect;
        var columns = await database.ColumnsAsync(connection, new SqlTable(child.Table), target: false, cancellationToken).ConfigureAwait(false);
        string Named(string column, string role) =>
            dialect.Quote((SqlDatabase.Find(columns, column) ?? throw new ConnectionException($"Table '{table.Name}': the child table {dialect.Quote(child.Table)} has no column '{column}' (its {role})") { Kind = FailureKind.InputUnreadable }).ColumnName);
        var (key, value) = (Named(child.ForeignKey, "foreign key"), Named(child.Value, "value column"));
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = $"SELECT {key}, {value} FROM {dialect.Quote(child.Table)} ORDER BY {key}, {value}";
            try
            {
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        if (!reader.IsDBNull(0) && !reader.IsDBNull(1))
                        {
                            var parent = SqlDialect.Text(reader.GetValue(0));
                            if (!values.TryGetValue(parent, out var list))
                            {
                                values[parent] = list = [];
                            }

                            list.Add(SqlDialect.Text(reader.GetValue(1)));
                        }
                    }
                }
            }
            catch (DbException exception)
            {
                throw new ConnectionException($"Table '{table.Name}': the child table {dialect.Quote(child.Table)} cannot be read: {exception.Message}", exception) { Kind = SqlDialect.KindOf(exception) };
            }
        }

        return values;
    }

    private static int Marker(IReadOnlyList<DbColumn> columns, SqlTable table, string? name, string setting, List<string> selected, SqlDialect dialect)
    {
        if (name is null)
        {
            return -1;
        }

        var column = SqlDatabase.Find(columns, name)
            ?? throw new ConnectionException($"Table '{table.Name}': {table.From(dialect)} has no column '{name}' (\"{table.Name}.{setting}\")") { Kind = FailureKind.InputUnreadable };
        selected.Add(dialect.Quote(column.ColumnName));
        return selected.Count - 1;
    }

    private sealed class Reader(
        DbConnection connection,
        DbCommand command,
        DbDataReader reader,
        string source,
        int[] ordinals,
        IReadOnlyList<string> missing,
        int watermark,
        int deleted,
        bool incremental,
        string? previous) : IExportTableReader
    {
        private readonly object?[] _row = new object?[reader.FieldCount];

        public required List<(int ParentOrdinal, Dictionary<string, List<string>> Values)> Children { get; init; }

        public required string Separator { get; init; }

        /// <summary>The ordinal that stands for the child values of <paramref name="child"/>.</summary>
        public static int ChildOrdinal(int child) => -100 - child;
        private object? _highest;
        private long _line;

        public string Source => source;

        public IReadOnlyList<string> MissingColumns => missing;

        public string? Watermark => watermark < 0 ? null : _highest is null ? previous : Watermarks.Of(_highest);

        public async ValueTask<bool> ReadAsync(RowBatch batch, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            batch.Clear();
            try
            {
                while (!batch.IsFull && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    _line++;
                    // Sequential access: each field once, in order.
                    for (var i = 0; i < _row.Length; i++)
                    {
                        _row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                    }

                    if (watermark >= 0 && _row[watermark] is IComparable mark && (_highest is null || mark.CompareTo(_highest) > 0))
                    {
                        _highest = mark;
                    }

                    var gone = deleted >= 0 && SqlDialect.IsSet(_row[deleted]);
                    if (gone && !incremental)
                    {
                        continue;
                    }

                    batch.BeginRow(_line);
                    foreach (var ordinal in ordinals)
                    {
                        batch.AddField(ordinal switch
                        {
                            -2 => gone ? "delete" : "merge",
                            <= -100 => ChildText(Children[-100 - ordinal]),
                            < 0 => string.Empty,
                            _ => SqlDialect.Text(_row[ordinal]),
                        });
                    }

                    batch.EndRow();
                }
            }
            catch (DbException exception)
            {
                throw new ConnectionException($"{source}: reading failed at row {_line.ToString(CultureInfo.InvariantCulture)}: {exception.Message}", exception) { Kind = SqlDialect.KindOf(exception) };
            }

            return batch.Count > 0;
        }

        private string ChildText((int ParentOrdinal, Dictionary<string, List<string>> Values) child) =>
            child.Values.TryGetValue(SqlDialect.Text(_row[child.ParentOrdinal]), out var values) ? string.Join(Separator, values) : string.Empty;

        public async ValueTask DisposeAsync()
        {
            await reader.DisposeAsync().ConfigureAwait(false);
            await command.DisposeAsync().ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>
/// The text of a watermark: the kind of the column's values and the highest value read, so that the next
/// run passes a parameter of the column's type. Timestamps start the overlap earlier: rows committed late
/// with an earlier time are read again, and a row read again is a merge that changes nothing.
/// </summary>
internal static class Watermarks
{
    public static string Of(object value) => value switch
    {
        DateTime time => "time:" + time.ToString("O", CultureInfo.InvariantCulture),
        DateTimeOffset time => "timeoffset:" + time.ToString("O", CultureInfo.InvariantCulture),
        long or int or short or byte or decimal => "number:" + SqlDialect.Text(value),
        _ => "text:" + SqlDialect.Text(value),
    };

    public static object Start(SqlTable table, string watermark)
    {
        var colon = watermark.IndexOf(':', StringComparison.Ordinal);
        var (kind, text) = colon < 0 ? (string.Empty, watermark) : (watermark[..colon], watermark[(colon + 1)..]);
        try
        {
            return kind switch
            {
                "time" => DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind) - table.Overlap,
                "timeoffset" => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind) - table.Overlap,
                "number" => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole) ? whole : decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture),
                "text" => text,
                _ => throw new FormatException("unknown kind"),
            };
        }
        catch (FormatException)
        {
            throw new ConnectionException($"Table '{table.Name}': the recorded watermark '{watermark}' is not one this connection writes; run a complete synchronization") { Kind = FailureKind.InvalidInput };
        }
    }
}
