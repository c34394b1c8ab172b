namespace IdentitySync.Storage;

/// <summary>Thrown when a job is already running in another process or on another host sharing the store.</summary>
public sealed class JobBusyException : IdentitySyncException
{
    /// <summary>Initializes a new instance of the <see cref="JobBusyException"/> class.</summary>
    public JobBusyException()
    {
        Kind = FailureKind.StoreLocked;
    }

    /// <summary>Initializes a new instance of the <see cref="JobBusyException"/> class with a message.</summary>
    /// <param name="message">Which job is busy.</param>
    public JobBusyException(string message)
        : base(message)
    {
        Kind = FailureKind.StoreLocked;
    }

    /// <summary>Initializes a new instance of the <see cref="JobBusyException"/> class with a message and its cause.</summary>
    /// <param name="message">Which job is busy.</param>
    /// <param name="innerException">The cause.</param>
    public JobBusyException(string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = FailureKind.StoreLocked;
    }
}
