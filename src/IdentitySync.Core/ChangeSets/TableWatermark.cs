namespace IdentitySync.ChangeSets;

/// <summary>
/// Where a connection table's next incremental export starts: an opaque value the connection returned
/// after reading the table (a directory's highest change number, a database's last modification time),
/// recorded with the change set that applied what it read, and handed back on the next export.
/// </summary>
/// <param name="Connection">The connection's name in the connector.</param>
/// <param name="Table">The connection table.</param>
/// <param name="Value">The connection's value, in a form only the connection reads.</param>
public sealed record TableWatermark(string Connection, string Table, string Value);
