namespace IdentitySync.Synchronization;

/// <summary>A source row left out of a synchronization, with the reason.</summary>
/// <param name="Source">Where the row comes from, such as a file's path.</param>
/// <param name="Line">The row's line in the source.</param>
/// <param name="Key">The row's primary key (or, for a link, its two values), when it has one.</param>
/// <param name="Reason">Why the row was left out.</param>
public sealed record QuarantinedRow(string Source, long Line, string? Key, string Reason);
