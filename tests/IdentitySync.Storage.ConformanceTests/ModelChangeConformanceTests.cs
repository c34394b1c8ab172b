using IdentitySync.ChangeSets;
using IdentitySync.Configuration;
using IdentitySync.Connections.Csv;
using IdentitySync.Model;
using IdentitySync.Reading;
using IdentitySync.Synchronization;

namespace IdentitySync.Storage.ConformanceTests;

/// <summary>
/// Resources stored under one model read under the next (a property added in the middle, one removed, one
/// retyped, one made multi-valued), through the read API and the engines, on the store under test: the
/// store keeps the values' layout, the engines read them by property name.
/// </summary>
/// <typeparam name="TStore">Creates and reopens the store under test.</typeparam>
public abstract class ModelChangeConformanceTests<TStore>
    where TStore : IStoreUnderTest, new()
{
    private string _directory = null!;

    /// <summary>Creates the folder of the export.</summary>
    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("identitysync-model-change").FullName;

    /// <summary>Removes the export.</summary>
    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    /// <summary>Rows written before a property was added, removed and retyped read with the new model: missing values empty, never an exception.</summary>
    [Test]
    public async Task ReadAfterModelChange_ValuesReadByName_MissingOnesEmpty()
    {
        File.WriteAllLines(Path.Combine(_directory, "people.csv"), ["id;name;legacy;age;mail", "p1;Zoë;old-1;41;z@corp.test", "p2;Sam;old-2;unknown;"]);
        using var underTest = new TStore();
        var first = await new SyncEngine(Before(), underTest.Create(), [new CsvConnectionPackage()], new SyncEngineOptions { BaseDirectory = _directory })
            .SynchronizeAsync("HR", new SyncRunOptions { Mode = SyncMode.Initial });
        Assert.That(first.Outcome, Is.EqualTo(SyncOutcome.Succeeded), first.Message);

        var layouts = await underTest.Reopen().GetLayoutsAsync(CancellationToken.None);
        var reader = new RepositoryReader(After(), underTest.Reopen());
        var zoe = await reader.FindAsync("Person", "p1");
        var sam = await reader.FindAsync("Person", "p2");

        Assert.Multiple(() =>
        {
            Assert.That(layouts.Values.Count(static l => l.Contains("\"Legacy\"", StringComparison.Ordinal)), Is.EqualTo(1), "the store keeps the layout the rows were written in");
            Assert.That(zoe!.Get<string>("Name"), Is.EqualTo("Zoë"));
            Assert.That(zoe.Get<string>("Title"), Is.Null, "added since: empty");
            Assert.That(zoe.Get<int?>("Age"), Is.EqualTo(41), "retyped from text to a number");
            Assert.That(zoe.GetValues<string>("Mail"), Is.EqualTo(new[] { "z@corp.test" }), "made multi-valued: a list of one");
            Assert.That(sam!.Get<int?>("Age"), Is.Null, "'unknown' is not a number: empty, not an exception");
            Assert.That(sam.GetValues<string>("Mail"), Is.Empty);
            Assert.That(zoe.ToDictionary().Keys, Is.EqualTo(new[] { "Id", "Name", "Title", "Age", "Mail" }), "the removed property is gone");
            Assert.Throws<ArgumentException>(() => _ = zoe["Legacy"]);
        });
    }

    /// <summary>
    /// After the model changed, synchronizing the same export again reports the changes the new model sees
    /// (the retyped and new-shaped values), not positions shifted by the property added in the middle.
    /// </summary>
    [Test]
    public async Task SynchronizeAfterModelChange_ComparesByName()
    {
        File.WriteAllLines(Path.Combine(_directory, "people.csv"), ["id;name;legacy;age;mail", "p1;Zoë;old-1;41;z@corp.test", "p2;Sam;old-2;;"]);
        using var underTest = new TStore();
        var store = underTest.Create();
        await new SyncEngine(Before(), store, [new CsvConnectionPackage()], new SyncEngineOptions { BaseDirectory = _directory })
            .SynchronizeAsync("HR", new SyncRunOptions { Mode = SyncMode.Initial });

        var report = await new SyncEngine(After(), store, [new CsvConnectionPackage()], new SyncEngineOptions { BaseDirectory = _directory })
            .SynchronizeAsync("HR", new SyncRunOptions { DryRun = true });

        var people = report.EntityTypes.Single();
        Assert.Multiple(() =>
        {
            Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Succeeded), report.Message);
            Assert.That(people.Updated, Is.Zero, "every value reads the same by name: the model change alone is no update");
            Assert.That(people.Unchanged, Is.EqualTo(2));
        });
    }

    private static IdentityModel Before() => new IdentityModelBuilder()
        .AddEntityType("Person", e => e.AddProperty("Id").AddProperty("Name").AddProperty("Legacy").AddProperty("Age").AddProperty("Mail"))
        .AddConnector("HR", c => c
            .AddConnection("Files", "Csv", [new("Path", "people.csv"), new("Separator", ";")])
            .MapEntityType("Person", "Files", "people", m => m
                .Map("Id", "id", PropertyKey.Primary).Map("Name", "name").Map("Legacy", "legacy").Map("Age", "age").Map("Mail", "mail")))
        .Build();

    private static IdentityModel After() => new IdentityModelBuilder()
        .AddEntityType("Person", e => e.AddProperty("Id").AddProperty("Name").AddProperty("Title").AddProperty("Age", ScalarType.Int32).AddProperty("Mail", isMultiValued: true))
        .AddConnector("HR", c => c
            .AddConnection("Files", "Csv", [new("Path", "people.csv"), new("Separator", ";")])
            .MapEntityType("Person", "Files", "people", m => m
                .Map("Id", "id", PropertyKey.Primary).Map("Name", "name").Map("Age", "age").Map("Mail", "mail")))
        .Build();
}
