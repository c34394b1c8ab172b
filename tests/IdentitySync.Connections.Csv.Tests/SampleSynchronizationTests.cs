using IdentitySync.ChangeSets;
using IdentitySync.Configuration;
using IdentitySync.Model;
using IdentitySync.Storage;
using IdentitySync.Synchronization;
using IdentitySync.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace IdentitySync.Connections.Csv.Tests;

/// <summary>The sample HR and Active Directory exports, with memberships and managers, loaded end to end.</summary>
public sealed class SampleSynchronizationTests
{
    private IdentityModel _model = null!;
    private InMemoryResourceStore _store = null!;
    private SyncEngine _engine = null!;

    [SetUp]
    public void CreateEngine()
    {
        var samples = Path.Combine(TestContext.CurrentContext.TestDirectory, "Samples");
        var options = new IdentitySyncOptions();
        new ConfigurationBuilder().AddJsonFile(Path.Combine(samples, "three-connectors.json")).Build()
            .GetSection(IdentitySyncOptions.SectionName).Bind(options);
        _model = new IdentityModelBuilder(options).Build();
        _store = new InMemoryResourceStore();
        _engine = new SyncEngine(_model, _store, [new CsvConnectionPackage()], new SyncEngineOptions { BaseDirectory = samples }, new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    [Test]
    public async Task Synchronize_HrSample_LoadsPeopleOrganizationsAndManagers()
    {
        var report = await _engine.SynchronizeAsync("HR", new SyncRunOptions { Mode = SyncMode.Initial });

        var bruno = await _store.FindResourceAsync("HR_Person", "1002", CancellationToken.None);
        Assert.Multiple(async () =>
        {
            Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Succeeded), report.Message);
            Assert.That(report.EntityTypes.Select(static e => (e.EntityType, e.Inserted)), Is.EqualTo(new[] { ("HR_Person", 5L), ("HR_Organization", 3L) }));
            Assert.That(report.Associations.Select(static a => (a.Association, a.Inserted)), Is.EqualTo(new[] { ("HR_PersonOrganization", 5L), ("HR_PersonManager", 4L) }));
            Assert.That(Value(bruno!, "LastName"), Is.EqualTo("Lefèvre"));
            Assert.That(Value(bruno!, "HireDate"), Is.EqualTo(new DateTime(2020, 6, 15, 0, 0, 0, DateTimeKind.Utc)));
            Assert.That(Value(bruno!, "Fte"), Is.EqualTo(0.8));
            Assert.That(Value(bruno!, "IsContractor"), Is.False);
            Assert.That(Value((await _store.FindResourceAsync("HR_Person", "1003", CancellationToken.None))!, "IsContractor"), Is.True);
            Assert.That(Value((await _store.FindResourceAsync("HR_Organization", "IT", CancellationToken.None))!, "Name"), Is.EqualTo("Information; Technology"));
            Assert.That(await LinksAsync("HR_PersonManager", "HR_Person", "HR_Person"), Is.EqualTo(new[] { "1002->1001", "1003->1001", "1004->1003", "1005->1001" }));
        });
    }

