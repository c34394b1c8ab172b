namespace IdentitySync.Storage;

/// <summary>Thrown when a change set no longer fits the store: the connector's data changed since it was computed.</summary>
public sealed class StoreConflictException : IdentitySyncException
{
    /// <summary>Initializes a new instance of the <see cref="StoreConflictException"/> class.</summary>
    public StoreConflictException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="StoreConflictException"/> class with a message.</summary>
    /// <param name="message">What changed.</param>
    public StoreConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="StoreConflictException"/> class with a message and its cause.</summary>
    /// <param name="message">What changed.</param>
    /// <param name="innerException">The cause.</param>
    public StoreConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
