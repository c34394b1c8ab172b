namespace IdentitySync.Rules;

/// <summary>Thrown when an expression cannot be parsed; the message shows where.</summary>
public sealed class ExpressionSyntaxException : IdentitySyncException
{
    /// <summary>Initializes a new instance of the <see cref="ExpressionSyntaxException"/> class.</summary>
    public ExpressionSyntaxException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ExpressionSyntaxException"/> class with a message.</summary>
    /// <param name="message">What is wrong.</param>
    public ExpressionSyntaxException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ExpressionSyntaxException"/> class with a message and its cause.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public ExpressionSyntaxException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ExpressionSyntaxException"/> class for a position in an expression.</summary>
    /// <param name="expression">The expression's text.</param>
    /// <param name="position">The 0-based position of the problem.</param>
    /// <param name="problem">What is wrong there and what is allowed.</param>
    public ExpressionSyntaxException(string expression, int position, string problem)
        : base($"{problem} (at position {position + 1} of the expression){Environment.NewLine}  {expression}{Environment.NewLine}  {new string(' ', position)}^")
    {
        Expression = expression;
        Position = position;
        Problem = problem;
    }

    /// <summary>Gets the expression's text.</summary>
    public string? Expression { get; }

    /// <summary>Gets the 0-based position of the problem.</summary>
    public int Position { get; }

    /// <summary>Gets what is wrong, without the position.</summary>
    public string? Problem { get; }
}
