namespace IdentitySync.Synchronization;

/// <summary>Where a synchronization is, reported as it goes: rows read per table, then diff and apply.</summary>
/// <param name="Connector">The connector.</param>
/// <param name="Step">The step: read, diff or apply.</param>
/// <param name="Table">The table being read, for the read step.</param>
/// <param name="Rows">Rows read from the table so far, or changes written so far.</param>
public sealed record SyncProgress(string Connector, SyncStep Step, string? Table, long Rows);
