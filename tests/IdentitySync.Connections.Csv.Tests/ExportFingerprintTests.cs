using IdentitySync.ChangeSets;
using IdentitySync.Configuration;
using IdentitySync.Model;
using IdentitySync.Storage;
using IdentitySync.Synchronization;
using IdentitySync.Testing;

namespace IdentitySync.Connections.Csv.Tests;

/// <summary>
/// A complete run whose files are identical to the export last applied, under the same configuration,
/// reads nothing; anything that could make the rows differ makes it read again.
/// </summary>
public sealed class ExportFingerprintTests
{
    private const string Users = "dn,name,count\nu1,Ann,1\nu2,Bob,2\nu3,Cid,3\n";
    private const string Groups = "dn\ng1\ng2\n";
    private const string Members = "group,member\ng1,u1\ng1,u2\ng2,u3\n";

    private string _directory = null!;

    [SetUp]
    public void CreateDirectory()
    {
        _directory = Directory.CreateTempSubdirectory("identitysync-fingerprint").FullName;
        Write("users.csv", Users);
        Write("groups.csv", Groups);
        Write("members.csv", Members);
    }

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task Synchronize_SameFilesAgain_ReadsNothingAndWritesNothing()
    {
        var store = new InMemoryResourceStore();
        var engine = Engine(store);
        var first = await engine.SynchronizeAsync("AD", new SyncRunOptions { Mode = SyncMode.Initial });
        var applied = await store.GetConnectorStateAsync("AD", CancellationToken.None);

        var again = await engine.SynchronizeAsync("AD");
        var after = await store.GetConnectorStateAsync("AD", CancellationToken.None);
        var reread = await engine.SynchronizeAsync("AD", new SyncRunOptions { ReadUnchanged = true });

        Assert.Multiple(() =>
        {
            Assert.That(first.Outcome, Is.EqualTo(SyncOutcome.Succeeded), first.Message);
            Assert.That(applied.ExportFingerprint, Does.Match("^[0-9a-f]{64}$"), "a complete load records its export's fingerprint");
            Assert.That((again.Outcome, again.ExportUnchanged, again.BatchId), Is.EqualTo((SyncOutcome.Succeeded, true, first.BatchId)));
            Assert.That(again.Message, Is.EqualTo($"The export is identical to the one applied in batch {first.BatchId}, under the same configuration: nothing was read and nothing changed. Read it anyway with ReadUnchanged (--read-unchanged)."));
            Assert.That(again.EntityTypes, Is.Empty, "nothing was read");
            Assert.That(again.Associations, Is.Empty);
            Assert.That(after.Version, Is.EqualTo(applied.Version), "nothing was applied");
            Assert.That(again.ToJson(), Does.Contain("\"exportUnchanged\": true"));

            Assert.That(reread.ExportUnchanged, Is.False);
            Assert.That(reread.EntityTypes.Select(static e => (e.RowsRead, e.Unchanged, e.Inserted + e.Updated + e.Deleted)), Is.EqualTo(new[] { (3L, 3L, 0L), (2L, 2L, 0L) }));
            Assert.That(reread.Associations.Single().Unchanged, Is.EqualTo(3));
        });
    }

    [Test]
    public async Task Synchronize_OneByteChanged_ReadsAndApplies()
    {
        var store = new InMemoryResourceStore();
        var engine = Engine(store);
        await engine.SynchronizeAsync("AD", new SyncRunOptions { Mode = SyncMode.Initial });
        Write("members.csv", Members.Replace("g2,u3", "g2,u2", StringComparison.Ordinal));

        var changed = await engine.SynchronizeAsync("AD");
        var again = await engine.SynchronizeAsync("AD");

        Assert.Multiple(() =>
        {
            Assert.That(changed.ExportUnchanged, Is.False);
            Assert.That((changed.Associations.Single().Inserted, changed.Associations.Single().Deleted), Is.EqualTo((1L, 1L)));
            Assert.That(again.ExportUnchanged, Is.True, "the changed export, once applied, is the one recorded");
        });
    }

