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
}
