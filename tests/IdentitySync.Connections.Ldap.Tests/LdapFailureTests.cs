using IdentitySync.ChangeSets;
using IdentitySync.Configuration;
using IdentitySync.Model;
using IdentitySync.Storage;
using IdentitySync.Synchronization;

namespace IdentitySync.Connections.Ldap.Tests;

/// <summary>The directory going away in the middle of an export: a clear error, nothing applied, and the next run succeeds.</summary>
public sealed class LdapFailureTests
{
    [Test]
    public void ExportCutMidway_IsAConnectionErrorNamingTheTable()
    {
        using var proxy = new CuttingProxy(new Uri(LdapServer.Url)) { CutAfterBytes = 300_000 };
        var settings = LdapServer.Settings(("Servers", proxy.Url), ("Security", "None"), ("users.BaseDn", $"ou=people,{LdapServer.Base}"));
        settings.Remove("TrustedCertificatesDirectory");

        var exception = Assert.ThrowsAsync<ConnectionException>(() => LdapTestConnections.ReadAsync(settings, "users", "dn", "cn", "mail"));

        Assert.Multiple(() =>
        {
            Assert.That(proxy.Cuts, Is.EqualTo(1));
            Assert.That(exception!.Message, Does.Contain("Table 'users'").And.Contain(proxy.Url.Replace("ldap://", string.Empty, StringComparison.Ordinal)));
            Assert.That(exception.Kind, Is.EqualTo(FailureKind.SystemUnavailable));
            Assert.That(exception.ToString(), Does.Not.Contain(LdapServer.Password));
        });
    }

    [Test]
    public async Task SynchronizationCutMidway_LeavesTheStoreAsItWas_AndTheNextRunSucceeds()
    {
        using var proxy = new CuttingProxy(new Uri(LdapServer.Url));
        var settings = LdapServer.Settings(("Servers", proxy.Url), ("Security", "None"), ("users.BaseDn", $"ou=people,{LdapServer.Base}"), ("users.Filter", "(objectClass=inetOrgPerson)"));
        settings.Remove("TrustedCertificatesDirectory");
        var model = new IdentityModelBuilder()
            .AddEntityType("Dir_User", e => e.AddProperty("Uid").AddProperty("Dn").AddProperty("Mail"))
            .AddConnector("Directory", c => c
                .AddConnection("Ldap", LdapConnectionPackage.PackageId, settings)
                .MapEntityType("Dir_User", "Ldap", "users", m => m.Map("Uid", "uid", PropertyKey.Primary).Map("Dn", "dn", PropertyKey.Unique, ValueFormat.DistinguishedName).Map("Mail", "mail")))
            .Build();
        var store = new InMemoryResourceStore();
        var engine = new SyncEngine(model, store, [new LdapConnectionPackage()]);
        var first = await engine.SynchronizeAsync("Directory", new SyncRunOptions { Mode = SyncMode.Initial });
        Assert.That(first.Outcome, Is.EqualTo(SyncOutcome.Succeeded), first.Failure.ToString());
        var before = await CountAsync(store, model);

        proxy.CutAfterBytes = 300_000;
        var cut = await engine.SynchronizeAsync("Directory");
        proxy.CutAfterBytes = long.MaxValue;
        var next = await engine.SynchronizeAsync("Directory", new SyncRunOptions());

        Assert.Multiple(async () =>
        {
            Assert.That(before, Is.EqualTo(LdapServer.Users));
            Assert.That(cut.Outcome, Is.EqualTo(SyncOutcome.Failed));
            Assert.That(cut.Failure, Is.EqualTo(FailureKind.SystemUnavailable));
            Assert.That(await CountAsync(store, model), Is.EqualTo(before), "a run cut midway applies nothing");
            Assert.That(next.Outcome, Is.EqualTo(SyncOutcome.Succeeded));
        });
    }

    private static async Task<int> CountAsync(InMemoryResourceStore store, IdentityModel model)
    {
        var count = 0;
        await foreach (var _ in store.GetResourcesAsync(model.GetEntityType("Dir_User").Name, CancellationToken.None))
        {
            count++;
        }

        return count;
    }
}
