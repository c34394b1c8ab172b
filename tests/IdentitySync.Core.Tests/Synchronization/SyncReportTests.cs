using System.Runtime.CompilerServices;
using IdentitySync.ChangeSets;
using IdentitySync.Testing;

namespace IdentitySync.Tests.Synchronization;

public sealed class SyncReportTests
{
    [Test]
    public async Task ToJson_BlockedRunWithQuarantine_MatchesApprovedJson()
    {
        var fixture = new SyncFixture(thresholdsOff: false, configure: static b => b.Options.Connectors[0].Mappings[1].Thresholds.MaxDeleted = 1);
        fixture.SetSnapshot(40, "CN=Staff;u1", "CN=Staff;u2");
        await fixture.RunAsync(SyncMode.Initial);
        fixture.Clock.Advance(TimeSpan.FromDays(1));
        fixture.SetUsers([
            .. SyncFixture.Users(36),
            SyncFixture.User(2, created: "2026-02-02"),
            SyncFixture.User(37, created: "yesterday"),
            ";orphan;E000;2024-01-01;",
        ]);
        fixture.SetGroups("CN=Staff;Staff");
        fixture.SetMembers("CN=Staff;u1", "CN=Staff;u39", "CN=Staff;u3");

        var report = await fixture.RunAsync();

        Approvals.VerifyFile(report.ToJson(), Beside("SyncReportTests.BlockedRun.verified.json"), Beside("SyncReportTests.BlockedRun.received.json"));
    }

    private static string Beside(string file, [CallerFilePath] string source = "") => Path.Combine(Path.GetDirectoryName(source)!, file);
}
