using IdentitySync.ChangeSets;
using IdentitySync.Connections.Csv;
using IdentitySync.Synchronization;
using IdentitySync.SampleData;

namespace IdentitySync.Storage.ConformanceTests;

/// <summary>
/// The benchmarks' generated company, small: a first load, the same files again and a 1 % change, on
/// the store under test and on the in-memory store, which must end in the same state and reports.
/// </summary>
/// <typeparam name="TStore">Creates the store under test.</typeparam>
public abstract class GeneratedDataConformanceTests<TStore>
    where TStore : IStoreUnderTest, new()
{
    private string _directory = null!;

    /// <summary>Creates the folder of the generated files.</summary>
    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("identitysync-generated").FullName;

    /// <summary>Removes the generated files.</summary>
    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    /// <summary>Load, load again, 1 % changed: the counts the generator promises, and the in-memory store's state.</summary>
    [Test]
    public async Task GeneratedCompany_LoadAgainAndChanged_SameCountsAndStateAsInMemory()
    {
        var generator = new DataGenerator(3_000);
        var original = generator.Write(File("original"));
        var changed = generator.Write(File("changed"), changeRate: 0.01);

        using var underTest = new TStore();
        var onDisk = await RunAsync(underTest.Create());
        var inMemory = await RunAsync(new InMemoryResourceStore());
        var check = await StoreCheck.RunAsync(GeneratedDataModel.Create(), underTest.Reopen());

        var (first, again, delta, state) = onDisk;
        Assert.Multiple(() =>
        {
            Assert.That(first.Outcome, Is.EqualTo(SyncOutcome.Succeeded), first.Message);
            Assert.That(first.EntityTypes.Select(static e => e.Inserted), Is.EqualTo(new long[] { original.Accounts, original.Groups }));
            Assert.That(first.Associations.Single().Inserted, Is.EqualTo(original.Memberships), "every generated membership is a distinct, resolvable pair");
            Assert.That(first.EntityTypes.Sum(static e => e.Quarantined.Count) + first.Associations.Sum(static a => a.Quarantined.Count), Is.Zero);
            Assert.That(again.EntityTypes.Sum(static e => e.Inserted + e.Updated + e.Deleted) + again.Associations.Single().Inserted + again.Associations.Single().Deleted, Is.Zero);
            Assert.That(again.Associations.Single().Unchanged, Is.EqualTo(original.Memberships));

            // About 1 %: a quarter inserted, a quarter deleted, half updated; memberships moved.
            var users = delta.EntityTypes.Single(static e => e.EntityType == "AD_User");
            Assert.That(users.Inserted, Is.EqualTo(changed.Accounts - original.Accounts + users.Deleted));
            Assert.That((users.Inserted, users.Deleted, users.Updated), Is.EqualTo((7L, 7L, 15L)).Using<(long, long, long)>(static (a, b) => Within(a, b)));
            Assert.That(delta.Associations.Single().Inserted, Is.GreaterThan(0));
            Assert.That(delta.Associations.Single().Deleted, Is.GreaterThan(0));

            Assert.That(Json(onDisk), Is.EqualTo(Json(inMemory)), "the same reports on both stores");
            Assert.That(state, Is.EqualTo(inMemory.State), "the same resources, digests, values and links on both stores");
            Assert.That(state.Count(static l => l.StartsWith("AD_Membership|", StringComparison.Ordinal)), Is.EqualTo(original.Memberships + delta.Associations.Single().Inserted - delta.Associations.Single().Deleted));
            Assert.That(check.Problems, Is.Empty, "the store check passes");
            Assert.That((check.Resources, check.Links), Is.EqualTo(((long)state.Count(static l => l.StartsWith("AD_User|", StringComparison.Ordinal) || l.StartsWith("AD_Group|", StringComparison.Ordinal)), (long)state.Count(static l => l.StartsWith("AD_Membership|", StringComparison.Ordinal)))));
        });

        async Task<(SyncReport First, SyncReport Again, SyncReport Delta, List<string> State)> RunAsync(IResourceStore store)
        {
            var model = GeneratedDataModel.Create();
            var before = new SyncEngine(model, store, [new CsvConnectionPackage()], new SyncEngineOptions { BaseDirectory = File("original") });
            var after = new SyncEngine(model, store, [new CsvConnectionPackage()], new SyncEngineOptions { BaseDirectory = File("changed") });
            var first = await before.SynchronizeAsync("AD", new SyncRunOptions { Mode = SyncMode.Initial });
            var again = await before.SynchronizeAsync("AD", new SyncRunOptions { ReadUnchanged = true });
            var delta = await after.SynchronizeAsync("AD");
            return (first, again, delta, await DumpAsync(store));
        }
    }

    private string File(string name) => Path.Combine(_directory, name);

    private static bool Within((long Inserted, long Deleted, long Updated) actual, (long Inserted, long Deleted, long Updated) expected) =>
        Math.Abs(actual.Inserted - expected.Inserted) <= 5 && Math.Abs(actual.Deleted - expected.Deleted) <= 5 && Math.Abs(actual.Updated - expected.Updated) <= 10;

    private static string Json((SyncReport First, SyncReport Again, SyncReport Delta, List<string> State) run) =>
        System.Text.Json.JsonSerializer.Serialize(new[] { run.First, run.Again, run.Delta }.Select(static r => new { r.Outcome, r.BatchId, r.EntityTypes, r.Associations }));

    private static async Task<List<string>> DumpAsync(IResourceStore store)
    {
        var lines = new List<string>();
        var keys = new Dictionary<long, string>();
        foreach (var entityType in new[] { "AD_User", "AD_Group" })
        {
            await foreach (var resource in store.GetResourcesAsync(entityType, CancellationToken.None))
            {
                keys[resource.Id] = resource.Key;
                lines.Add($"{entityType}|{resource.Key}|{resource.Digest}|{System.Text.Json.JsonSerializer.Serialize(resource.Values)}");
            }
        }

        await foreach (var link in store.GetLinksAsync("AD_Membership", CancellationToken.None))
        {
            lines.Add($"AD_Membership|{keys[link.FirstId]}|{keys[link.SecondId]}");
        }

        lines.Sort(StringComparer.Ordinal);
        return lines;
    }
}
