namespace IdentitySync.Storage;

/// <summary>Thrown when the store cannot be opened or reached: a missing or read-only file, a file that is not a store or is of a newer schema, a server that is down or refuses the credentials.</summary>
public sealed class StoreUnavailableException : IdentitySyncException
{
    /// <summary>Initializes a new instance of the <see cref="StoreUnavailableException"/> class.</summary>
    public StoreUnavailableException()
    {
        Kind = FailureKind.StoreUnavailable;
    }

    /// <summary>Initializes a new instance of the <see cref="StoreUnavailableException"/> class with a message.</summary>
    /// <param name="message">Which store, and what to do.</param>
    public StoreUnavailableException(string message)
        : base(message)
    {
        Kind = FailureKind.StoreUnavailable;
    }

    /// <summary>Initializes a new instance of the <see cref="StoreUnavailableException"/> class with a message and its cause.</summary>
    /// <param name="message">Which store, and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public StoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = FailureKind.StoreUnavailable;
    }
}
