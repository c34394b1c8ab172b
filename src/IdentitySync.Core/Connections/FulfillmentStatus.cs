namespace IdentitySync.Connections;

/// <summary>The outcome of one order handed to a fulfill connection.</summary>
public enum FulfillmentStatus
{
    /// <summary>Applied.</summary>
    Succeeded,

    /// <summary>Refused or failed; the message says why.</summary>
    Failed,

    /// <summary>Not tried (the system was busy or unreachable); tried again later.</summary>
    NotAttempted,

    /// <summary>Sent, but whether it applied is unknown (a timeout); tried again later, and verification settles it.</summary>
    OutcomeUnknown,

    /// <summary>The resource to change or remove does not exist: done for a removal, a failure for a change.</summary>
    NotFound,

    /// <summary>The resource to create already exists: done, and verification compares its values.</summary>
    AlreadyExists,

    /// <summary>Handed over to a system that confirms later (an order file for a script): the order stays transmitted until results come back.</summary>
    Accepted,
}
