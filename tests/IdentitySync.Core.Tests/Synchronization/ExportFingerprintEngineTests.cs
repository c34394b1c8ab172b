using IdentitySync.ChangeSets;
using IdentitySync.Synchronization;

namespace IdentitySync.Tests.Synchronization;

/// <summary>The engine's side of unchanged exports, on a package whose tables are fingerprinted by their content.</summary>
public sealed class ExportFingerprintEngineTests
{
    [TestCase(false, TestName = "Synchronize_UnchangedExport_IsSkipped(tables one after another)")]
    [TestCase(true, TestName = "Synchronize_UnchangedExport_IsSkipped(tables side by side)")]
    public async Task Synchronize_UnchangedExport_IsSkipped(bool concurrentTables)
    {
        var fixture = new SyncFixture(concurrentTables: concurrentTables, fingerprints: true);
        fixture.SetSnapshot(5, "CN=Staff;u1", "CN=Admins;u2");
        var first = await fixture.RunAsync(SyncMode.Initial);
        var (opened, fingerprinted) = (fixture.Package.OpenCount, fixture.Package.FingerprintCount);

        var again = await fixture.RunAsync();
        var openedAgain = fixture.Package.OpenCount;
        fixture.SetGroups("CN=Staff;Staff", "CN=Admins;Admins", "CN=Ops;Ops");
        var changed = await fixture.RunAsync();

        Assert.Multiple(() =>
        {
            Assert.That(first.Outcome, Is.EqualTo(SyncOutcome.Succeeded), first.Message);
            Assert.That((opened, fingerprinted), Is.EqualTo((3, 6)), "each table fingerprinted before and after it is read");
            Assert.That((again.Outcome, again.ExportUnchanged), Is.EqualTo((SyncOutcome.Succeeded, true)));
            Assert.That(openedAgain, Is.EqualTo(opened), "no table was opened");
            Assert.That(changed.ExportUnchanged, Is.False);
            Assert.That(changed.EntityTypes.Single(static e => e.EntityType == "AD_Group").Inserted, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Synchronize_PackageWithoutFingerprints_ReadsEveryTime()
    {
        var fixture = new SyncFixture();
        fixture.SetSnapshot(5, "CN=Staff;u1");
        await fixture.RunAsync(SyncMode.Initial);

        var again = await fixture.RunAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(again.ExportUnchanged, Is.False);
            Assert.That(fixture.Package.OpenCount, Is.EqualTo(6));
            Assert.That((await fixture.Store.GetConnectorStateAsync("AD", CancellationToken.None)).ExportFingerprint, Is.Null);
        });
    }

    [Test]
    public async Task Synchronize_UnchangedExportInADryRun_IsSkippedToo()
    {
        var fixture = new SyncFixture(fingerprints: true);
        fixture.SetSnapshot(3);
        await fixture.RunAsync(SyncMode.Initial);

        var dry = await fixture.RunAsync(dryRun: true);

        Assert.That((dry.ExportUnchanged, dry.DryRun, dry.Outcome), Is.EqualTo((true, true, SyncOutcome.Succeeded)));
    }
}
