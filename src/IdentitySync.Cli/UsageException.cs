namespace IdentitySync.Cli;

/// <summary>Bad input from the user: a missing file, an invalid configuration, an unknown name. Exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
