using IdentitySync.Categorization;
using IdentitySync.ChangeSets;
using IdentitySync.Configuration;
using IdentitySync.Model;
using IdentitySync.Storage;
using IdentitySync.Tests.Provisioning;
using Microsoft.Extensions.Time.Testing;

namespace IdentitySync.Tests.Categorization;

/// <summary>
/// Categorization follows the change feed: after its first pass it examines the accounts the feed names and, when
/// the owners changed, the unsettled and orphaned ones, and decides exactly what a store without a feed decides.
/// Both stores get the same writes; the one with a feed never reads the accounts or their categorizations whole again.
/// </summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class FeedCategorizationTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero));
    private readonly IResourceStore _withFeed = IncrementalGenerationTests.StoreSpy.Around(new InMemoryResourceStore());
    private readonly IResourceStore _withoutFeed = IncrementalGenerationTests.StoreSpy.Around(new InMemoryResourceStore(), hideChangeFeed: true);

    [Test]
    public async Task Categorize_AfterItsFirstPass_ExaminesWhatTheFeedReaches_AndDecidesAsAFullReadDoes()
    {
        await PeopleAsync(static w => w.InsertAsync("Identity", [.. Enumerable.Range(1, 40).Select(static i => Person(i, "Last" + i))], CancellationToken.None));
        await AccountsAsync(static w => w.InsertAsync("AD_User", [.. Enumerable.Range(1, 40).Select(static i => Account($"u{i}", "Last" + i, i.ToString(System.Globalization.CultureInfo.InvariantCulture))), Account("svc-1", "Backup", null), Account("doe", "Last3", null), Account("adm-u1", "Last1", null)], CancellationToken.None));
        var steps = new List<(string Step, CategorizationReport WithFeed, CategorizationReport WithoutFeed)>();
        await CategorizeAsync("first pass", steps);
        var readsAfterFirst = Reads(_withFeed).Count;
        await CategorizeAsync("nothing changed", steps);

        // A joiner and their account, and a new service account: the owners changed, so the unsettled ones are examined too.
        await PeopleAsync(static w => w.InsertAsync("Identity", [Person(41, "Last41")], CancellationToken.None));
        await AccountsAsync(static w => w.InsertAsync("AD_User", [Account("u41", "Last41", "41"), Account("svc-2", "Print", null)], CancellationToken.None));
        await CategorizeAsync("a joiner", steps);

        // A leaver: their account stays theirs; a rehire under a new id with the same employee id claims it.
        await PeopleAsync(static w => w.DeleteAsync("Identity", ["E5"], CancellationToken.None));
        await CategorizeAsync("a leaver", steps);
        await PeopleAsync(static w => w.InsertAsync("Identity", [new ResourceChange("E5-rehired", 5005, ["5", "Last5"], [], 0)], CancellationToken.None));
        await CategorizeAsync("a rehire", steps);

        // A settled account changes (kept), and an unsettled one changes (examined alone: the owners did not change).
        await AccountsAsync(static w => w.UpdateAsync("AD_User", [Account("u7", "Renamed", "7"), Account("svc-1", "Last9", null)], CancellationToken.None));
        await CategorizeAsync("accounts changed", steps);

        var reads = Reads(_withFeed).Skip(readsAfterFirst).ToList();
        var head = await _withFeed.GetChangeFeedHeadAsync(CancellationToken.None);
        var position = await _withFeed.GetChangeFeedPositionAsync("categorization:AD_User", CancellationToken.None);
        var withFeed = await DecisionsAsync(_withFeed);
        Assert.Multiple(async () =>
        {
            Assert.That(withFeed, Is.EqualTo(await DecisionsAsync(_withoutFeed)), "the same decisions with and without a feed");
            Assert.That(withFeed["u5"], Is.EqualTo("Correlated AD_Nominative E5-rehired"));
            Assert.That(withFeed["svc-1"], Is.EqualTo("Suggested AD_Nominative  (E9)"), "its new surname matches E9's name at 80");
            foreach (var (step, feed, noFeed) in steps)
            {
                Assert.That((feed.Considered, feed.Kept), Is.EqualTo((noFeed.Considered, noFeed.Kept)), step);
            }

            Assert.That(steps.Select(static s => s.WithFeed.Considered), Is.EqualTo(new long[] { 43, 0, 5, 5, 5, 1 }),
                "first: every account; a joiner: u41, svc-2 and the unsettled svc-1, doe, adm-u1 (suggested as E1's by name); a leaver: u5 and the four unsettled; a rehire: the same; then svc-1 alone");
            Assert.That(reads, Has.None.Contain("AD_User"), "no account, and no categorization, read whole after the first pass");
            Assert.That(reads, Has.Count.EqualTo(5), "each run reads the owners whole, once");
            Assert.That(position?.Version, Is.EqualTo(head.Version), "past its own save: the next run does not read back what it wrote");
            Assert.That(await _withoutFeed.GetChangeFeedPositionAsync("categorization:AD_User", CancellationToken.None), Is.Null);
            Assert.That(Reads(_withoutFeed), Has.Some.EqualTo("every categorization of AD_User"));
        });
    }

    /// <summary>
    /// When the correlation rule names the owners' primary key (mapped by their connector, with or without case), a run
    /// that follows the feed looks up the owners the examined accounts name, and never reads the owners whole after its
    /// first pass; it still decides what a full read decides (an account whose value differs in case matches nobody).
    /// </summary>
    [TestCase(false)]
    [TestCase(true)]
    public async Task Categorize_RuleOnTheOwnersKey_LooksOwnersUpByKey_AndDecidesAsAFullReadDoes(bool keyIgnoresCase)
    {
        var model = KeyedModel(keyIgnoresCase);
        ResourceChange Keyed(int number, string lastName, long id = 0) =>
            new(keyIgnoresCase ? $"E{number}" : $"e{number}", id == 0 ? (ulong)HashCode.Combine(number, lastName) : (ulong)id, [$"e{number}", lastName], [], 0);
        await PeopleAsync(w => w.InsertAsync("Identity", [.. Enumerable.Range(1, 20).Select(i => Keyed(i, "Last" + i))], CancellationToken.None));
        await AccountsAsync(static w => w.InsertAsync("AD_User", [.. Enumerable.Range(1, 20).Select(static i => Account($"u{i}", "Last" + i, $"e{i}")), Account("svc-1", "Backup", null), Account("odd", "Odd", "E7")], CancellationToken.None));
        var steps = new List<(string Step, CategorizationReport WithFeed, CategorizationReport WithoutFeed)>();
        await CategorizeAsync("first pass", steps, model);
        var readsAfterFirst = Reads(_withFeed).Count;
        var firstPass = await AtAsync(_withFeed, "svc-1");
        await CategorizeAsync("nothing changed", steps, model);
        await PeopleAsync(w => w.InsertAsync("Identity", [Keyed(21, "Last21")], CancellationToken.None));
        await AccountsAsync(static w => w.InsertAsync("AD_User", [Account("u21", "Last21", "e21")], CancellationToken.None));
        await CategorizeAsync("a joiner", steps, model);
        var afterJoiner = (WithFeed: await AtAsync(_withFeed, "svc-1"), WithoutFeed: await AtAsync(_withoutFeed, "svc-1"));
        var joinerRun = _clock.GetUtcNow();
        await PeopleAsync(w => w.DeleteAsync("Identity", [keyIgnoresCase ? "E5" : "e5"], CancellationToken.None));
        await CategorizeAsync("a leaver", steps, model);
        await PeopleAsync(w => w.InsertAsync("Identity", [Keyed(5, "Last5", id: 5005)], CancellationToken.None));
        await CategorizeAsync("a rehire", steps, model);
        await AccountsAsync(static w => w.UpdateAsync("AD_User", [Account("u7", "Renamed", "e7"), Account("svc-1", "Backup", "e9")], CancellationToken.None));
        await CategorizeAsync("accounts changed", steps, model);

        var reads = Reads(_withFeed).Skip(readsAfterFirst).ToList();
        var withFeed = await DecisionsAsync(_withFeed);
        Assert.Multiple(async () =>
        {
            Assert.That(withFeed, Is.EqualTo(await DecisionsAsync(_withoutFeed)), "the same decisions with and without a feed");
            Assert.That(withFeed["u5"], Does.StartWith("Correlated AD_Nominative "), "the rehire claims u5");
            Assert.That(withFeed["odd"], Is.EqualTo("Uncategorized  "), "E7 is not e7");
            Assert.That(withFeed["svc-1"], Does.StartWith("Suggested AD_Nominative"), "e9 already holds u9");
            foreach (var (step, feed, noFeed) in steps)
            {
                Assert.That((feed.Considered, feed.Kept), Is.EqualTo((noFeed.Considered, noFeed.Kept)), step);
            }

            Assert.That(steps.Select(static s => s.WithFeed.Considered), Is.EqualTo(new long[] { 22, 0, 3, 3, 3, 1 }),
                "a joiner: u21 and the unsettled svc-1 and odd; a leaver, a rehire: u5 and the two; then svc-1 alone");
            Assert.That(reads, Is.Empty, "neither the owners nor the accounts read whole after the first pass");
            Assert.That(afterJoiner, Is.EqualTo((firstPass, joinerRun)),
                "svc-1, examined again after the joiner and still uncategorized, is not saved again when following the feed");
        });
    }

    private static async Task<DateTimeOffset> AtAsync(IResourceStore store, string key)
    {
        var account = (await store.FindResourceAsync("AD_User", key, CancellationToken.None))!;
        return (await store.GetCategorizationsAsync(new CategorizationQuery("AD_User") { ResourceIds = [account.Id] }, CancellationToken.None)).Single().At;
    }

    /// <summary>
    /// Another writer that commits while a run categorizes keeps the run's position at the head it read first, so the
    /// next run sees that write; a run whose save is the only write since moves past it without reading it back.
    /// </summary>
    [Test]
    public async Task Categorize_WithAnotherWriteDuringTheRun_KeepsThePositionBeforeIt()
    {
        var inner = new InMemoryResourceStore();
        var store = InterleavingStore.Around(inner);
        await WriteToAsync(inner, "HR", static w => w.InsertAsync("Identity", [Person(1, "Last1")], CancellationToken.None));
        await WriteToAsync(inner, "AD", static w => w.InsertAsync("AD_User", [Account("u1", "Last1", "1")], CancellationToken.None));
        await new CategorizationEngine(Model(), store, _clock).CategorizeAsync();
        var alone = await inner.GetChangeFeedPositionAsync("categorization:AD_User", CancellationToken.None);
        var aloneHead = await inner.GetChangeFeedHeadAsync(CancellationToken.None);

        await WriteToAsync(inner, "AD", static w => w.InsertAsync("AD_User", [Account("u2", "Last2", null)], CancellationToken.None));
        var before = await inner.GetChangeFeedHeadAsync(CancellationToken.None);
        ((InterleavingStore)(object)store).DuringSave = () => WriteToAsync(inner, "AD", static w => w.InsertAsync("AD_User", [Account("u3", "Last3", null)], CancellationToken.None));
        await new CategorizationEngine(Model(), store, _clock).CategorizeAsync();
        var interleaved = await inner.GetChangeFeedPositionAsync("categorization:AD_User", CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(alone?.Version, Is.EqualTo(aloneHead.Version), "alone: past its own save");
            Assert.That(interleaved?.Version, Is.EqualTo(before.Version), "another write came in: the position stays where the run began");
        });
    }

    private static async Task WriteToAsync(InMemoryResourceStore store, string connector, Func<IChangeSetWriter, ValueTask> write)
    {
        var state = await store.GetConnectorStateAsync(connector, CancellationToken.None);
        await using var writer = await store.BeginApplyAsync(connector, state.Version, CancellationToken.None);
        await write(writer);
        await writer.CommitAsync(new ConnectorState(state.Version + 1, Guid.NewGuid().ToString("N"), [], null), CancellationToken.None);
    }

    private static List<string> Reads(IResourceStore store) => ((IncrementalGenerationTests.StoreSpy)(object)store).Reads;

    private static ResourceChange Person(int number, string lastName) =>
        new($"E{number}", (ulong)HashCode.Combine(number, lastName), [number.ToString(System.Globalization.CultureInfo.InvariantCulture), lastName], [], 0);

    private static ResourceChange Account(string login, string surname, string? employeeId) =>
        new(login, (ulong)HashCode.Combine(login, surname, employeeId), [login, surname, employeeId], [], 0);

    private static IdentityModel Model() => new IdentityModelBuilder()
        .AddEntityType("Identity", static e => e.AddProperty("EmployeeId").AddProperty("LastName"))
        .AddEntityType("AD_User", static e => e.AddProperty("Login").AddProperty("Surname").AddProperty("EmployeeId"))
        .AddConnector("AD", static c => c
            .AddConnection("Export", "Memory")
            .MapEntityType("AD_User", "Export", "users", static m => m.Map("Login", key: PropertyKey.Primary).Map("Surname").Map("EmployeeId")))
        .AddResourceType("AD_Nominative", "AD", "Identity", "AD_User", static r =>
        {
            r.CorrelationRules.Add(new CorrelationRuleOptions { Owner = "Owner.EmployeeId", Account = "Account.EmployeeId", Confidence = 100 });
            r.CorrelationRules.Add(new CorrelationRuleOptions { Owner = "Owner.LastName", Account = "Account.Surname", Confidence = 80 });
        })
        .AddResourceType("AD_Admin", "AD", "Identity", "AD_User", static r =>
            r.ClassificationRules.Add(new ClassificationRuleOptions { Predicate = "startsWith(Account.Login, 'adm-')" }))
        .Build();

    /// <summary>The owners fed by an HR connector keyed by EmployeeId, which the only correlation rule names.</summary>
    private static IdentityModel KeyedModel(bool keyIgnoresCase) => new IdentityModelBuilder()
        .AddEntityType("Identity", static e => e.AddProperty("EmployeeId").AddProperty("LastName"))
        .AddEntityType("AD_User", static e => e.AddProperty("Login").AddProperty("Surname").AddProperty("EmployeeId"))
        .AddConnector("HR", c => c
            .AddConnection("People", "Memory")
            .MapEntityType("Identity", "People", "people", m => m.Map("EmployeeId", key: PropertyKey.Primary, ignoreCase: keyIgnoresCase).Map("LastName")))
        .AddConnector("AD", static c => c
            .AddConnection("Export", "Memory")
            .MapEntityType("AD_User", "Export", "users", static m => m.Map("Login", key: PropertyKey.Primary).Map("Surname").Map("EmployeeId")))
        .AddResourceType("AD_Nominative", "AD", "Identity", "AD_User", static r =>
            r.CorrelationRules.Add(new CorrelationRuleOptions { Owner = "owner.employeeId", Account = "Account.EmployeeId", Confidence = 100 }))
        .Build();

    private async Task CategorizeAsync(string step, List<(string, CategorizationReport, CategorizationReport)> steps, IdentityModel? model = null)
    {
        _clock.Advance(TimeSpan.FromMinutes(1));
        var withFeed = await new CategorizationEngine(model ?? Model(), _withFeed, _clock).CategorizeAsync();
        var withoutFeed = await new CategorizationEngine(model ?? Model(), _withoutFeed, _clock).CategorizeAsync();
        steps.Add((step, withFeed, withoutFeed));
    }

    /// <summary>Each account's status, resource type, owner and candidates, by key.</summary>
    private static async Task<Dictionary<string, string>> DecisionsAsync(IResourceStore store)
    {
        var keys = new Dictionary<long, string>();
        foreach (var type in (string[])["Identity", "AD_User"])
        {
            await foreach (var resource in store.GetResourcesAsync(type, CancellationToken.None))
            {
                keys[resource.Id] = resource.Key;
            }
        }

        return (await store.GetCategorizationsAsync("AD_User", CancellationToken.None)).ToDictionary(
            c => keys[c.ResourceId],
            c => $"{c.Status} {c.ResourceType} {(c.OwnerId is { } owner ? keys.GetValueOrDefault(owner, "(gone)") : string.Empty)}{(c.Candidates.Count == 0 ? string.Empty : $" ({string.Join(",", c.Candidates.Select(id => keys[id]))})")}");
    }

    private Task PeopleAsync(Func<IChangeSetWriter, ValueTask> write) => WriteAsync("HR", write);

    private Task AccountsAsync(Func<IChangeSetWriter, ValueTask> write) => WriteAsync("AD", write);

    private async Task WriteAsync(string connector, Func<IChangeSetWriter, ValueTask> write)
    {
        foreach (var store in (IResourceStore[])[_withFeed, _withoutFeed])
        {
            var state = await store.GetConnectorStateAsync(connector, CancellationToken.None);
            await using var writer = await store.BeginApplyAsync(connector, state.Version, CancellationToken.None);
            await write(writer);
            await writer.CommitAsync(new ConnectorState(state.Version + 1, null, [], null), CancellationToken.None);
        }
    }

    /// <summary>A store where another writer commits just before a categorization save.</summary>
    public class InterleavingStore : Testing.StoreProxy
    {
        public Func<Task>? DuringSave { get; set; }

        public static IResourceStore Around(IResourceStore inner) => Around<InterleavingStore>(inner);

        protected override object? Answer(string method, object?[] args)
        {
            if (method == nameof(ICategorizationStore.SaveCategorizationsAsync) && DuringSave is { } write)
            {
                DuringSave = null;
                write().GetAwaiter().GetResult();
            }

            return null;
        }
    }
}
