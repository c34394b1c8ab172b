using System.Globalization;
using System.Text;
using IdentitySync.ChangeSets;
using IdentitySync.Configuration;
using IdentitySync.Connections.Csv;
using IdentitySync.Model;
using IdentitySync.Synchronization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IdentitySync.Storage.Sqlite.Tests;

/// <summary>The synchronization engine on the SQLite store, fed by CSV files.</summary>
public sealed class SqliteSynchronizationTests : TemporaryDirectoryTests
{
    [Test]
    public async Task Synchronize_HundredThousandAccounts_CompleteRunsEndToEnd()
    {
        WriteUsers(100_000, _ => null);
        WriteMembers(Enumerable.Range(0, 100_000).Where(static i => i % 3 == 0).Select(static i => ("CN=Staff", i)));
        var engine = Engine(TestDirectory.File("big.db"), out var store);

        var initial = await engine.SynchronizeAsync("AD", new SyncRunOptions { Mode = SyncMode.Initial });
        var again = await engine.SynchronizeAsync("AD", new SyncRunOptions { ReadUnchanged = true });
        WriteUsers(100_000, i => i == 5 ? "2031-01-01" : null);
        var changed = await engine.SynchronizeAsync("AD");

        Assert.Multiple(async () =>
        {
            Assert.That(initial.Outcome, Is.EqualTo(SyncOutcome.Succeeded), initial.Message);
            Assert.That(initial.EntityTypes[0].Inserted, Is.EqualTo(100_000));
            Assert.That(initial.Associations[0].Inserted, Is.EqualTo(33_334));
            Assert.That((again.EntityTypes[0].Unchanged, again.EntityTypes[0].Updated, again.Associations[0].Unchanged), Is.EqualTo((100_000L, 0L, 33_334L)));
            Assert.That((changed.EntityTypes[0].Updated, changed.EntityTypes[0].Unchanged), Is.EqualTo((1L, 99_999L)));
            Assert.That(await store.CountResourcesAsync("AD_User", CancellationToken.None), Is.EqualTo(100_000));
            Assert.That(await store.CountLinksAsync("AD_Membership", CancellationToken.None), Is.EqualTo(33_334));
            Assert.That(await store.EstimateLinkCountAsync("AD_Membership", CancellationToken.None), Is.EqualTo(33_334), "SQLite's estimate is its count");
            var updated = await store.FindResourceAsync("AD_User", "CN=u000005", CancellationToken.None);
            Assert.That(updated!.Values[2], Is.EqualTo(new DateTime(2031, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
        });
    }

    [Test]
    public async Task Synchronize_BlockedRun_SurvivesAReopenAndResumes()
    {
        WriteUsers(200, _ => null);
        WriteMembers([]);
        var path = TestDirectory.File("blocked.db");
        var engine = Engine(path, out _);
        await engine.SynchronizeAsync("AD", new SyncRunOptions { Mode = SyncMode.Initial });
        WriteUsers(150, _ => null);
        var blocked = await engine.SynchronizeAsync("AD");

        var reopened = Engine(path, out var store);
        var staged = await reopened.GetBlockedChangeSetAsync("AD");
        var resumed = await reopened.ResumeAsync("AD");

        Assert.Multiple(async () =>
        {
            Assert.That(blocked.Outcome, Is.EqualTo(SyncOutcome.Blocked));
            Assert.That(staged!.EntityTypes[0].Deleted, Has.Count.EqualTo(50));
            Assert.That(staged.EntityTypes[0].Deleted[0].Values[1], Is.Not.Null, "the deleted resources' values were kept");
            Assert.That(resumed.Outcome, Is.EqualTo(SyncOutcome.Succeeded), resumed.Message);
            Assert.That(await store.CountResourcesAsync("AD_User", CancellationToken.None), Is.EqualTo(150));
        });
    }

    /// <summary>
    /// A blocked run of thousands of changes is kept in pages: a new process reads a page of it by index, resumes
    /// it (reading every page while it writes), and the pages go with the commit.
    /// </summary>
    [Test]
    public async Task Synchronize_BlockedRunOfThousandsOfRows_ResumesFromItsPagesAfterAReopen()
    {
        WriteUsers(6_000, _ => null);
        WriteMembers(Enumerable.Range(0, 6_000).Select(static i => ("CN=Staff", i)));
        var path = TestDirectory.File("paged.db");
        await Engine(path, out _).SynchronizeAsync("AD", new SyncRunOptions { Mode = SyncMode.Initial });
        WriteUsers(3_000, i => i % 2 == 0 ? "2030-06-01" : null);
        WriteMembers(Enumerable.Range(0, 3_000).Select(static i => ("CN=Staff", i)));
        var blocked = await Engine(path, out _).SynchronizeAsync("AD");
        var pagesKept = Pages(path);

        var reopened = Engine(path, out var store);
        var staged = await reopened.GetBlockedChangeSetAsync("AD");
        var lastDeleted = staged!.EntityTypes[0].Deleted[2_999].Key;
        var resumed = await reopened.ResumeAsync("AD");

        Assert.Multiple(async () =>
        {
            Assert.That(blocked.Outcome, Is.EqualTo(SyncOutcome.Blocked), blocked.Message);
            Assert.That((staged.EntityTypes[0].Deleted.Count, staged.EntityTypes[0].Updated.Count, staged.Associations[0].Removed.Count), Is.EqualTo((3_000, 1_500, 3_000)));
            Assert.That(lastDeleted, Is.EqualTo("CN=u005999"));
            Assert.That(pagesKept, Is.EqualTo(3 + 2 + 3), "3,000 deleted, 1,500 updated and 3,000 removed links in pages of 1,000");
            Assert.That(resumed.Outcome, Is.EqualTo(SyncOutcome.Succeeded), resumed.Message);
            Assert.That(await store.CountResourcesAsync("AD_User", CancellationToken.None), Is.EqualTo(3_000));
            Assert.That(await store.CountLinksAsync("AD_Membership", CancellationToken.None), Is.EqualTo(3_000));
            Assert.That((await store.FindResourceAsync("AD_User", "CN=u000002", CancellationToken.None))!.Values[2], Is.EqualTo(new DateTime(2030, 6, 1, 0, 0, 0, DateTimeKind.Utc)));
            Assert.That((await store.GetConnectorStateAsync("AD", CancellationToken.None)).Blocked, Is.Null);
            Assert.That(Pages(path), Is.Zero, "the pages went with the resumed change set's commit");
        });

        static long Pages(string path)
        {
            using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM blocked_pages";
            return (long)command.ExecuteScalar()!;
        }
    }

    [Test]
    public async Task Synchronize_SameFilesAfterAReopen_IsSkippedByTheStoredFingerprint()
    {
        WriteUsers(200, _ => null);
        WriteMembers([("CN=Staff", 1), ("CN=Staff", 2)]);
        var path = TestDirectory.File("fingerprint.db");
        var first = await Engine(path, out var store).SynchronizeAsync("AD", new SyncRunOptions { Mode = SyncMode.Initial });
        var recorded = await store.GetConnectorStateAsync("AD", CancellationToken.None);

        var again = await Engine(path, out var reopened).SynchronizeAsync("AD");
        WriteUsers(200, i => i == 7 ? "2031-01-01" : null);
        var changed = await Engine(path, out _).SynchronizeAsync("AD");
        var after = await reopened.GetConnectorStateAsync("AD", CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(first.Outcome, Is.EqualTo(SyncOutcome.Succeeded), first.Message);
            Assert.That(recorded.ExportFingerprint, Does.Match("^[0-9a-f]{64}$"));
            Assert.That((again.ExportUnchanged, again.BatchId), Is.EqualTo((true, first.BatchId)));
            Assert.That((changed.ExportUnchanged, changed.EntityTypes[0].Updated), Is.EqualTo((false, 1L)));
            Assert.That(after.ExportFingerprint, Does.Match("^[0-9a-f]{64}$").And.Not.EqualTo(recorded.ExportFingerprint));
            Assert.That(after.Version, Is.EqualTo(recorded.Version + 1), "the skipped run applied nothing");
        });
    }

    [Test]
    public async Task UseSqliteStore_InAHost_SynchronizesIntoTheFile()
    {
        WriteUsers(3, _ => null);
        WriteMembers([("CN=Staff", 1)]);
        var path = TestDirectory.File("host.db");
        var services = new ServiceCollection();
        services.AddIdentitySync(b => b
            .UseSqliteStore(path)
            .AddCsvConnectionPackage()
            .ConfigureModel(m => Model(m)));
        services.Configure<SyncEngineOptions>(o => o.BaseDirectory = TestDirectory.Path);
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<SyncEngine>().SynchronizeAsync("AD", new SyncRunOptions { Mode = SyncMode.Initial });

        Assert.Multiple(async () =>
        {
            Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Succeeded), report.Message);
            Assert.That(provider.GetRequiredService<IResourceStore>(), Is.TypeOf<SqliteResourceStore>());
            Assert.That(await new SqliteResourceStore(path).CountResourcesAsync("AD_User", CancellationToken.None), Is.EqualTo(3));
        });
    }