    [Test]
    public async Task Synchronize_AdSample_ResolvesMembershipsAndManagersByDistinguishedName()
    {
        var report = await _engine.SynchronizeAsync("AD", new SyncRunOptions { Mode = SyncMode.Initial });

        var alice = await _store.FindResourceAsync("AD_User", "00000000-0000-0000-0000-000000000001", CancellationToken.None);
        var bruno = await _store.FindResourceAsync("AD_User", "00000000-0000-0000-0000-000000000002", CancellationToken.None);
        Assert.Multiple(async () =>
        {
            Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Succeeded), report.Message);
            Assert.That(report.EntityTypes.Select(static e => (e.EntityType, e.Inserted)), Is.EqualTo(new[] { ("AD_User", 6L), ("AD_Group", 3L) }));
            Assert.That(report.Associations.Select(static a => (a.Association, a.Inserted)), Is.EqualTo(new[] { ("AD_Membership", 7L), ("AD_UserManager", 3L) }));
            Assert.That(Value(alice!, "ObjectGuid"), Is.EqualTo(new Guid("00000000-0000-0000-0000-000000000001")));
            Assert.That(Value(alice!, "DisplayName"), Is.EqualTo("Martin, Alice"));
            Assert.That(Value(alice!, "WhenCreated"), Is.EqualTo(new DateTime(2020, 1, 15, 9, 30, 0, DateTimeKind.Utc)));
            Assert.That(Value(alice!, "LastLogon"), Is.EqualTo(new DateTime(2024, 1, 17, 21, 20, 0, DateTimeKind.Utc)));
            Assert.That(Value(alice!, "ProxyAddresses"), Is.EqualTo(new object[] { "SMTP:alice.martin@corp.test", "smtp:amartin@corp.test" }));
            Assert.That(Value(bruno!, "LastLogon"), Is.Null, "FILETIME 0 means never");
            Assert.That(await LinksAsync("AD_UserManager", "AD_User", "AD_User"), Is.EqualTo(new[]
            {
                "00000000-0000-0000-0000-000000000002->00000000-0000-0000-0000-000000000001",
                "00000000-0000-0000-0000-000000000003->00000000-0000-0000-0000-000000000001",
                "00000000-0000-0000-0000-000000000004->00000000-0000-0000-0000-000000000003",
            }));
            Assert.That((await LinksAsync("AD_Membership", "AD_Group", "AD_User")).Where(static l => l.StartsWith("CN=Domain Admins", StringComparison.Ordinal)), Is.EqualTo(new[]
            {
                "CN=Domain Admins,OU=Groups,DC=corp,DC=test->00000000-0000-0000-0000-000000000005",
            }));
        });
    }

    [Test]
    public async Task Synchronize_AllSampleConnectorsTwice_SecondRunChangesNothing()
    {
        var first = new List<SyncReport>();
        foreach (var connector in _model.Connectors)
        {
            first.Add(await _engine.SynchronizeAsync(connector.Name, new SyncRunOptions { Mode = SyncMode.Initial }));
        }

        var second = new List<SyncReport>();
        var reread = new List<SyncReport>();
        foreach (var connector in _model.Connectors)
        {
            second.Add(await _engine.SynchronizeAsync(connector.Name));
            reread.Add(await _engine.SynchronizeAsync(connector.Name, new SyncRunOptions { ReadUnchanged = true }));
        }

        Assert.Multiple(() =>
        {
            Assert.That(first.Select(static r => r.Outcome), Is.All.EqualTo(SyncOutcome.Succeeded));
            Assert.That(second.Concat(reread).Select(static r => r.Outcome), Is.All.EqualTo(SyncOutcome.Succeeded));

            // The same files again are skipped: nothing is read, and the batch is the one applied.
            Assert.That(second.Select(static r => r.ExportUnchanged), Is.All.True);
            Assert.That(second.Select(static r => r.BatchId), Is.EqualTo(first.Select(static r => r.BatchId)));
            Assert.That(second.SelectMany(static r => r.EntityTypes), Is.Empty, "nothing was read");

            // Read anyway, row by row: nothing changes either.
            Assert.That(reread.Select(static r => r.ExportUnchanged), Is.All.False);
            Assert.That(second.Concat(reread).SelectMany(static r => r.EntityTypes).Sum(static e => e.Inserted + e.Updated + e.Deleted), Is.Zero);
            Assert.That(second.Concat(reread).SelectMany(static r => r.Associations).Sum(static a => a.Inserted + a.Deleted), Is.Zero);
            Assert.That(reread.SelectMany(static r => r.EntityTypes).Sum(static e => e.Unchanged), Is.EqualTo(5 + 3 + 6 + 3 + 3));
        });
    }

    [Test]
    public async Task Synchronize_AdSample_ReportMatchesApprovedJson()
    {
        var report = await _engine.SynchronizeAsync("AD", new SyncRunOptions { Mode = SyncMode.Initial });

        Approvals.VerifyFile(
            report.ToJson(),
            Path.Combine(SourceDirectory(), "SampleSynchronizationTests.AdReport.verified.json"),
            Path.Combine(SourceDirectory(), "SampleSynchronizationTests.AdReport.received.json"));
    }

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    private object? Value(StoredResource resource, string property)
    {
        var entityType = _model.GetEntityType(resource.EntityType);
        return resource.Values[entityType.Properties.Select((p, i) => (p, i)).First(x => x.p.Name == property).i];
    }

    private async Task<List<string>> LinksAsync(string association, string first, string second)
    {
        var keys = new Dictionary<long, string>();
        foreach (var entityType in new[] { first, second }.Distinct())
        {
            await foreach (var resource in _store.GetResourcesAsync(entityType, CancellationToken.None))
            {
                keys[resource.Id] = resource.Key;
            }
        }

        var links = new List<string>();
        await foreach (var link in _store.GetLinksAsync(association, CancellationToken.None))
        {
            links.Add(keys[link.FirstId] + "->" + keys[link.SecondId]);
        }

        links.Sort(StringComparer.Ordinal);
        return links;
    }
}
