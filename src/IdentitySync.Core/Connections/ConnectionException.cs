namespace IdentitySync.Connections;

/// <summary>Thrown by a connection when the managed system cannot be read or written as a whole (a missing file, a refused login).</summary>
public sealed class ConnectionException : IdentitySyncException
{
    /// <summary>Initializes a new instance of the <see cref="ConnectionException"/> class.</summary>
    public ConnectionException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ConnectionException"/> class with a message.</summary>
    /// <param name="message">What failed, naming the file, table or setting.</param>
    public ConnectionException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ConnectionException"/> class with a message and its cause.</summary>
    /// <param name="message">What failed, naming the file, table or setting.</param>
    /// <param name="innerException">The cause.</param>
    public ConnectionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
