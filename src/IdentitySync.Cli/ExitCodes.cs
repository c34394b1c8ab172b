namespace IdentitySync.Cli;

/// <summary>The process exit codes of <c>identitysync</c>.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int InvalidInput = 2;
    public const int Blocked = 3;
}
