namespace IdentitySync.Configuration;

/// <summary>Thrown when a configuration does not make a valid model; lists every problem at once.</summary>
public sealed class IdentityModelValidationException : IdentitySyncException
{
    /// <summary>Initializes a new instance of the <see cref="IdentityModelValidationException"/> class.</summary>
    public IdentityModelValidationException()
        : this([])
    {
    }

    /// <summary>Initializes a new instance of the <see cref="IdentityModelValidationException"/> class with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public IdentityModelValidationException(string message)
        : base(message)
    {
        Errors = [message];
    }

    /// <summary>Initializes a new instance of the <see cref="IdentityModelValidationException"/> class with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public IdentityModelValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [message];
    }

    /// <summary>Initializes a new instance of the <see cref="IdentityModelValidationException"/> class with the validation errors.</summary>
    /// <param name="errors">The errors, each as <c>path: message</c>.</param>
    public IdentityModelValidationException(IReadOnlyList<string> errors)
        : base(FormatMessage(errors))
    {
        Errors = errors;
    }

    /// <summary>Gets every validation error, each as <c>path: message</c>, for example <c>Connectors[AD].Mappings[AD_User].PrimaryKey: …</c>.</summary>
    public IReadOnlyList<string> Errors { get; }

    private static string FormatMessage(IReadOnlyList<string> errors) =>
        errors.Count == 0
            ? "The IdentitySync configuration is invalid."
            : $"The IdentitySync configuration is invalid ({errors.Count} error{(errors.Count == 1 ? string.Empty : "s")}):"
                + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(static e => "  - " + e));
}
