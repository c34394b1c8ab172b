using IdentitySync.ChangeSets;
using IdentitySync.Model;
using IdentitySync.Synchronization;

namespace IdentitySync.Tests.Synchronization;

/// <summary>
/// Rows whose fields cannot be trusted are quarantined with the column and the reason, their stored
/// resources stay as they were, and a run in which most rows are bad is blocked, not applied.
/// </summary>
public sealed class InputHygieneTests
{
    [Test]
    public async Task ControlCharacterInKey_IsQuarantined_AndTheOthersApply()
    {
        var fixture = new SyncFixture();
        fixture.SetUsers([SyncFixture.User(1), "CN=u\0x,OU=Users;ux;E999;2024-01-01;", "CN=u\u001b[31m,OU=Users;uy;E998;2024-01-01;", SyncFixture.User(2)]);
        fixture.SetGroups();
        fixture.SetMembers();

        var report = await fixture.RunAsync();

        var users = report.EntityTypes.Single(static e => e.EntityType == "AD_User");
        Assert.Multiple(() =>
        {
            Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Succeeded), report.Message);
            Assert.That(users.Inserted, Is.EqualTo(2));
            Assert.That(users.Quarantined.Select(static q => q.Reason), Is.EqualTo(new[]
            {
                "primary key (column 'dn') holds the control character U+0000 at character 5; a key must be printable (a NUL or an escape sequence in a key is a damaged export)",
                "primary key (column 'dn') holds the control character U+001B at character 5; a key must be printable (a NUL or an escape sequence in a key is a damaged export)",
            }));
            Assert.That(users.Quarantined.Select(static q => q.Line), Is.EqualTo(new[] { 3L, 4L }), "the file's lines, the header being line 1");
        });
    }

    [Test]
    public async Task ControlCharacterInLinkValue_IsQuarantinedWithTheReason()
    {
        var fixture = new SyncFixture();
        fixture.SetUsers([SyncFixture.User(1)]);
        fixture.SetGroups("CN=Staff;Staff");
        fixture.SetMembers("CN=Staff;u1", "CN=Staff;u1\u202Egpj.exe");

        var report = await fixture.RunAsync();

        var links = report.Associations.Single();
        Assert.Multiple(() =>
        {
            Assert.That(links.Inserted, Is.EqualTo(1));
            Assert.That(links.Quarantined.Single().Reason, Does.Contain("holds the control character U+202E at character 3"));
        });
    }

    [Test]
    public async Task OversizedValue_IsQuarantined_AndItsStoredResourceStays()
    {
        var fixture = new SyncFixture(configure: static b => b.Options.Connectors[0].MaxValueLength = 40);
        fixture.SetUsers([SyncFixture.User(1), SyncFixture.User(2)]);
        fixture.SetGroups();
        fixture.SetMembers();
        var first = await fixture.RunAsync();
        Assert.That(first.EntityTypes.Single(static e => e.EntityType == "AD_User").Inserted, Is.EqualTo(2), "values up to 40 characters are stored");

        fixture.SetUsers([SyncFixture.User(1).Replace("E001", new string('E', 50), StringComparison.Ordinal), SyncFixture.User(2)]);
        var report = await fixture.RunAsync();

        var users = report.EntityTypes.Single(static e => e.EntityType == "AD_User");
        Assert.Multiple(async () =>
        {
            Assert.That(users.Quarantined.Single().Reason, Is.EqualTo("column 'employeeId': a value of 50 characters is longer than the connector's MaxValueLength, 40"));
            Assert.That(users.Deleted, Is.EqualTo(0), "a quarantined row never deletes what it describes");
            Assert.That(fixture.ValueOf((await fixture.FindAsync("AD_User", "CN=u1,OU=Users"))!, "EmployeeId"), Is.EqualTo("E001"));
        });
    }

    [Test]
    public async Task MostRowsBad_BlocksTheRun_ResumableLikeAThreshold()
    {
        var fixture = new SyncFixture(configure: static b => b.Options.Connectors[0].Thresholds.MaxQuarantinedPercent = new IdentitySync.Configuration.ConnectorThresholdOptions().MaxQuarantinedPercent);
        fixture.SetUsers([SyncFixture.User(1), SyncFixture.User(2, created: "yesterday"), SyncFixture.User(3, created: "soon"), SyncFixture.User(4, created: "later")]);
        fixture.SetGroups();
        fixture.SetMembers();
        var before = await fixture.DumpAsync();

        var report = await fixture.RunAsync(SyncMode.Initial);

        Assert.Multiple(async () =>
        {
            Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Blocked), "even an initial load is not applied when most rows are bad");
            Assert.That(report.Message, Does.Contain("connector AD: 75% of the 4 rows read quarantined, more than MaxQuarantinedPercent 50%"));
            Assert.That(report.Thresholds.Single(static v => v.Exceeded).Change, Is.EqualTo(ThresholdChange.Quarantined));
            Assert.That((await fixture.DumpAsync()).Where(static l => !l.StartsWith("state|", StringComparison.Ordinal)), Is.EqualTo(before.Where(static l => !l.StartsWith("state|", StringComparison.Ordinal))), "nothing applied");
        });

        var resumed = await fixture.Engine.ResumeAsync("AD");

        Assert.Multiple(async () =>
        {
            Assert.That(resumed.Outcome, Is.EqualTo(SyncOutcome.Succeeded), resumed.Message);
            Assert.That(await fixture.FindAsync("AD_User", "CN=u1,OU=Users"), Is.Not.Null, "the good row applies on resume");
            Assert.That(await fixture.FindAsync("AD_User", "CN=u2,OU=Users"), Is.Null);
        });
    }

    [Test]
    public async Task QuarantineCount_BlocksOverTheLimit_AndZeroTurnsTheLimitsOff()
    {
        var rows = new[] { SyncFixture.User(1), SyncFixture.User(2), SyncFixture.User(3, created: "soon"), SyncFixture.User(4, created: "later") };
        var counted = new SyncFixture(configure: static b => (b.Options.Connectors[0].Thresholds.MaxQuarantined, b.Options.Connectors[0].Thresholds.MaxQuarantinedPercent) = (1, 0));
        var unlimited = new SyncFixture();
        foreach (var fixture in new[] { counted, unlimited })
        {
            fixture.SetUsers(rows);
            fixture.SetGroups();
            fixture.SetMembers();
        }

        var blocked = await counted.RunAsync();
        var applied = await unlimited.RunAsync();

        Assert.Multiple(() =>
        {
            Assert.That(blocked.Outcome, Is.EqualTo(SyncOutcome.Blocked));
            Assert.That(blocked.Message, Does.Contain("connector AD: 2 rows quarantined, more than MaxQuarantined 1"));
            Assert.That(applied.Outcome, Is.EqualTo(SyncOutcome.Succeeded), applied.Message);
            Assert.That(applied.Thresholds.Where(static v => v.Change == ThresholdChange.Quarantined), Is.Empty);
        });
    }

    [Test]
    public async Task EmptyFields_AreNoValueByDefault_OrEmptyStringsWhenSet_AndSwitchingRereadsTheRows()
    {
        var fixture = new SyncFixture();
        var switched = new SyncFixture(configure: static b => b.Options.Connectors[0].Mappings[0].EmptyFields = EmptyFields.EmptyString, store: fixture.Store);
        foreach (var f in new[] { fixture, switched })
        {
            f.SetUsers(["CN=u1,OU=Users;u1;;;"]);
            f.SetGroups();
            f.SetMembers();
        }

        await fixture.RunAsync();
        var before = (await fixture.FindAsync("AD_User", "CN=u1,OU=Users"))!;
        var report = await switched.RunAsync();
        var after = (await switched.FindAsync("AD_User", "CN=u1,OU=Users"))!;

        Assert.Multiple(() =>
        {
            Assert.That((fixture.ValueOf(before, "EmployeeId"), fixture.ValueOf(before, "Created"), fixture.ValueOf(before, "Proxies")), Is.EqualTo((null as object, null as object, null as object)));
            Assert.That(report.EntityTypes[0].Updated, Is.EqualTo(1), "the setting is part of the rows' digest");
            Assert.That(switched.ValueOf(after, "EmployeeId"), Is.EqualTo(string.Empty));
            Assert.That((switched.ValueOf(after, "Created"), switched.ValueOf(after, "Proxies")), Is.EqualTo((null as object, null as object)), "only single-valued text has an empty value");
        });
    }

    [Test]
    public async Task FirstCompleteRunIntoAnEmptyConnector_WhenBlocked_PointsToTheInitialMode()
    {
        var fixture = new SyncFixture(thresholdsOff: false);
        fixture.SetSnapshot(150);

        var first = await fixture.RunAsync();
        await fixture.RunAsync(SyncMode.Initial);
        fixture.SetSnapshot(300);
        var later = await fixture.RunAsync();

        Assert.Multiple(() =>
        {
            Assert.That(first.Outcome, Is.EqualTo(SyncOutcome.Blocked));
            Assert.That(first.Message, Does.EndWith("Connector 'AD' holds nothing yet: load it with the initial mode (identitysync sync --mode initial, or SyncMode.Initial), which checks no change threshold."));
            Assert.That(later.Outcome, Is.EqualTo(SyncOutcome.Blocked));
            Assert.That(later.Message, Does.Not.Contain("initial mode"), "a connector that holds resources is not pointed there");
        });
    }
}
