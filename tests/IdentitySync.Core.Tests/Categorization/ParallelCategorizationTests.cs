using System.Globalization;
using IdentitySync.Categorization;
using IdentitySync.Categorizations;
using IdentitySync.ChangeSets;
using IdentitySync.Configuration;
using IdentitySync.Model;
using IdentitySync.Rules;
using IdentitySync.Storage;
using Microsoft.Extensions.Time.Testing;

namespace IdentitySync.Tests.Categorization;

/// <summary>
/// Many accounts are matched on every core when every rule is one the engine parsed; rules given as code are called
/// one account at a time. The same rules written both ways decide the same for twenty thousand accounts: correlated,
/// suggested (a lower confidence, or an owner who already holds one), ambiguous, classified and uncategorized, with the
/// same owners, candidates and reasons, in the same order of holding.
/// </summary>
public sealed class ParallelCategorizationTests
{
    private const int People = 20_000;

    [Test]
    public async Task Categorize_ManyAccounts_ParsedRulesOnEveryCore_DecideAsTheSameRulesAsCodeOneByOne()
    {
        var parsed = await CategorizedAsync(Model(asCode: false));
        var asCode = await CategorizedAsync(Model(asCode: true));

        var byStatus = parsed.Values.GroupBy(static d => d.Split(' ')[0]).ToDictionary(static g => g.Key, static g => g.Count());
        Assert.Multiple(() =>
        {
            Assert.That(parsed, Has.Count.EqualTo(asCode.Count).And.Count.GreaterThan(16_384), "enough accounts for the parallel path");
            Assert.That(parsed, Is.EqualTo(asCode), "the same decision for every account");
            Assert.That(byStatus, Is.EqualTo(new Dictionary<string, int>
            {
                ["Correlated"] = 18_000,
                ["Suggested"] = 1_200,
                ["Ambiguous"] = 500,
                ["Classified"] = 300,
                ["Uncategorized"] = 300,
            }));
            Assert.That(parsed["u17"], Does.StartWith("Correlated AD_Nominative 17 () AD_Nominative correlation rule 1 (Owner.EmployeeId = Account.EmployeeId, confidence 100) matched '17'"));
            Assert.That(parsed["dup20"], Does.StartWith("Correlated AD_Nominative 20 () "), "dup20 comes before u20 in key order, and holds E20");
            Assert.That(parsed["u20"], Does.StartWith("Suggested AD_Nominative 20 (20) ").And.EndWith("; the owner already holds a AD_Nominative, which allows one per owner"));
            Assert.That(parsed["shared7"], Does.StartWith("Ambiguous AD_Nominative  (19,20,21) "));
        });
    }

    /// <summary>
    /// A full pass reads owners, accounts and categorizations side by side; when one read fails, the run fails with that
    /// read's error only after every read it started has ended (none keeps reading the store), and nothing is saved.
    /// </summary>
    [Test]
    public async Task Categorize_AReadFailsWhileOthersRun_FailsWithItsError_AfterEveryReadEnded()
    {
        var inner = new InMemoryResourceStore();
        await WriteAsync(inner, "HR", static w => w.InsertAsync("Identity", [.. Enumerable.Range(1, 50).Select(static i => Person(i))], CancellationToken.None));
        await WriteAsync(inner, "AD", static w => w.InsertAsync("AD_User", [.. Accounts().Take(50)], CancellationToken.None));
        var store = SlowReads.Around(inner);
        var reads = (SlowReads)(object)store;

        var thrown = Assert.ThrowsAsync<InvalidOperationException>(() => new CategorizationEngine(Model(asCode: false), store).CategorizeAsync(full: true));

        Assert.Multiple(async () =>
        {
            Assert.That(thrown!.Message, Is.EqualTo("the categorizations are unreachable"));
            Assert.That(reads.Started, Is.EqualTo(2), "the owners and the accounts were being read when the categorizations failed");
            Assert.That(reads.Running, Is.Zero, "every read had ended when the run failed");
            Assert.That(await inner.GetCategorizationsAsync("AD_User", CancellationToken.None), Is.Empty, "nothing saved");
        });
    }

    /// <summary>Reads of whole types take a while; the categorizations of a type cannot be read.</summary>
    public class SlowReads : Testing.StoreProxy
    {
        private int _running;
        private int _started;

        public int Running => Volatile.Read(ref _running);

        public int Started => Volatile.Read(ref _started);

        public static IResourceStore Around(IResourceStore inner) => Around<SlowReads>(inner);

        protected override object? Answer(string method, object?[] args) => (method, args) switch
        {
            (nameof(IResourceReader.GetResourcesToCompareAsync), [string type, CancellationToken token]) => SlowlyAsync(type, token),
            (nameof(ICategorizationStore.GetCategorizationsAsync), [string, _]) => Answered(ValueTask.FromException<IReadOnlyList<AccountCategorization>>(new InvalidOperationException("the categorizations are unreachable"))),
            _ => null,
        };

        private async IAsyncEnumerable<StoredResource> SlowlyAsync(string type, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _started);
            Interlocked.Increment(ref _running);
            try
            {
                await Task.Delay(300, CancellationToken.None);
                await foreach (var resource in Inner.GetResourcesToCompareAsync(type, cancellationToken))
                {
                    yield return resource;
                }
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }
    }

