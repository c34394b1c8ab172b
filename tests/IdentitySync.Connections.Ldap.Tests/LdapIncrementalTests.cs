using System.DirectoryServices.Protocols;
using System.Text;
using IdentitySync.ChangeSets;
using IdentitySync.Configuration;
using IdentitySync.Model;
using IdentitySync.Storage;
using IdentitySync.Synchronization;

namespace IdentitySync.Connections.Ldap.Tests;

/// <summary>
/// Incremental exports through modifyTimestamp: the entries changed since the watermark of the last applied
/// run, as <c>merge</c> rows. Timestamps have one-second steps, so the tests wait a second between steps.
/// </summary>
public sealed class LdapIncrementalTests
{
    private LdapConnection _admin = null!;
    private string _sandbox = null!;

    [SetUp]
    public void CreateSandbox()
    {
        _admin = LdapServer.Connect();
        _sandbox = LdapServer.CreateSandbox(_admin, "incremental");
        foreach (var name in new[] { "ann", "bob", "eve" })
        {
            LdapServer.Add(_admin, $"uid={name},{_sandbox}", ("objectClass", ["inetOrgPerson"]), ("cn", [name]), ("sn", [name]), ("mail", [$"{name}@example.org"]));
        }
    }

    [TearDown]
    public void DeleteSandbox()
    {
        LdapServer.DeleteTree(_admin, _sandbox);
        _admin.Dispose();
    }

    [Test]
    public async Task Incremental_ReadsOnlyWhatChangedSinceTheWatermark_AsMergeRows()
    {
        await Task.Delay(1100);
        var (complete, watermark) = await ReadAsync(ExportMode.Complete, null, "uid", "mail");
        await Task.Delay(1100);
        _admin.SendRequest(new ModifyRequest($"uid=bob,{_sandbox}", DirectoryAttributeOperation.Replace, "mail", "robert@example.org"));

        var (delta, next) = await ReadAsync(ExportMode.Incremental, watermark, "command", "uid", "mail");

        Assert.Multiple(() =>
        {
            Assert.That(complete, Has.Count.EqualTo(3));
            Assert.That(watermark, Does.Match(@"^modifyTimestamp:\d{14}Z$"));
            Assert.That(delta, Has.One.EqualTo(new[] { "merge", "bob", "robert@example.org" }));

            // An entry changed in the watermark's own second is read again (the filter is >=), never missed.
            var stamps = LdapServer.Read(_admin, _sandbox, "(objectClass=inetOrgPerson)", "modifyTimestamp", SearchScope.OneLevel);
            Assert.That(
                delta.Where(static r => r[1] != "bob").Select(r => stamps[$"uid={r[1]},{_sandbox}"][0]),
                Is.All.EqualTo(watermark!["modifyTimestamp:".Length..]));
            Assert.That(string.CompareOrdinal(next, watermark), Is.GreaterThan(0));
        });
    }

    [TestCase(null, "has no watermark yet: run a complete synchronization first")]
    [TestCase("usn:12345", "is not one this connection writes; run a complete synchronization")]
    [TestCase("modifyTimestamp:20261204)(objectClass=*", "is not one this connection writes")]
    public void Incremental_WithoutAUsableWatermark_AsksForACompleteRun(string? watermark, string message)
    {
        var exception = Assert.ThrowsAsync<ConnectionException>(() => ReadAsync(ExportMode.Incremental, watermark, "command", "uid"));

        Assert.Multiple(() =>
        {
            Assert.That(exception!.Message, Does.Contain("'users'").And.Contain(message));
            Assert.That(exception.Kind, Is.EqualTo(FailureKind.InvalidInput));
        });
    }

    /// <summary>Through the engine: the complete run records the watermark, the incremental run applies the change and moves it on.</summary>
    [Test]
    public async Task Synchronization_Incremental_AppliesTheChangeAndRecordsTheWatermark()
    {
        var model = new IdentityModelBuilder()
            .AddEntityType("Dir_User", e => e.AddProperty("Uid").AddProperty("Mail"))
            .AddConnector("Directory", c => c
                .AddConnection("Ldap", LdapConnectionPackage.PackageId, LdapServer.Settings(("users.BaseDn", _sandbox), ("users.Filter", "(objectClass=inetOrgPerson)")))
                .MapEntityType("Dir_User", "Ldap", "users", m => m.Map("Uid", "uid", PropertyKey.Primary).Map("Mail", "mail"))
                .ConfigureThresholds(static t => t.Resources.MaxInsertedPercent = t.Resources.MaxUpdatedPercent = t.Resources.MaxDeletedPercent = 0))
            .Build();
        var store = new InMemoryResourceStore();
        var engine = new SyncEngine(model, store, [new LdapConnectionPackage()]);
        await Task.Delay(1100);
        var complete = await engine.SynchronizeAsync("Directory", new SyncRunOptions { Mode = SyncMode.Initial });
        var first = (await store.GetConnectorStateAsync("Directory", CancellationToken.None)).Watermarks.Single();
        await Task.Delay(1100);
        _admin.SendRequest(new ModifyRequest($"uid=eve,{_sandbox}", DirectoryAttributeOperation.Replace, "mail", "eve@example.net"));
        LdapServer.Add(_admin, $"uid=dan,{_sandbox}", ("objectClass", ["inetOrgPerson"]), ("cn", ["dan"]), ("sn", ["dan"]), ("mail", ["dan@example.org"]));

        var incremental = await engine.SynchronizeAsync("Directory", new SyncRunOptions { Mode = SyncMode.Incremental });

        var second = (await store.GetConnectorStateAsync("Directory", CancellationToken.None)).Watermarks.Single();
        var users = new Dictionary<string, string?>();
        await foreach (var resource in store.GetResourcesAsync("Dir_User", CancellationToken.None))
        {
            users[resource.Key] = resource.Values[1] as string;
        }

        Assert.Multiple(() =>
        {
            Assert.That(complete.Outcome, Is.EqualTo(SyncOutcome.Succeeded), complete.Message);
            Assert.That(incremental.Outcome, Is.EqualTo(SyncOutcome.Succeeded), incremental.Message);
            Assert.That((incremental.EntityTypes.Single().Inserted, incremental.EntityTypes.Single().Updated), Is.EqualTo((1L, 1L)));
            Assert.That(users["eve"], Is.EqualTo("eve@example.net"));
            Assert.That(users, Has.Count.EqualTo(4));
            Assert.That(string.CompareOrdinal(second.Value, first.Value), Is.GreaterThan(0));
        });
    }

    private async Task<(List<string[]> Rows, string? Watermark)> ReadAsync(ExportMode mode, string? watermark, params string[] columns)
    {
        var settings = LdapServer.Settings(("users.BaseDn", _sandbox), ("users.Filter", "(objectClass=inetOrgPerson)"));
        var connection = LdapTestConnections.Connection(settings);
        var rows = new List<string[]>();
        await using var export = LdapTestConnections.Package.CreateExportConnection(connection, LdapTestConnections.Context());
        await using var reader = await export.OpenTableAsync(new ExportRequest("users", columns, mode) { Watermark = watermark }, CancellationToken.None);
        using var batch = new RowBatch(columns.Length);
        while (await reader.ReadAsync(batch, CancellationToken.None))
        {
            for (var row = 0; row < batch.Count; row++)
            {
                rows.Add([.. Enumerable.Range(0, columns.Length).Select(c => Encoding.UTF8.GetString(batch.GetField(row, c)))]);
            }
        }

        return (rows, reader.Watermark);
    }
}
