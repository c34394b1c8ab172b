namespace IdentitySync.Connections.Testing;

/// <summary>A table a conformance test asks a package's fixture to put in its managed system.</summary>
/// <param name="Name">The table's name.</param>
/// <param name="Columns">The column names.</param>
/// <param name="Rows">The rows, one value per column; the fixture writes them exactly.</param>
public sealed record ConformanceTable(string Name, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows);