    [Test]
    public async Task Synchronize_ConfigurationChanged_ReadsTheSameFilesAgain()
    {
        var store = new InMemoryResourceStore();
        await Engine(store).SynchronizeAsync("AD", new SyncRunOptions { Mode = SyncMode.Initial });

        // The same files, but the count column is now an integer: the same bytes give other values.
        var retyped = await Engine(store, ScalarType.Int32).SynchronizeAsync("AD");
        var count = (await store.FindResourceAsync("User", "u2", CancellationToken.None))!.Values[2];
        var again = await Engine(store, ScalarType.Int32).SynchronizeAsync("AD");
        var trimmed = await Engine(store, ScalarType.Int32, valuesToTrim: " ").SynchronizeAsync("AD");

        Assert.Multiple(() =>
        {
            Assert.That(retyped.ExportUnchanged, Is.False);
            // Every count is decoded again and stored as a number; read by name, the stored text "2" converts
            // to the same number, so the retyping alone is no update.
            Assert.That((retyped.EntityTypes[0].Updated, retyped.EntityTypes[0].Unchanged), Is.EqualTo((0L, 3L)));
            Assert.That(count, Is.EqualTo(2).And.TypeOf<int>(), "rewritten as a number");
            Assert.That(again.ExportUnchanged, Is.True);
            Assert.That(trimmed.ExportUnchanged, Is.False, "a connection setting is configuration too");
        });
    }