    private static IdentityModelBuilder Model(IdentityModelBuilder builder) => builder
        .AddEntityType("AD_User", e => e
            .AddProperty("Dn")
            .AddProperty("Sam")
            .AddProperty("Created", ScalarType.DateTime)
            .AddProperty("Department")
            .AddNavigationProperty("MemberOf", "AD_Group", isMultiValued: true))
        .AddEntityType("AD_Group", e => e.AddProperty("Dn").AddNavigationProperty("Members", "AD_User", isMultiValued: true))
        .AddAssociation("AD_Membership", "AD_Group.Members", "AD_User.MemberOf")
        .AddConnector("AD", c => c
            .AddConnection("Export", "Csv", [new("Path", "{table}.csv")])
            .MapEntityType("AD_User", "Export", "users", m => m
                .Map("Dn", "dn", PropertyKey.Primary)
                .Map("Sam", "sam", PropertyKey.Unique)
                .Map("Created", "created")
                .Map("Department", "department"))
            .MapEntityType("AD_Group", "Export", "groups", m => m.Map("Dn", "dn", PropertyKey.Primary))
            .MapAssociation("AD_Membership", "Export", "members", "group", "member"));

    /// <summary>A full disk for real: a 4 MiB tmpfs that build/test.sh mounts (root only).</summary>
    [Test]
    public async Task Synchronize_DiskFullWhileApplying_IsStoreUnavailable_AndTheStoreKeepsItsLastRun()
    {
        var path = System.IO.Path.Combine(TestDisk("IDENTITYSYNC_TEST_SMALL_DISK"), $"full-{Guid.NewGuid():N}.db");
        try
        {
            WriteUsers(100, _ => null);
            WriteMembers([("CN=Staff", 1)]);
            var engine = Engine(path, out _);
            var first = await engine.SynchronizeAsync("AD", new SyncRunOptions { Mode = SyncMode.Initial });
            WriteUsers(80_000, _ => null);

            var exception = Assert.ThrowsAsync<StoreUnavailableException>(() => engine.SynchronizeAsync("AD", new SyncRunOptions { Force = true }));

            var reopened = new SqliteResourceStore(path);
            var counts = (await reopened.CountResourcesAsync("AD_User", CancellationToken.None), (await reopened.GetConnectorStateAsync("AD", CancellationToken.None)).Version);
            WriteUsers(150, _ => null);
            var afterwards = await engine.SynchronizeAsync("AD", new SyncRunOptions { Force = true });
            Assert.Multiple(async () =>
            {
                Assert.That(first.Outcome, Is.EqualTo(SyncOutcome.Succeeded), first.Message);
                Assert.That(exception!.Message, Does.Contain("the disk holding the store is full; nothing of this run was applied"));
                Assert.That(exception.Kind, Is.EqualTo(FailureKind.StoreUnavailable));
                Assert.That(counts, Is.EqualTo((100L, 1L)), "the store holds the first run, as it was");
                Assert.That(afterwards.Outcome, Is.EqualTo(SyncOutcome.Succeeded), "a run that fits applies once the failed one is rolled back");
                Assert.That(await reopened.CountResourcesAsync("AD_User", CancellationToken.None), Is.EqualTo(150));
            });
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in Directory.GetFiles(System.IO.Path.GetDirectoryName(path)!, System.IO.Path.GetFileName(path) + "*"))
            {
                File.Delete(file);
            }
        }
    }

    /// <summary>A read-only store for real: a read-only bind mount that refuses writes even to root.</summary>
    [Test]
    public async Task Open_OnAReadOnlyMount_SaysTheStoreIsReadOnly()
    {
        var name = $"readonly-{Guid.NewGuid():N}.db";
        var source = System.IO.Path.Combine(TestDisk("IDENTITYSYNC_TEST_READONLY_SOURCE"), name);
        var view = System.IO.Path.Combine(TestDisk("IDENTITYSYNC_TEST_READONLY_VIEW"), name);
        try
        {
            WriteUsers(10, _ => null);
            WriteMembers([]);
            await Engine(source, out _).SynchronizeAsync("AD", new SyncRunOptions { Mode = SyncMode.Initial });
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

            var exception = Assert.Throws<StoreUnavailableException>(() => _ = new SqliteResourceStore(view));

            Assert.That(exception!.Message, Is.EqualTo($"'{view}': the store file or its folder is read-only; make both writable (SQLite writes a journal beside the file) and run again. (SQLite Error 14: 'unable to open database file'.)"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in Directory.GetFiles(System.IO.Path.GetDirectoryName(source)!, name + "*"))
            {
                File.Delete(file);
            }
        }
    }

    private static string TestDisk(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } path
            ? path
            : throw new AssertionException($"{variable} is not set: run the tests through build/test.sh as root, which mounts the test disks (build/disks.sh).");

    private SyncEngine Engine(string path, out SqliteResourceStore store)
    {
        store = new SqliteResourceStore(path);
        return new SyncEngine(Model(new IdentityModelBuilder()).Build(), store, [new CsvConnectionPackage()], new SyncEngineOptions { BaseDirectory = TestDirectory.Path }, new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    private void WriteUsers(int count, Func<int, string?> created)
    {
        var text = new StringBuilder("dn,sam,created,department\n");
        for (var i = 0; i < count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"CN=u{i:000000},u{i},{created(i) ?? "2024-03-01"},Dept {i % 40}\n");
        }

        File.WriteAllText(TestDirectory.File("users.csv"), text.ToString());
    }

    private void WriteMembers(IEnumerable<(string Group, int User)> members)
    {
        var text = new StringBuilder("group,member\n");
        foreach (var (group, user) in members)
        {
            text.Append(CultureInfo.InvariantCulture, $"{group},CN=u{user:000000}\n");
        }

        File.WriteAllText(TestDirectory.File("members.csv"), text.ToString());
        File.WriteAllText(TestDirectory.File("groups.csv"), "dn\nCN=Staff\n");
    }
}