    /// <summary>Each account's decision in words, by login: status, type, owner, candidates and reason.</summary>
    private static async Task<Dictionary<string, string>> CategorizedAsync(IdentityModel model)
    {
        var store = new InMemoryResourceStore();
        await WriteAsync(store, "HR", static w => w.InsertAsync("Identity", [.. Enumerable.Range(1, People).Select(static i => Person(i))], CancellationToken.None));
        await WriteAsync(store, "AD", static w => w.InsertAsync("AD_User", [.. Accounts()], CancellationToken.None));
        await new CategorizationEngine(model, store, new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero))).CategorizeAsync();

        var keys = new Dictionary<long, string>();
        await foreach (var person in store.GetResourcesAsync("Identity", CancellationToken.None))
        {
            keys[person.Id] = person.Key;
        }

        var decisions = new Dictionary<string, string>(StringComparer.Ordinal);
        var logins = new Dictionary<long, string>();
        await foreach (var account in store.GetResourcesAsync("AD_User", CancellationToken.None))
        {
            logins[account.Id] = account.Key;
        }

        foreach (var c in await store.GetCategorizationsAsync("AD_User", CancellationToken.None))
        {
            string Owner(long id) => keys[id][1..];
            decisions[logins[c.ResourceId]] = $"{c.Status} {c.ResourceType} {(c.OwnerId is { } owner ? Owner(owner) : null)} ({string.Join(",", c.Candidates.Select(Owner))}) {c.Reason}";
        }

        return decisions;
    }

    /// <summary>
    /// 18,000 accounts with an owner's employee id (correlated); 700 more with the employee id of an owner who already
    /// holds one (suggested); 500 with only a surname that one person has (suggested at 80) and 500 with a surname three
    /// people share (ambiguous); 300 administrators (classified) and 300 others (uncategorized).
    /// </summary>
    private static IEnumerable<ResourceChange> Accounts()
    {
        for (var i = 1; i <= 18_000; i++)
        {
            yield return Account($"u{i}", "Other", Number(i));
        }

        for (var i = 1; i <= 700; i++)
        {
            yield return Account($"dup{i * 20}", "Other", Number(i * 20));
        }

        for (var i = 1; i <= 500; i++)
        {
            yield return Account($"solo{i}", $"Solo{18_000 + i}", null);
            yield return Account($"shared{i}", $"Shared{i}", null);
        }

        for (var i = 1; i <= 300; i++)
        {
            yield return Account($"adm-{i}", "Nobody", null);
            yield return Account($"x{i}", "Nobody", null);
        }
    }

    /// <summary>People 1–1,500 share a surname by threes, 18,001–18,500 have one of their own.</summary>
    private static ResourceChange Person(int i)
    {
        var lastName = i <= 1_500 ? $"Shared{((i - 1) / 3) + 1}" : $"Solo{i}";
        return new($"E{i}", (ulong)HashCode.Combine(i, lastName), [Number(i), lastName], [], 0);
    }

    private static string Number(int i) => i.ToString(CultureInfo.InvariantCulture);

    private static ResourceChange Account(string login, string surname, string? employeeId) =>
        new(login, (ulong)HashCode.Combine(login, surname, employeeId), [login, surname, employeeId], [], 0);

    private static async Task WriteAsync(InMemoryResourceStore store, string connector, Func<IChangeSetWriter, ValueTask> write)
    {
        var state = await store.GetConnectorStateAsync(connector, CancellationToken.None);
        await using var writer = await store.BeginApplyAsync(connector, state.Version, CancellationToken.None);
        await write(writer);
        await writer.CommitAsync(new ConnectorState(state.Version + 1, Guid.NewGuid().ToString("N"), [], null), CancellationToken.None);
    }

    /// <summary>Two correlation rules and a classification rule, parsed from text or given as code described by the same text.</summary>
    private static IdentityModel Model(bool asCode) => new IdentityModelBuilder()
        .AddEntityType("Identity", static e => e.AddProperty("EmployeeId").AddProperty("LastName"))
        .AddEntityType("AD_User", static e => e.AddProperty("Login").AddProperty("Surname").AddProperty("EmployeeId"))
        .AddConnector("AD", static c => c
            .AddConnection("Export", "Memory")
            .MapEntityType("AD_User", "Export", "users", static m => m.Map("Login", key: PropertyKey.Primary).Map("Surname").Map("EmployeeId")))
        .AddResourceType("AD_Nominative", "AD", "Identity", "AD_User", r =>
        {
            r.CorrelationRules.Add(asCode
                ? new CorrelationRuleOptions { OwnerExpression = Value("Owner", "EmployeeId"), AccountExpression = Value("Account", "EmployeeId"), Confidence = 100 }
                : new CorrelationRuleOptions { Owner = "Owner.EmployeeId", Account = "Account.EmployeeId", Confidence = 100 });
            r.CorrelationRules.Add(asCode
                ? new CorrelationRuleOptions { OwnerExpression = Value("Owner", "LastName"), AccountExpression = Value("Account", "Surname"), Confidence = 80 }
                : new CorrelationRuleOptions { Owner = "Owner.LastName", Account = "Account.Surname", Confidence = 80 });
        })
        .AddResourceType("AD_Admin", "AD", "Identity", "AD_User", r => r.ClassificationRules.Add(asCode
            ? new ClassificationRuleOptions { PredicateExpression = DelegateExpression.Predicate(static c => c.GetValue("Account", ["Login"]) is string login && login.StartsWith("adm-", StringComparison.Ordinal), "startsWith(Account.Login, 'adm-')") }
            : new ClassificationRuleOptions { Predicate = "startsWith(Account.Login, 'adm-')" }))
        .Build();

    private static DelegateExpression Value(string root, string property) => DelegateExpression.Value(c => c.GetValue(root, [property]), $"{root}.{property}");
}
