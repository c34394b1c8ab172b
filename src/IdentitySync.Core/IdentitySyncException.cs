namespace IdentitySync;

/// <summary>The root of the exceptions IdentitySync throws when a whole operation cannot continue.</summary>
public class IdentitySyncException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="IdentitySyncException"/> class.</summary>
    public IdentitySyncException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="IdentitySyncException"/> class with a message.</summary>
    /// <param name="message">What went wrong, in plain words.</param>
    public IdentitySyncException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="IdentitySyncException"/> class with a message and its cause.</summary>
    /// <param name="message">What went wrong, in plain words.</param>
    /// <param name="innerException">The exception that caused it.</param>
    public IdentitySyncException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets what kind of failure this is, for a host to act on (the CLI maps it to its exit code).</summary>
    /// <value>The default value is <see cref="FailureKind.Failed"/>; some exception types set their own.</value>
    public FailureKind Kind { get; init; } = FailureKind.Failed;
}
