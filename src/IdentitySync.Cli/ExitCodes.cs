namespace IdentitySync.Cli;

/// <summary>
/// The process exit codes of <c>identitysync</c>: the one table every verb uses (the CLI's README lists it).
/// A verb that ends for a <see cref="FailureKind"/> exits with <see cref="Of"/> of it.
/// </summary>
internal static class ExitCodes
{
    /// <summary>Done; for a synchronization, applied or nothing to apply.</summary>
    public const int Success = 0;

    /// <summary>Failed for a reason of its own (the message says which); nothing half-applied.</summary>
    public const int Failure = 1;

    /// <summary>Invalid configuration or arguments; nothing was done.</summary>
    public const int InvalidInput = 2;

    /// <summary>Blocked by a threshold; the change set waits to be resumed or abandoned.</summary>
    public const int Blocked = 3;

    /// <summary>The store cannot be opened or reached (missing, read-only, not a store, a newer schema, a server down).</summary>
    public const int StoreUnavailable = 4;

    /// <summary>Another run holds the connector's (or the job's) lock.</summary>
    public const int StoreLocked = 5;

    /// <summary>A managed system or the store refused the credentials.</summary>
    public const int AuthenticationFailed = 6;

    /// <summary>An input file or table is missing, unreadable or malformed.</summary>
    public const int InputUnreadable = 7;

    /// <summary><c>store check</c> found the store inconsistent (a damaged file, a link to a missing resource…).</summary>
    public const int Inconsistent = 8;

    /// <summary>A managed system cannot be reached, is busy or timed out; nothing was applied: try again later.</summary>
    public const int SystemUnavailable = 9;

    /// <summary>Cancelled (Ctrl+C); nothing of the interrupted run was applied. 128 + SIGINT, as shells report it.</summary>
    public const int Cancelled = 130;

    /// <summary>The exit code of a failure kind.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The code.</returns>
    public static int Of(FailureKind kind) => kind switch
    {
        FailureKind.None => Success,
        FailureKind.InvalidInput => InvalidInput,
        FailureKind.StoreUnavailable => StoreUnavailable,
        FailureKind.StoreLocked => StoreLocked,
        FailureKind.AuthenticationFailed => AuthenticationFailed,
        FailureKind.InputUnreadable => InputUnreadable,
        FailureKind.Cancelled => Cancelled,
        FailureKind.SystemUnavailable => SystemUnavailable,
        _ => Failure,
    };
}
