using System.Runtime.CompilerServices;
using IdentitySync.Model;
using IdentitySync.Testing;

namespace IdentitySync.Tests;

public sealed class PublicApiTests
{
    [Test]
    public void PublicApi_Core_MatchesApprovedFile()
    {
        var directory = Path.GetDirectoryName(SourceFile())!;

        Approvals.VerifyFile(
            PublicApi.Describe(typeof(IdentityModel).Assembly),
            Path.Combine(directory, "PublicApi.approved.txt"),
            Path.Combine(directory, "PublicApi.received.txt"));
    }

    private static string SourceFile([CallerFilePath] string path = "") => path;
}
