namespace IdentitySync;

/// <summary>
/// What kind of failure ended an operation, so that a host maps it to an action (the CLI to its exit
/// code): retry later, fix the configuration, check the credentials, free the lock.
/// </summary>
public enum FailureKind
{
    /// <summary>Nothing failed.</summary>
    None,

    /// <summary>The operation failed for another reason; the message says why.</summary>
    Failed,

    /// <summary>The configuration or the arguments are invalid; nothing was done.</summary>
    InvalidInput,

    /// <summary>The store cannot be opened or reached: missing, read-only, not a store, of a newer schema, or its server is down.</summary>
    StoreUnavailable,

    /// <summary>Another run holds the lock (the connector's, or a job's); wait for it to end.</summary>
    StoreLocked,

    /// <summary>A managed system or the store refused the credentials.</summary>
    AuthenticationFailed,

    /// <summary>An input (an export file, a results file, a table) is missing, unreadable or malformed.</summary>
    InputUnreadable,

    /// <summary>The operation was cancelled; nothing of it was applied.</summary>
    Cancelled,

    /// <summary>
    /// A managed system cannot be reached, is busy or did not answer in time: trying again later may succeed.
    /// The export counterpart of a fulfilment result that is retried; the engine retries opening a table, a
    /// host retries the run later.
    /// </summary>
    SystemUnavailable,
}
