using IdentitySync.ChangeSets;
using IdentitySync.Configuration;
using IdentitySync.Model;
using IdentitySync.Storage;
using IdentitySync.Synchronization;

namespace IdentitySync.Connections.Csv.Tests;

/// <summary>A new row's values are packed straight from its fields; they must read back as the parser gives them.</summary>
public sealed class PackedValuesTests
{
    private string _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("identitysync-packed").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task Synchronize_NewRows_ValuesReadBackAsParsed()
    {
        // Line 2: non-ASCII text, an empty field, a multi-valued field, a number; line 4: text with an invalid UTF-8 byte (0xFF).
        byte[] file =
        [
            .. "key,name,empty,tags,count,raw\n"u8,
            .. "k1,Zoë 🙂,,a;b,42,xy\n"u8,
            .. "k2,\"quoted, text\",,,,plain\n"u8,
            .. "k3,Zoë,,,,x"u8, 0xFF, .. "y\n"u8,
        ];
        await File.WriteAllBytesAsync(Path.Combine(_directory, "items.csv"), file);
        var model = new IdentityModelBuilder()
            .AddEntityType("Item", e => e
                .AddProperty("Key")
                .AddProperty("Name")
                .AddProperty("Empty")
                .AddProperty("Tags", isMultiValued: true)
                .AddProperty("Count", ScalarType.Int32)
                .AddProperty("Raw")
                .AddProperty("Unmapped"))
            .AddConnector("App", c => c
                .AddConnection("Export", "Csv", [new("Path", "{table}.csv")])
                .MapEntityType("Item", "Export", "items", m => m
                    .Map("Key", "key", PropertyKey.Primary)
                    .Map("Name", "name")
                    .Map("Empty", "empty")
                    .Map("Tags", "tags", separator: ";")
                    .Map("Count", "count")
                    .Map("Raw", "raw")))
            .Build();
        var store = new InMemoryResourceStore();
        var engine = new SyncEngine(model, store, [new CsvConnectionPackage()], new SyncEngineOptions { BaseDirectory = _directory });

        var report = await engine.SynchronizeAsync("App", new SyncRunOptions { Mode = SyncMode.Initial });

        var k1 = await store.FindResourceAsync("Item", "k1", CancellationToken.None);
        var k2 = await store.FindResourceAsync("Item", "k2", CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Succeeded), report.Message);
            Assert.That(k1!.Values, Is.EqualTo(new object?[] { "k1", "Zoë 🙂", null, new object[] { "a", "b" }, 42, "xy", null }));
            Assert.That(k1.Values[1], Is.TypeOf<string>());
            Assert.That(k2!.Values, Is.EqualTo(new object?[] { "k2", "quoted, text", null, null, null, "plain", null }));
            Assert.That(report.EntityTypes.Single().Quarantined, Is.EqualTo(new[]
            {
                new QuarantinedRow { Source = "items.csv", Line = 4, Key = "k3", Reason = "column 'raw': byte 0xFF at character 2 (after 'x') is not text in the export's encoding; the row is left out rather than stored with replacement characters (if the export is not UTF-8, set its connection's Encoding)" },
            }), "never stored as x\uFFFDy");
        });
    }
}
