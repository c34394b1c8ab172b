namespace IdentitySync.Connections;

/// <summary>What the engine asks a connection to export: one table, the columns it needs, complete or incremental.</summary>
public sealed record ExportRequest
{
    /// <summary>Initializes a new instance of the <see cref="ExportRequest"/> class.</summary>
    /// <param name="table">The connection table.</param>
    /// <param name="columns">The columns to hand over, in this order.</param>
    /// <param name="mode">Complete or incremental.</param>
    public ExportRequest(string table, IReadOnlyList<string> columns, ExportMode mode)
    {
        Table = table;
        Columns = columns;
        Mode = mode;
    }

    /// <summary>Gets the connection table.</summary>
    public string Table { get; }

    /// <summary>Gets the columns to hand over, in the order of the batch's fields.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Gets whether a complete snapshot or a delta is asked for.</summary>
    public ExportMode Mode { get; }

    /// <summary>
    /// Gets the watermark this connection returned for the table (<see cref="IExportTableReader.Watermark"/>)
    /// in the last run whose change set was applied; <see langword="null"/> when there is none (a first run,
    /// or a connection that keeps none). An incremental export reads the changes since it; a connection that
    /// cannot use it (it expired, or the server changed) says so with a <see cref="ConnectionException"/>
    /// asking for a complete run. Handed over in complete runs too, so a connection can check it.
    /// </summary>
    public string? Watermark { get; init; }
}
