using System.Runtime.CompilerServices;
using IdentitySync.Testing;

namespace IdentitySync.Hosting.Tests;

public sealed class PublicApiTests
{
    [Test]
    public void PublicApi_Hosting_MatchesApprovedFile()
    {
        var directory = Path.GetDirectoryName(SourceFile())!;

        Approvals.VerifyFile(
            PublicApi.Describe(typeof(IdentitySyncJobService).Assembly),
            Path.Combine(directory, "PublicApi.approved.txt"),
            Path.Combine(directory, "PublicApi.received.txt"));
    }

    private static string SourceFile([CallerFilePath] string path = "") => path;
}
