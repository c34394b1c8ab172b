using IdentitySync.Configuration;
using IdentitySync.Model;
using IdentitySync.Storage;
using IdentitySync.Synchronization;
using IdentitySync.Testing;

namespace IdentitySync.Tests.Synchronization;

/// <summary>Keys in the DistinguishedName format: one spelling stored, and two spellings of one DN never merged.</summary>
public sealed class DistinguishedNameKeyTests
{
    private readonly InMemoryConnectionPackage _package = new();
    private readonly InMemoryResourceStore _store = new();
    private readonly SyncEngine _engine;

    public DistinguishedNameKeyTests()
    {
        var model = new IdentityModelBuilder()
            .AddEntityType("Dir_User", e => e.AddProperty("Sam").AddProperty("Dn"))
            .AddConnector("Dir", c => c
                .AddConnection("Export", "Memory")
                .MapEntityType("Dir_User", "Export", "users", m => m.Map("Sam", "sam", PropertyKey.Primary).Map("Dn", "dn", PropertyKey.Unique, ValueFormat.DistinguishedName))
                .ConfigureThresholds(static t => t.Resources.MaxInsertedPercent = t.Resources.MaxUpdatedPercent = t.Resources.MaxDeletedPercent = 0))
            .Build();
        _engine = new SyncEngine(model, _store, [_package]);
    }

    [Test]
    public async Task Values_AreStoredInOneSpelling()
    {
        _package.SetTable("users", "sam;dn", ["s1;CN=Smith\\2C Jr., OU=Users,DC=x"]);

        var report = await _engine.SynchronizeAsync("Dir");

        Assert.Multiple(async () =>
        {
            Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Succeeded), report.Message);
            Assert.That(await DnsAsync(), Is.EqualTo(new[] { "cn=Smith\\, Jr.,ou=Users,dc=x" }));
        });
    }

    /// <summary>Two entries whose DNs differ only by spelling or case name one entry: both rows are quarantined, none is merged into the other.</summary>
    [Test]
    public async Task TwoSpellingsOfOneDn_AreQuarantinedNotMerged()
    {
        _package.SetTable("users", "sam;dn", ["s1;cn=A\\,B,dc=x", "s2;cn=C,dc=x"]);
        await _engine.SynchronizeAsync("Dir");
        _package.SetTable("users", "sam;dn", ["s1;cn=A\\,B,dc=x", "s2;CN=a\\2Cb, DC=x"]);

        var report = await _engine.SynchronizeAsync("Dir");

        Assert.Multiple(async () =>
        {
            Assert.That(report.EntityTypes.Single().Quarantined.Select(static q => q.Reason), Has.Some.Contains("Dn"), report.ToJson());
            Assert.That(await DnsAsync(), Is.EquivalentTo(new[] { "cn=A\\,B,dc=x", "cn=C,dc=x" }), "both stored resources are left as they were");
        });
    }

    /// <summary>Any unique key, not only DNs: two users with one login are both quarantined with the reason, and the others apply.</summary>
    [Test]
    public async Task SharedUniqueKey_QuarantinesEveryRowHoldingIt()
    {
        var fixture = new SyncFixture();
        fixture.SetUsers([SyncFixture.User(1, sam: "jdoe"), SyncFixture.User(2, sam: "JDOE2"), SyncFixture.User(3, sam: "jdoe")]);
        fixture.SetGroups();
        fixture.SetMembers();

        var report = await fixture.Engine.SynchronizeAsync("AD");

        Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Succeeded), report.Message);
        var users = report.EntityTypes.Single(static e => e.EntityType == "AD_User");
        Assert.Multiple(() =>
        {
            Assert.That(users.Inserted, Is.EqualTo(1), "only u2 applies");
            Assert.That(users.Quarantined.Select(static q => q.Key), Is.EquivalentTo(new[] { "CN=u1,OU=Users", "CN=u3,OU=Users" }));
            Assert.That(users.Quarantined.Select(static q => q.Reason), Has.All.Contains("unique key Sam (column 'sam') 'jdoe' is shared with"));
        });
    }

    /// <summary>A membership that names a shared unique-key value could mean either row: it is quarantined, not given to one of them.</summary>
    [Test]
    public async Task ALinkNamingASharedUniqueKey_IsQuarantinedAsAmbiguous()
    {
        var fixture = new SyncFixture();
        fixture.SetUsers([SyncFixture.User(1, sam: "jdoe"), SyncFixture.User(2, sam: "JDOE2"), SyncFixture.User(3, sam: "jdoe")]);
        fixture.SetGroups("CN=Staff;Staff");
        fixture.SetMembers("CN=Staff;jdoe", "CN=Staff;JDOE2");

        var report = await fixture.Engine.SynchronizeAsync("AD");

        var links = report.Associations.Single();
        Assert.Multiple(() =>
        {
            Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Succeeded), report.Message);
            Assert.That(links.Inserted, Is.EqualTo(1), "JDOE2's membership");
            Assert.That(links.Quarantined.Select(static q => q.Reason), Is.EqualTo(new[] { "column 'member_sam': several AD_User share Sam 'jdoe'" }));
        });
    }

    private async Task<List<string?>> DnsAsync()
    {
        var dns = new List<string?>();
        await foreach (var resource in _store.GetResourcesAsync("Dir_User", CancellationToken.None))
        {
            dns.Add(resource.Values[1] as string);
        }

        return dns;
    }
}
