namespace IdentitySync.Storage;

/// <summary>Thrown when a connector is already being synchronized by another run.</summary>
public sealed class ConnectorBusyException : IdentitySyncException
{
    /// <summary>Initializes a new instance of the <see cref="ConnectorBusyException"/> class.</summary>
    public ConnectorBusyException()
    {
        Kind = FailureKind.StoreLocked;
    }

    /// <summary>Initializes a new instance of the <see cref="ConnectorBusyException"/> class with a message.</summary>
    /// <param name="message">Which connector is busy.</param>
    public ConnectorBusyException(string message)
        : base(message)
    {
        Kind = FailureKind.StoreLocked;
    }

    /// <summary>Initializes a new instance of the <see cref="ConnectorBusyException"/> class with a message and its cause.</summary>
    /// <param name="message">Which connector is busy.</param>
    /// <param name="innerException">The cause.</param>
    public ConnectorBusyException(string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = FailureKind.StoreLocked;
    }
}
