using IdentitySync.Orders;
using IdentitySync.Provisioning;
using IdentitySync.Rules;
using IdentitySync.Storage;
using IdentitySync.Tests.Testing;

namespace IdentitySync.Tests.Provisioning;

/// <summary>
/// What an incremental generation reads: the owners the change feed reached since the last generation, and the previous
/// state of those only; every owner's digest when the feed cannot be used.
/// </summary>
public sealed class IncrementalGenerationTests
{
    [Test]
    public async Task Incremental_OnlyTheOwnerTheFeedReachedIsExamined_ReadingOnlyItsPreviousState()
    {
        var store = StoreSpy.Around(new InMemoryResourceStore());
        var fixture = new ProvisioningFixture(store: store);
        foreach (var i in Enumerable.Range(1, 5))
        {
            fixture.SetPerson($"E{i}", "P" + i, "Person", "Sales");
        }

        await fixture.CycleAsync();
        await fixture.Engine.GenerateAsync();
        fixture.SetPerson("E3", "P3", "Renamed", "Sales");
        await fixture.SynchronizeAsync();
        var spy = (StoreSpy)(object)store;
        spy.Reads.Clear();

        var report = await fixture.Engine.GenerateAsync();

        var ad = report.ResourceTypes.Single(static t => t.Name == "AD_User");
        var renamed = report.Orders.Single(static o => o.ResourceType == "AD_User");
        Assert.Multiple(() =>
        {
            Assert.That((ad.Owners, ad.Examined, ad.Evaluated), Is.EqualTo((5, 1, 1)));
            Assert.That(renamed.Changes["DisplayName"], Is.EqualTo("P3 Renamed"));
            Assert.That(spy.Reads, Does.Contain($"states of AD_User: {renamed.Owner!.Id}"), "the evaluated owner's state, by id");
            Assert.That(spy.Reads, Has.None.StartsWith("every state"), "no whole read of the states");
            Assert.That(spy.Reads, Has.None.StartsWith("digests of"), "the feed names the owners to compare: no digest of every owner is read");
            Assert.That(spy.Reads, Has.None.StartsWith("count of categorizations"), "no MaxOrdersPercent: the type's accounts are not counted");
            Assert.That(spy.Reads, Has.None.StartsWith("every categorization").And.None.StartsWith("every resource of Person").And.None.StartsWith("every resource of AD_User"),
                "the owners reached, their accounts and categorizations are read by id");
        });
    }

    [Test]
    public async Task Incremental_CodeRules_AreEvaluatedEveryTime()
    {
        // Code may read anything, so its owners have no digest to compare: each generation evaluates them again.
        var prefix = "A";
        var fixture = new ProvisioningFixture(configureAd: r =>
        {
            var displayName = r.ScalarRules.Single(static s => s.Property == "DisplayName");
            displayName.Value = null;
            displayName.ValueExpression = DelegateExpression.Value(c => prefix + " " + c.GetValue("Owner", ["LastName"]), "prefix + last name");
        });
        fixture.SetPerson("E1", "Zoë", "Martin", "Sales");
        fixture.SetPerson("E2", "Bruno", "Dupont", "Finance");
        await fixture.CycleAsync();
        var unchanged = await fixture.Engine.GenerateAsync();
        prefix = "B";

        var report = await fixture.Engine.GenerateAsync();

        Assert.Multiple(() =>
        {
            Assert.That(unchanged.ResourceTypes.Single(static t => t.Name == "AD_User").Evaluated, Is.EqualTo(2));
            Assert.That(unchanged.Orders.Where(static o => o.ResourceType == "AD_User"), Is.Empty, "evaluated, nothing to change");
            Assert.That(report.ResourceTypes.Single(static t => t.Name == "AD_User").Evaluated, Is.EqualTo(2));
            Assert.That(
                report.Orders.Where(static o => o.ResourceType == "AD_User").Select(static o => (o.ChangeType, o.Changes["DisplayName"])).OrderBy(static c => (string?)c.Item2),
                Is.EqualTo(new[] { (OrderChangeType.Modified, (object?)"B Dupont"), (OrderChangeType.Modified, (object?)"B Martin") }));
        });
    }