    [Test]
    public async Task Synchronize_PropertiesAddedToTheModel_EveryRowDecodedAgainWithTheNewShape()
    {
        var store = new InMemoryResourceStore();
        await Engine(store).SynchronizeAsync("AD", new SyncRunOptions { Mode = SyncMode.Initial });
        Write("users.csv", "dn,name,count,title\nu1,Ann,1,Boss\nu2,Bob,2,\nu3,Cid,30,Clerk\n");

        // A mapped property (from a new column) and an unmapped one, both after the stored ones.
        var grown = await Engine(store, extraProperties: true).SynchronizeAsync("AD");
        var u1 = await store.FindResourceAsync("User", "u1", CancellationToken.None);
        var u2 = await store.FindResourceAsync("User", "u2", CancellationToken.None);
        var u3 = await store.FindResourceAsync("User", "u3", CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(grown.Outcome, Is.EqualTo(SyncOutcome.Succeeded), grown.Message);
            Assert.That((grown.EntityTypes[0].Updated, grown.EntityTypes[0].Unchanged), Is.EqualTo((2L, 1L)), "u2's new title is empty: no value changed");
            Assert.That(u1!.Values, Is.EqualTo(new object?[] { "u1", "Ann", "1", "Boss", null }));
            Assert.That(u2!.Values, Is.EqualTo(new object?[] { "u2", "Bob", "2", null, null }), "rewritten in the new shape all the same");
            Assert.That(u3!.Values, Is.EqualTo(new object?[] { "u3", "Cid", "30", "Clerk", null }));
        });
    }

    [Test]
    public async Task Synchronize_UnmappedPropertyAdded_RowsRewrittenInTheNewShape()
    {
        var store = new InMemoryResourceStore();
        await Engine(store).SynchronizeAsync("AD", new SyncRunOptions { Mode = SyncMode.Initial });

        var grown = await Engine(store, unmappedProperty: true).SynchronizeAsync("AD");
        var u1 = await store.FindResourceAsync("User", "u1", CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That((grown.ExportUnchanged, grown.EntityTypes[0].Updated, grown.EntityTypes[0].Unchanged), Is.EqualTo((false, 0L, 3L)));
            Assert.That(u1!.Values, Is.EqualTo(new object?[] { "u1", "Ann", "1", null }), "a value for every property of the model");
        });
    }

    [Test]
    public async Task Synchronize_AfterQuarantinedRows_ReadsAgainToReportThemAgain()
    {
        Write("members.csv", Members + "g1,nobody\n");
        var store = new InMemoryResourceStore();
        var engine = Engine(store);
        var first = await engine.SynchronizeAsync("AD", new SyncRunOptions { Mode = SyncMode.Initial });

        var again = await engine.SynchronizeAsync("AD");

        Assert.Multiple(async () =>
        {
            Assert.That(first.Associations.Single().Quarantined, Has.Count.EqualTo(1));
            Assert.That((await store.GetConnectorStateAsync("AD", CancellationToken.None)).ExportFingerprint, Is.Null);
            Assert.That(again.ExportUnchanged, Is.False);
            Assert.That(again.Associations.Single().Quarantined.Single().Line, Is.EqualTo(5));
        });
    }

    [Test]
    public async Task Synchronize_WhileAChangeSetIsBlocked_ReadsTheSameFilesAgain()
    {
        var store = new InMemoryResourceStore();
        var engine = Engine(store, thresholds: true);
        await engine.SynchronizeAsync("AD", new SyncRunOptions { Mode = SyncMode.Initial });
        Write("users.csv", "dn,name,count\nu1,Ann,1\n");
        var blocked = await engine.SynchronizeAsync("AD");
        Write("users.csv", Users);

        var restored = await engine.SynchronizeAsync("AD");

        Assert.Multiple(() =>
        {
            Assert.That(blocked.Outcome, Is.EqualTo(SyncOutcome.Blocked));
            Assert.That((restored.Outcome, restored.ExportUnchanged), Is.EqualTo((SyncOutcome.Succeeded, false)), "a blocked change set is settled by reading, never skipped");
            Assert.That(restored.EntityTypes[0].Unchanged, Is.EqualTo(3));
        });
    }

    [Test]
    public async Task Synchronize_ResumedOrIncrementalChangeSet_ForgetsTheFingerprint()
    {
        var store = new InMemoryResourceStore();
        var engine = Engine(store, thresholds: true, incremental: true);
        await engine.SynchronizeAsync("AD", new SyncRunOptions { Mode = SyncMode.Initial });
        Write("users.csv", "dn,name,count\nu1,Ann,1\n");
        await engine.SynchronizeAsync("AD");
        await engine.ResumeAsync("AD");
        var resumed = await store.GetConnectorStateAsync("AD", CancellationToken.None);
        Write("users.csv", Users);
        await engine.SynchronizeAsync("AD", new SyncRunOptions { Force = true });
        Write("users-delta.csv", "dn,name,count,command\nu4,Dan,4,insert\n");
        Write("groups-delta.csv", "dn,command\n");
        Write("members-delta.csv", "group,member,command\n");

        var delta = await engine.SynchronizeAsync("AD", new SyncRunOptions { Mode = SyncMode.Incremental, Force = true });
        var state = await store.GetConnectorStateAsync("AD", CancellationToken.None);
        var complete = await engine.SynchronizeAsync("AD", new SyncRunOptions { Force = true });

        Assert.Multiple(() =>
        {
            Assert.That(resumed.ExportFingerprint, Is.Null, "a resumed change set is not a fingerprinted export");
            Assert.That((delta.Outcome, delta.EntityTypes[0].Inserted), Is.EqualTo((SyncOutcome.Succeeded, 1L)), delta.Message);
            Assert.That(state.ExportFingerprint, Is.Null, "an incremental change set leaves the store unlike any complete export");
            Assert.That(complete.ExportUnchanged, Is.False);
            Assert.That(complete.EntityTypes[0].Deleted, Is.EqualTo(1), "the complete run sees the delta's insert and takes it out");
        });
    }

    [Test]
    public async Task Synchronize_FileChangedWhileRead_RecordsNoFingerprint()
    {
        var store = new InMemoryResourceStore();
        var engine = Engine(store, batchSize: 1);
        var appended = false;
        var progress = new InlineProgress(p =>
        {
            if (!appended && p.Step == SyncStep.Read && p.Table == "users" && p.Rows > 0)
            {
                appended = true;
                File.AppendAllText(Path.Combine(_directory, "groups.csv"), "g3\n");
            }
        });

        var torn = await engine.SynchronizeAsync("AD", new SyncRunOptions { Mode = SyncMode.Initial, Progress = progress });
        var state = await store.GetConnectorStateAsync("AD", CancellationToken.None);
        var next = await engine.SynchronizeAsync("AD");

        // The same files as the torn run saw before and after, each loaded whole into a store of its own.
        var after = await Engine(new InMemoryResourceStore()).SynchronizeAsync("AD", new SyncRunOptions { Mode = SyncMode.Initial });
        Write("groups.csv", Groups);
        var before = await Engine(new InMemoryResourceStore()).SynchronizeAsync("AD", new SyncRunOptions { Mode = SyncMode.Initial });
        var beforeAgain = await Engine(new InMemoryResourceStore()).SynchronizeAsync("AD", new SyncRunOptions { Mode = SyncMode.Initial });

        Assert.Multiple(() =>
        {
            Assert.That(appended, Is.True);
            Assert.That(state.ExportFingerprint, Is.Null);
            Assert.That(next.ExportUnchanged, Is.False);
            Assert.That(new[] { torn.BatchId, before.BatchId, after.BatchId }, Is.Unique, "a batch read while a file changed is neither export");
            Assert.That(beforeAgain.BatchId, Is.EqualTo(before.BatchId), "the same files give the same id in any store");
        });
    }

    [Test]
    public async Task GetFingerprint_DependsOnContentAndParsingSettingsNotOnThePath()
    {
        Write("copy/users.csv", Users);

        var original = await FingerprintAsync("users.csv");
        var copy = await FingerprintAsync("copy/users.csv");
        var semicolon = await FingerprintAsync("users.csv", ("Separator", ";"));
        var trimmed = await FingerprintAsync("users.csv", ("ValuesToTrim", " "));
        Write("users.csv", Users + "u4,Dan,4\n");
        var longer = await FingerprintAsync("users.csv");

        Assert.Multiple(() =>
        {
            Assert.That(original, Is.EqualTo(copy));
            Assert.That(new[] { original, semicolon, trimmed, longer }, Is.Unique);
            Assert.That(original, Does.StartWith($"xxh64-1m:").And.Contain($":{Users.Length};"));
        });
    }

    [Test]
    public void GetFingerprint_MissingFile_FailsNamingIt()
    {
        var exception = Assert.ThrowsAsync<ConnectionException>(() => FingerprintAsync("absent.csv"));

        Assert.That(exception!.Message, Does.Contain("absent.csv").And.Contain("does not exist"));
    }

    private async Task<string?> FingerprintAsync(string path, params (string Key, string Value)[] settings)
    {
        var connection = new IdentityModelBuilder()
            .AddConnector("AD", c => c.AddConnection("Export", "Csv", [new("Path", path), .. settings.Select(static s => KeyValuePair.Create(s.Key, s.Value))]))
            .Build()
            .GetConnector("AD")
            .Connections[0];
        await using var export = new CsvConnectionPackage().CreateExportConnection(connection, new ConnectionContext("AD", _directory, TimeProvider.System));
        return await export.GetFingerprintAsync(new ExportRequest("users", ["dn", "name"], ExportMode.Complete), CancellationToken.None);
    }

    private SyncEngine Engine(
        IResourceStore store,
        ScalarType countType = ScalarType.String,
        string valuesToTrim = "",
        bool thresholds = false,
        bool incremental = false,
        int batchSize = 4096,
        bool extraProperties = false,
        bool unmappedProperty = false)
    {
        List<KeyValuePair<string, string>> settings = [new("Path", "{table}.csv"), new("ValuesToTrim", valuesToTrim)];
        if (incremental)
        {
            settings.Add(new("IncrementalPath", "{table}-delta.csv"));
        }

        var model = new IdentityModelBuilder()
            .AddEntityType("User", e =>
            {
                e.AddProperty("Dn").AddProperty("Name").AddProperty("Count", countType).AddNavigationProperty("MemberOf", "Group", isMultiValued: true);
                if (extraProperties)
                {
                    e.AddProperty("Title").AddProperty("Unmapped");
                }
                else if (unmappedProperty)
                {
                    e.AddProperty("Unmapped");
                }
            })
            .AddEntityType("Group", e => e.AddProperty("Dn").AddNavigationProperty("Members", "User", isMultiValued: true))
            .AddAssociation("Membership", "Group.Members", "User.MemberOf")
            .AddConnector("AD", c =>
            {
                c.AddConnection("Export", "Csv", settings)
                    .MapEntityType("User", "Export", "users", m =>
                    {
                        m.Map("Dn", "dn", PropertyKey.Primary).Map("Name", "name").Map("Count", "count");
                        if (extraProperties)
                        {
                            m.Map("Title", "title");
                        }
                    })
                    .MapEntityType("Group", "Export", "groups", m => m.Map("Dn", "dn", PropertyKey.Primary))
                    .MapAssociation("Membership", "Export", "members", "group", "member");
                if (!thresholds)
                {
                    c.ConfigureThresholds(Thresholds.Off);
                }
            })
            .Build();
        return new SyncEngine(model, store, [new CsvConnectionPackage()], new SyncEngineOptions { BaseDirectory = _directory, BatchSize = batchSize });
    }

    private void Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    /// <summary>Reports on the reading thread, as the run goes (<see cref="Progress{T}"/> would post elsewhere).</summary>
    private sealed class InlineProgress(Action<SyncProgress> report) : IProgress<SyncProgress>
    {
        public void Report(SyncProgress value) => report(value);
    }
}
