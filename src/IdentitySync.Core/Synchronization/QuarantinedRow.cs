namespace IdentitySync.Synchronization;

/// <summary>A source row left out of a synchronization, with the reason.</summary>
public sealed record QuarantinedRow
{
    /// <summary>Gets where the row comes from, such as a file's path.</summary>
    public required string Source { get; init; }

    /// <summary>Gets the row's line in the source.</summary>
    public required long Line { get; init; }

    /// <summary>Gets the row's primary key (or, for a link, its two values), when it has one.</summary>
    public string? Key { get; init; }

    /// <summary>Gets why the row was left out.</summary>
    public required string Reason { get; init; }
}