    /// <summary>
    /// A known set of changes reaches a known set of owners: a renamed person, a leaver, a person who moved
    /// department, a joiner, a person whose account lost a membership in the directory, and a person deleted from HR
    /// (whose account becomes an orphan). Generation examines at
    /// most twice those (a coarse feed, such as every owner of a changed type, fails) and orders exactly what a
    /// generation that examines every owner orders.
    /// </summary>
    [Test]
    public async Task Incremental_KnownChanges_ExamineAtMostTwiceTheOwnersReached_AndOrderWhatAFullExaminationOrders()
    {
        var viaFeed = new ProvisioningFixture();
        var withoutFeed = new ProvisioningFixture(store: StoreSpy.Around(new InMemoryResourceStore(), hideChangeFeed: true));
        var reports = new List<ProvisioningReport>();
        foreach (var fixture in new[] { viaFeed, withoutFeed })
        {
            await SteadyAsync(fixture, 30);
            await fixture.Engine.GenerateAsync();
            fixture.SetPerson("E3", "P3", "Renamed", "Finance");
            fixture.SetPerson("E5", "P5", "Person", "Finance", status: "Inactive");
            fixture.SetPerson("E7", "P7", "Person", "Sales");
            fixture.SetPerson("E31", "P31", "Person", "Sales");
            fixture.Directory.Members.Remove(("Staff", "p9.person"));
            fixture.People.Remove("E11");
            await fixture.SynchronizeAsync();
            reports.Add(await fixture.Engine.GenerateAsync());
        }

        var ad = reports[0].ResourceTypes.Single(static t => t.Name == "AD_User");
        var app = reports[0].ResourceTypes.Single(static t => t.Name == "App_User");
        Assert.Multiple(() =>
        {
            Assert.That(Orders(reports[0]), Is.EqualTo(Orders(reports[1])), "the same orders either way");
            Assert.That(Orders(reports[0]), Is.Not.Empty);
            Assert.That(reports[1].ResourceTypes.Select(static t => t.Examined), Is.EqualTo(new[] { 30, 30 }), "without a feed, every owner");
            Assert.That(ad.Owners, Is.EqualTo(30), "counted, not read, by the generation that reads only what the feed reached");
            Assert.That(ad.Examined, Is.InRange(5, 10), "E3, E5, E7, E31, E9 reached (E11 is gone: its account is an orphan); at most twice that examined");
            Assert.That(app.Examined, Is.InRange(4, 8), "E3, E5, E7, E31 reached (E9's directory account is not an App_User)");
            Assert.That(Orders(reports[0]), Has.Some.StartsWith("AD_User Deleted  "), "E11's account, whose owner is gone");
            Assert.That(ad.Evaluated, Is.EqualTo(reports[1].ResourceTypes.Single(static t => t.Name == "AD_User").Evaluated));
        });
    }

    /// <summary>
    /// A generation that examines only the owners the feed reached reads only their orders and their accounts' (never
    /// every order the store keeps), and still holds back what an order in flight already asks: it orders exactly what a
    /// generation that reads every order orders.
    /// </summary>
    [Test]
    public async Task Incremental_ReadsOnlyTheOrdersOfTheOwnersReached_AndHoldsWhatAnOrderInFlightAsks()
    {
        var viaFeed = new ProvisioningFixture(store: StoreSpy.Around(new InMemoryResourceStore()));
        var withoutFeed = new ProvisioningFixture(store: StoreSpy.Around(new InMemoryResourceStore(), hideChangeFeed: true));
        var reports = new List<ProvisioningReport>();
        foreach (var fixture in new[] { viaFeed, withoutFeed })
        {
            await SteadyAsync(fixture, 10);
            fixture.SetPerson("E4", "P4", "Renamed", "Sales");
            await fixture.SynchronizeAsync();
            await fixture.Engine.GenerateAsync();

            // The rename's order is pending (not fulfilled) when E4 moves to another department.
            fixture.SetPerson("E4", "P4", "Renamed", "Finance");
            await fixture.SynchronizeAsync();
            ((StoreSpy)(object)fixture.Store).Reads.Clear();
            reports.Add(await fixture.Engine.GenerateAsync());
        }

        List<string> reads = [.. ((StoreSpy)(object)viaFeed.Store).Reads];
        var renames = (await viaFeed.Store.GetOrdersAsync(null, null, CancellationToken.None)).Count(static o => o.ChangeType == OrderChangeType.Modified && o.Changes.ContainsKey("DisplayName"));
        Assert.Multiple(() =>
        {
            Assert.That(Orders(reports[0]), Is.EqualTo(Orders(reports[1])), "the same orders either way");
            Assert.That(Orders(reports[0]), Has.Some.Contains("MemberOf+GG_Finance"), "the move is ordered");
            Assert.That(Orders(reports[0]), Has.None.Contains("DisplayName"), "the rename in flight is not ordered again");
            Assert.That(renames, Is.EqualTo(1), "one order renames E4's account");
            Assert.That(reads, Has.None.EqualTo("every order"), "the orders of the owners reached and of their accounts only");
            Assert.That(reads, Has.Some.StartsWith("orders of "));
            Assert.That(((StoreSpy)(object)withoutFeed.Store).Reads, Has.Some.EqualTo("every order"), "a generation that examines every owner reads every order");
        });
    }

