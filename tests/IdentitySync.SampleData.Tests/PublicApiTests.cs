using System.Runtime.CompilerServices;
using IdentitySync.Testing;

namespace IdentitySync.SampleData.Tests;

public sealed class PublicApiTests
{
    [Test]
    public void PublicApi_Testing_MatchesApprovedFile()
    {
        var directory = Path.GetDirectoryName(SourceFile())!;

        Approvals.VerifyFile(
            PublicApi.Describe(typeof(DataGenerator).Assembly),
            Path.Combine(directory, "PublicApi.approved.txt"),
            Path.Combine(directory, "PublicApi.received.txt"));
    }

    private static string SourceFile([CallerFilePath] string path = "") => path;
}
