namespace IdentitySync.Cli;

/// <summary>Bad input from the user: a missing file, an invalid configuration, an unknown name. Exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message)
{
    /// <summary>A configuration file's problems, one per line under a count.</summary>
    public static UsageException Invalid(string file, IReadOnlyCollection<string> problems) =>
        new($"{file} is invalid ({problems.Count} error{(problems.Count == 1 ? string.Empty : "s")}):"
            + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(static e => "  " + e)));
}