    /// <summary>Changed rules, or a position older than the feed's retention, make the next generation examine every owner once.</summary>
    [Test]
    public async Task Incremental_ChangedRulesOrAPositionPastTheRetention_ExamineEveryOwnerOnce()
    {
        var store = new InMemoryResourceStore();
        var fixture = new ProvisioningFixture(store: store);
        foreach (var i in Enumerable.Range(1, 6))
        {
            fixture.SetPerson($"E{i}", "P" + i, "Person", "Sales");
        }

        await fixture.CycleAsync();
        await fixture.Engine.GenerateAsync();
        var settled = await fixture.Engine.GenerateAsync();
        var changedRules = new ProvisioningFixture(configureApp: static r => r.ScalarRules.Single(static s => s.Property == "Role").Value = "'buyer'", store: store);
        var afterRuleChange = await changedRules.Engine.GenerateAsync();
        var settledAgain = await changedRules.Engine.GenerateAsync();
        store.ChangeFeedRetention = TimeSpan.Zero;
        fixture.SetPerson("E2", "P2", "Renamed", "Sales");
        await fixture.SynchronizeAsync();
        fixture.SetPerson("E4", "P4", "Renamed", "Sales");
        await fixture.SynchronizeAsync();
        var pastRetention = await changedRules.Engine.GenerateAsync();

        static (int Examined, int Evaluated) Of(ProvisioningReport report, string type) =>
            report.ResourceTypes.Single(t => t.Name == type) is var t ? (t.Examined, t.Evaluated) : default;
        Assert.Multiple(() =>
        {
            Assert.That(Of(settled, "AD_User"), Is.EqualTo((0, 0)), "nothing changed: nothing examined");
            Assert.That(Of(afterRuleChange, "App_User"), Is.EqualTo((6, 6)), "App_User's rules changed: every owner, each evaluated");
            Assert.That(Of(afterRuleChange, "AD_User"), Is.EqualTo((0, 0)), "AD_User's rules did not change");
            Assert.That(Of(settledAgain, "App_User"), Is.EqualTo((0, 0)));
            Assert.That(Of(pastRetention, "AD_User"), Is.EqualTo((6, 2)), "the version after the last generation was pruned: every owner examined, the two renamed evaluated");
        });
    }

    /// <summary>People E1…E{count}, Sales and Finance in turn, through two cycles: their accounts made and fulfilled.</summary>
    private static async Task SteadyAsync(ProvisioningFixture fixture, int count)
    {
        foreach (var i in Enumerable.Range(1, count))
        {
            fixture.SetPerson($"E{i}", "P" + i, "Person", i % 2 == 0 ? "Sales" : "Finance");
        }

        await fixture.CycleAsync();
        await fixture.CycleAsync();
    }

    /// <summary>A report's orders as sorted lines: type, change, owner, changes and link changes.</summary>
    private static IEnumerable<string> Orders(ProvisioningReport report) => report.Orders
        .Select(static o => $"{o.ResourceType} {o.ChangeType} {o.Owner?.Key} {string.Join(",", o.Changes.Select(static c => $"{c.Key}={c.Value}"))} {string.Join(",", o.Navigation.Select(static n => $"{n.Key}+{string.Join("+", n.Value.Added)}-{string.Join("-", n.Value.Removed)}"))}")
        .Order(StringComparer.Ordinal);

    /// <summary>Writes down the reads of provisioning states, digests, categorizations and whole types; can hide the change feed.</summary>
    public class StoreSpy : StoreProxy
    {
        private bool _hideChangeFeed;

        public static IResourceStore Around(IResourceStore inner, bool hideChangeFeed = false) =>
            Around<StoreSpy>(inner, spy => spy._hideChangeFeed = hideChangeFeed);

        protected override object? Answer(string method, object?[] args)
        {
            switch (method, args)
            {
                case (nameof(IOrderStore.GetProvisioningStatesAsync), [string type, IEnumerable<long> ids, _]):
                    Reads.Add($"states of {type}: {string.Join(",", ids)}");
                    break;
                case (nameof(IOrderStore.GetProvisioningStatesAsync), [string type, _]):
                    Reads.Add($"every state of {type}");
                    break;
                case (nameof(IOrderStore.GetOrdersAsync), [null, null, _]):
                    Reads.Add("every order");
                    break;
                case (nameof(IOrderStore.GetOrdersOfResourcesAsync), [IEnumerable<long> ids, _]):
                    Reads.Add($"orders of {string.Join(",", ids.Order())}");
                    break;
                case (nameof(IOrderStore.GetProvisioningDigestsAsync), [string type, _]):
                    Reads.Add($"digests of {type}");
                    break;
                case (nameof(ICategorizationStore.GetCategorizationsAsync), [string type, _]):
                    Reads.Add($"every categorization of {type}");
                    break;
                case (nameof(IResourceReader.GetResourcesToCompareAsync) or nameof(IResourceReader.GetResourcesAsync), [string type, _]):
                    Reads.Add($"every resource of {type}");
                    break;
                case (nameof(ICategorizationStore.CountCategorizationsAsync), [CategorizationQuery query, _]):
                    Reads.Add($"count of categorizations of {query.EntityType}");
                    break;
                case (nameof(IChangeFeedStore.GetChangeFeedHeadAsync), _) when _hideChangeFeed:
                    // As a store that keeps no feed answers.
                    return Answered(ValueTask.FromResult(ChangeFeedHead.None));
            }

            return null;
        }
    }
}
