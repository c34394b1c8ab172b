using IdentitySync.ChangeSets;
using IdentitySync.Configuration;
using IdentitySync.Model;
using IdentitySync.Synchronization;
using IdentitySync.Testing;
using Microsoft.Data.Sqlite;

namespace IdentitySync.Storage.Sqlite.Tests;

/// <summary><see cref="StoreCheck"/> on a real SQLite file: sound after runs, and each kind of damage named.</summary>
public sealed class SqliteStoreCheckTests : TemporaryDirectoryTests
{
    [Test]
    public async Task Check_AfterRuns_IsConsistent_AndNamesEveryDamage()
    {
        var path = TestDirectory.File("check.db");
        using var store = new SqliteResourceStore(path);
        await LoadAsync(store, 20, "CN=Staff;u1", "CN=Staff;u2", "CN=Admins;u2");

        var sound = await StoreCheck.RunAsync(s_model, store);
        var u1 = (await store.FindResourceAsync("AD_User", "CN=u1,OU=Users", CancellationToken.None))!.Id;
        Execute(path, $"DELETE FROM resources WHERE id = {u1}; UPDATE resources SET key = 'CN=u3' || char(0) || ',OU=Users' WHERE key = 'CN=u3,OU=Users';");
        var damaged = await StoreCheck.RunAsync(s_model, store);

        Assert.Multiple(() =>
        {
            Assert.That(sound.Problems, Is.Empty);
            Assert.That((sound.Resources, sound.Links, sound.Connectors), Is.EqualTo((22L, 3L, 1)));
            Assert.That(damaged.IsConsistent, Is.False);
            Assert.That(damaged.Problems, Has.Some.Match($"^AD_Membership link \\d+ → {u1}: no AD_User has id {u1}$"));
            Assert.That(damaged.Problems, Has.Some.Match(@"AD_User 'CN=u3\\u0000,OU=Users' \(id \d+\): its key holds a control character"));
        });
    }

    [Test]
    public async Task Check_DamagedFile_ReportsSqlitesIntegrityCheck()
    {
        var path = TestDirectory.File("torn.db");
        using (var store = new SqliteResourceStore(path))
        {
            await LoadAsync(store, 2_000);
        }

        SqliteConnection.ClearAllPools();

        // An index page overwritten with zeros: the file still opens, and only a check sees the damage.
        var rootPage = Scalar(path, "SELECT rootpage FROM sqlite_master WHERE type = 'index' AND tbl_name = 'resources'");
        await using (var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = (rootPage - 1) * 4096;
            await file.WriteAsync(new byte[4096]);
        }

        using var reopened = new SqliteResourceStore(path);
        var result = await ((IStoreIntegrityCheck)reopened).CheckIntegrityAsync(CancellationToken.None);

        Assert.That(result, Is.Not.Empty.And.All.StartWith($"{path}: integrity check: "));
    }

    private static readonly IdentityModel s_model = new IdentityModelBuilder()
        .AddEntityType("AD_User", static e => e.AddProperty("Dn").AddProperty("Sam").AddNavigationProperty("MemberOf", "AD_Group", isMultiValued: true))
        .AddEntityType("AD_Group", static e => e.AddProperty("Dn").AddProperty("Cn").AddNavigationProperty("Members", "AD_User", isMultiValued: true))
        .AddAssociation("AD_Membership", "AD_Group.Members", "AD_User.MemberOf")
        .AddConnector("AD", static c => c
            .AddConnection("Export", "Memory")
            .MapEntityType("AD_User", "Export", "users", static m => m.Map("Dn", "dn", PropertyKey.Primary).Map("Sam", "sam", PropertyKey.Unique))
            .MapEntityType("AD_Group", "Export", "groups", static m => m.Map("Dn", "dn", PropertyKey.Primary).Map("Cn", "cn"))
            .MapAssociation("AD_Membership", "Export", "members", "group_dn", "member_sam", secondKey: "Sam"))
        .Build();

    private static async Task LoadAsync(IResourceStore store, int users, params string[] members)
    {
        var package = new InMemoryConnectionPackage();
        package.SetTable("users", "dn;sam", Enumerable.Range(1, users).Select(static i => $"CN=u{i},OU=Users;u{i}"));
        package.SetTable("groups", "dn;cn", ["CN=Staff;Staff", "CN=Admins;Admins"]);
        package.SetTable("members", "group_dn;member_sam", members);
        var report = await new SyncEngine(s_model, store, [package]).SynchronizeAsync("AD", new SyncRunOptions { Mode = SyncMode.Initial });
        Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Succeeded), report.Message);
    }

    private static void Execute(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static long Scalar(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
