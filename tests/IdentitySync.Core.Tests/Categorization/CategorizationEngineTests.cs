using IdentitySync.Categorization;
using IdentitySync.Categorizations;
using IdentitySync.ChangeSets;
using IdentitySync.Configuration;
using IdentitySync.Model;
using IdentitySync.Storage;
using IdentitySync.Testing;
using Microsoft.Extensions.Time.Testing;

namespace IdentitySync.Tests.Categorization;

/// <summary>Identities (with a manager) and AD accounts written straight into a store, categorized by rules.</summary>
public sealed class CategorizationEngineTests
{
    private const string LoginAndName = "lower(Owner.Login) + '|' + simplify(Owner.LastName)";
    private readonly FakeTimeProvider _clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private InMemoryResourceStore _store = null!;

    [SetUp]
    public void CreateStore() => _store = new InMemoryResourceStore();

    [Test]
    public async Task Categorize_LoginPlusNameAt100_CorrelatesAndLoginAloneAt90_Suggests()
    {
        var model = Model();
        await IdentitiesAsync(("1", "zmartin", "Zoë", "Martin"), ("2", "bdupont", "Bruno", "Dupont"));
        await AccountsAsync(("zmartin", "Martin", "1"), ("bdupont", "Durand", "2"));

        var report = await new CategorizationEngine(model, _store, _clock).CategorizeAsync();

        var zoe = await CategorizationOf("zmartin");
        var bruno = await CategorizationOf("bdupont");
        Assert.Multiple(async () =>
        {
            Assert.That((zoe.Status, zoe.ResourceType, zoe.OwnerId), Is.EqualTo((CategorizationStatus.Correlated, "AD_Nominative", (long?)(await Owner("1")).Id)));
            Assert.That(zoe.Reason, Is.EqualTo("AD_Nominative correlation rule 1 (lower(Owner.Login) + '|' + simplify(Owner.LastName) = lower(Account.Login) + '|' + simplify(Account.Surname), confidence 100) matched 'zmartin|martin'"));
            Assert.That((bruno.Status, bruno.OwnerId, bruno.Confidence), Is.EqualTo((CategorizationStatus.Suggested, (long?)null, 90)));
            Assert.That(bruno.Candidates, Is.EqualTo(new[] { (await Owner("2")).Id }));
            Assert.That(report.ResourceTypes.Single(static t => t.ResourceType == "AD_Nominative"), Is.EqualTo(new ResourceTypeCounts { ResourceType = "AD_Nominative", Correlated = 1, Suggested = 1 }));
        });
    }

    [Test]
    public async Task Categorize_AdmPrefix_IsClassifiedAsAnAdministrationAccountWithoutOwner()
    {
        var model = Model();
        await IdentitiesAsync(("1", "zmartin", "Zoë", "Martin"));
        await AccountsAsync(("adm-zmartin", "Martin", string.Empty), ("svc-backup", "Backup", string.Empty));

        await new CategorizationEngine(model, _store, _clock).CategorizeAsync();
        var engine = new CategorizationEngine(model, _store, _clock);

        var admin = await CategorizationOf("adm-zmartin");
        Assert.Multiple(async () =>
        {
            Assert.That((admin.Status, admin.ResourceType, admin.OwnerId), Is.EqualTo((CategorizationStatus.Classified, "AD_Admin", (long?)null)));
            Assert.That(admin.Reason, Is.EqualTo("AD_Admin classification rule 1 (startsWith(Account.Login, 'adm-'), confidence 100)"));
            Assert.That((await engine.GetOrphansAsync()).Select(static o => o.ResourceId), Is.EqualTo(new[] { admin.ResourceId }));
            Assert.That((await engine.GetUncategorizedAsync()).Select(static u => u.ResourceId), Is.EqualTo(new[] { (await Account("svc-backup")).Id }));
        });
    }

    [Test]
    public async Task Categorize_TwoIdentitiesWithTheSameName_GiveAnAmbiguousSuggestionListingBoth()
    {
        var model = Model(nameRule: true);
        await IdentitiesAsync(("1", "jdoe", "John", "Doe"), ("2", "jdoe2", "Jane", "Doe"), ("3", "bdupont", "Bruno", "Dupont"));
        await AccountsAsync(("doe", "Doe", string.Empty));
        var engine = new CategorizationEngine(model, _store, _clock);

        await engine.CategorizeAsync();

        var doe = await CategorizationOf("doe");
        Assert.Multiple(async () =>
        {
            Assert.That(doe.Status, Is.EqualTo(CategorizationStatus.Ambiguous));
            Assert.That(doe.OwnerId, Is.Null, "never an automatic choice");
            Assert.That(doe.Candidates, Is.EqualTo(new[] { (await Owner("1")).Id, (await Owner("2")).Id }));
            Assert.That((await engine.GetSuggestionsAsync()).Select(static s => s.ResourceId), Is.EqualTo(new[] { doe.ResourceId }));
            var exception = Assert.ThrowsAsync<IdentitySyncException>(() => engine.AcceptAsync(doe.ResourceId));
            Assert.That(exception!.Message, Does.StartWith($"Account {doe.ResourceId} matched several owners"));
        });
    }

    /// <summary>
    /// An owner whose rule value is a list naming the same text twice (two reports with one last name) is one match, not
    /// an ambiguity between an owner and itself; two owners under one value stay ambiguous.
    /// </summary>
    [Test]
    public async Task Categorize_OneOwnerNamedTwiceByItsValues_IsOneMatch()
    {
        var model = Model(configure: static r =>
        {
            r.CorrelationRules.Clear();
            r.CorrelationRules.Add(new CorrelationRuleOptions { Owner = "Owner.Reports.LastName", Account = "Account.Surname", Confidence = 100 });
        });
        await IdentitiesAsync(("1", "boss", "Ann", "Boss"), ("2", "jdoe", "John", "Doe"), ("3", "jdoe2", "Jane", "Doe"), ("4", "other", "Otto", "Other"), ("5", "ldurand", "Luc", "Durand"), ("6", "mdurand", "Mia", "Durand"));
        await ManagerAsync("2", "1");
        await ManagerAsync("3", "1");
        await ManagerAsync("5", "1");
        await ManagerAsync("6", "4");
        await AccountsAsync(("doe", "Doe", string.Empty), ("durand", "Durand", string.Empty));

        await new CategorizationEngine(model, _store, _clock).CategorizeAsync();

        var doe = await CategorizationOf("doe");
        var durand = await CategorizationOf("durand");
        Assert.Multiple(async () =>
        {
            Assert.That((doe.Status, doe.OwnerId), Is.EqualTo((CategorizationStatus.Correlated, (long?)(await Owner("1")).Id)));
            Assert.That(durand.Status, Is.EqualTo(CategorizationStatus.Ambiguous));
            Assert.That(durand.Candidates, Is.EqualTo(new[] { (await Owner("1")).Id, (await Owner("4")).Id }));
            Assert.That(durand.Reason, Does.EndWith("for 2 owners"));
        });
    }

    [Test]
    public async Task Categorize_AfterARuleChange_DoesNotReCorrelateUnlessAFullRunIsAsked()
    {
        await IdentitiesAsync(("1", "zmartin", "Zoë", "Martin"), ("2", "other", "Zoë", "Other"));
        await AccountsAsync(("zmartin", "Martin", "1"));
        await new CategorizationEngine(Model(), _store, _clock).CategorizeAsync();
        var changed = Model(configure: static r => r.CorrelationRules[0].Owner = "'other|' + simplify(Owner.LastName)");

        var kept = await new CategorizationEngine(changed, _store, _clock).CategorizeAsync();
        var afterKept = await CategorizationOf("zmartin");
        var full = await new CategorizationEngine(changed, _store, _clock).CategorizeAsync(full: true);
        var afterFull = await CategorizationOf("zmartin");

        Assert.Multiple(async () =>
        {
            Assert.That((kept.Considered, kept.Kept), Is.EqualTo((0L, 1L)));
            Assert.That((afterKept.Status, afterKept.OwnerId), Is.EqualTo((CategorizationStatus.Correlated, (long?)(await Owner("1")).Id)));
            Assert.That(full.Considered, Is.EqualTo(1));
            Assert.That(afterFull.Status, Is.EqualTo(CategorizationStatus.Suggested), "the login rule at 90 is all that matches now");
        });
    }

    [Test]
    public async Task Review_AcceptAndReject_AreNeverOverriddenByRules()
    {
        var model = Model();
        await IdentitiesAsync(("1", "zmartin", "Zoë", "Martin"), ("2", "bdupont", "Bruno", "Dupont"));
        await AccountsAsync(("bdupont", "Durand", "2"), ("zmartin", "Smith", "1"));
        var engine = new CategorizationEngine(model, _store, _clock);
        await engine.CategorizeAsync();
        var bruno = await CategorizationOf("bdupont");
        var zoe = await CategorizationOf("zmartin");

        var accepted = await engine.AcceptAsync(bruno.ResourceId);
        var rejected = await engine.RejectAsync(zoe.ResourceId);
        var again = await engine.CategorizeAsync(full: true);

        Assert.Multiple(async () =>
        {
            Assert.That((accepted.Status, accepted.OwnerId, accepted.ResourceType), Is.EqualTo((CategorizationStatus.Reviewed, (long?)(await Owner("2")).Id, "AD_Nominative")));
            Assert.That(rejected.Status, Is.EqualTo(CategorizationStatus.Rejected));
            Assert.That(again.Considered, Is.Zero);
            Assert.That((await CategorizationOf("bdupont")).Status, Is.EqualTo(CategorizationStatus.Reviewed));
            Assert.That(await engine.GetSuggestionsAsync(), Is.Empty);
        });
    }

    [Test]
    public async Task Categorize_NavigationPath_ReadsTheOwnersManager()
    {
        var model = Model(configure: static r => r.CorrelationRules.Add(new CorrelationRuleOptions { Owner = "Owner.Manager.EmployeeId + ':' + Owner.EmployeeId", Account = "Account.EmployeeId", Confidence = 110 }));
        await IdentitiesAsync(("1", "boss", "Ada", "Boss"), ("2", "zmartin", "Zoë", "Martin"));
        await ManagerAsync("2", "1");
        await AccountsAsync(("zm", "Nobody", "1:2"));

        await new CategorizationEngine(model, _store, _clock).CategorizeAsync();

        var account = await CategorizationOf("zm");
        Assert.That((account.Status, account.OwnerId), Is.EqualTo((CategorizationStatus.Correlated, (long?)(await Owner("2")).Id)));
    }

    [Test]
    public async Task Categorize_DelegateRuleThatNavigates_SeesTheManager()
    {
        var model = Model(configure: static r => r.CorrelationRules.Add(new CorrelationRuleOptions
        {
            OwnerExpression = IdentitySync.Rules.DelegateExpression.Value(static c => $"{c.GetValue("Owner", ["Manager", "Login"])}>{c.GetValue("Owner", ["Login"])}", "manager>login"),
            AccountExpression = IdentitySync.Rules.DelegateExpression.Value(static c => c.GetValue("Account", ["EmployeeId"]), "employee id"),
            Confidence = 110,
        }));
        await IdentitiesAsync(("1", "boss", "Ada", "Boss"), ("2", "zmartin", "Zoë", "Martin"));
        await ManagerAsync("2", "1");
        await AccountsAsync(("zm", "Nobody", "boss>zmartin"));

        await new CategorizationEngine(model, _store, _clock).CategorizeAsync();

        var account = await CategorizationOf("zm");
        Assert.Multiple(async () =>
        {
            Assert.That((account.Status, account.OwnerId), Is.EqualTo((CategorizationStatus.Correlated, (long?)(await Owner("2")).Id)));
            Assert.That(account.Reason, Does.StartWith("AD_Nominative correlation rule 3 (manager>login = employee id, confidence 110)"));
        });
    }

    [Test]
    public async Task Categorize_SecondAccountOfAOnePerOwnerType_IsOnlySuggested()
    {
        var model = Model();
        await IdentitiesAsync(("1", "zmartin", "Zoë", "Martin"));
        await AccountsAsync(("zmartin", "Martin", "1"), ("ZMARTIN", "martin", "1"));

        await new CategorizationEngine(model, _store, _clock).CategorizeAsync();

        var statuses = new[] { (await CategorizationOf("ZMARTIN")).Status, (await CategorizationOf("zmartin")).Status };
        Assert.Multiple(async () =>
        {
            Assert.That(statuses, Is.EqualTo(new[] { CategorizationStatus.Correlated, CategorizationStatus.Suggested }));
            Assert.That((await CategorizationOf("zmartin")).Reason, Does.EndWith("; the owner already holds a AD_Nominative, which allows one per owner"));
        });
    }

    [Test]
    public async Task Categorize_ChangedAccountOrNewOwner_GetsAnotherChanceWhileUnreviewed()
    {
        var model = Model();
        await IdentitiesAsync(("1", "zmartin", "Zoë", "Martin"));
        await AccountsAsync(("zmartin", "Martin", "1"), ("newbie", "Newman", string.Empty));
        var engine = new CategorizationEngine(model, _store, _clock);
        await engine.CategorizeAsync();
        var unchanged = await engine.CategorizeAsync();

        await IdentitiesAsync(("2", "newbie", "Nina", "Newman"));
        var afterJoiner = await engine.CategorizeAsync();

        Assert.Multiple(async () =>
        {
            Assert.That((unchanged.Considered, unchanged.Kept), Is.EqualTo((0L, 2L)), "nothing changed: nothing is categorized again");
            Assert.That((afterJoiner.Considered, afterJoiner.Kept), Is.EqualTo((1L, 1L)), "a new owner gives the uncategorized account another chance");
            Assert.That((await CategorizationOf("newbie")).Status, Is.EqualTo(CategorizationStatus.Correlated));
        });
    }

    [Test]
    public async Task Report_MixedOutcomes_MatchesApprovedJson()
    {
        var model = Model(nameRule: true);
        await IdentitiesAsync(("1", "zmartin", "Zoë", "Martin"), ("2", "jdoe", "John", "Doe"), ("3", "jdoe2", "Jane", "Doe"), ("4", "bdupont", "Bruno", "Dupont"));
        await AccountsAsync(("zmartin", "Martin", "1"), ("bdupont", "Durand", "4"), ("doe", "Doe", string.Empty), ("adm-zmartin", "Martin", string.Empty), ("svc-x", "Service", string.Empty));

        var report = await new CategorizationEngine(model, _store, _clock).CategorizeAsync();

        Approvals.VerifyFile(report.ToJson(), Beside("CategorizationEngineTests.Report.verified.json"), Beside("CategorizationEngineTests.Report.received.json"));
    }

    private static string Beside(string file, [System.Runtime.CompilerServices.CallerFilePath] string source = "") => Path.Combine(Path.GetDirectoryName(source)!, file);

    private static IdentityModel Model(bool nameRule = false, Action<ResourceTypeOptions>? configure = null)
    {
        var builder = new IdentityModelBuilder()
            .AddEntityType("Identity", e => e
                .AddProperty("EmployeeId")
                .AddProperty("Login")
                .AddProperty("FirstName")
                .AddProperty("LastName")
                .AddNavigationProperty("Manager", "Identity")
                .AddNavigationProperty("Reports", "Identity", isMultiValued: true))
            .AddAssociation("Management", "Identity.Manager", "Identity.Reports")
            .AddEntityType("AD_User", e => e.AddProperty("Login").AddProperty("Surname").AddProperty("EmployeeId"))
            .AddConnector("AD", c => c
                .AddConnection("Export", "Memory")
                .MapEntityType("AD_User", "Export", "users", m => m.Map("Login", key: PropertyKey.Primary).Map("Surname").Map("EmployeeId")))
            .AddResourceType("AD_Nominative", "AD", "Identity", "AD_User", r =>
            {
                r.CorrelationRules.Add(new CorrelationRuleOptions { Owner = LoginAndName, Account = "lower(Account.Login) + '|' + simplify(Account.Surname)", Confidence = 100 });
                r.CorrelationRules.Add(new CorrelationRuleOptions { Owner = "lower(Owner.Login)", Account = "lower(Account.Login)", Confidence = 90 });
                if (nameRule)
                {
                    r.CorrelationRules.Add(new CorrelationRuleOptions { Owner = "simplify(Owner.LastName)", Account = "simplify(Account.Surname)", Confidence = 80 });
                }

                configure?.Invoke(r);
            })
            .AddResourceType("AD_Admin", "AD", "Identity", "AD_User", r =>
                r.ClassificationRules.Add(new ClassificationRuleOptions { Predicate = "startsWith(Account.Login, 'adm-')" }));
        return builder.Build();
    }

    private async Task IdentitiesAsync(params (string Id, string Login, string First, string Last)[] people)
    {
        var state = await _store.GetConnectorStateAsync("(identities)", CancellationToken.None);
        await using var writer = await _store.BeginApplyAsync("(identities)", state.Version, CancellationToken.None);
        await writer.InsertAsync("Identity", [.. people.Select(p => new ResourceChange(p.Id, (ulong)p.GetHashCode(), [p.Id, p.Login, p.First, p.Last], [], 0))], CancellationToken.None);
        await writer.CommitAsync(new ConnectorState(state.Version + 1, null, [], null), CancellationToken.None);
    }

    private async Task ManagerAsync(string report, string manager)
    {
        var state = await _store.GetConnectorStateAsync("(identities)", CancellationToken.None);
        await using var writer = await _store.BeginApplyAsync("(identities)", state.Version, CancellationToken.None);
        await writer.AddLinksAsync(new EntityAssociationKeys("Management", "Identity", "Identity"), [new LinkChange(report, manager)], CancellationToken.None);
        await writer.CommitAsync(new ConnectorState(state.Version + 1, null, [], null), CancellationToken.None);
    }

    private async Task AccountsAsync(params (string Login, string Surname, string EmployeeId)[] accounts)
    {
        var state = await _store.GetConnectorStateAsync("AD", CancellationToken.None);
        await using var writer = await _store.BeginApplyAsync("AD", state.Version, CancellationToken.None);
        await writer.InsertAsync("AD_User", [.. accounts.Select(a => new ResourceChange(a.Login, (ulong)a.GetHashCode(), [a.Login, a.Surname, a.EmployeeId.Length == 0 ? null : a.EmployeeId], [], 0))], CancellationToken.None);
        await writer.CommitAsync(new ConnectorState(state.Version + 1, null, [], null), CancellationToken.None);
    }

    private async Task<StoredResource> Owner(string id) => (await _store.FindResourceAsync("Identity", id, CancellationToken.None))!;

    private async Task<StoredResource> Account(string login) => (await _store.FindResourceAsync("AD_User", login, CancellationToken.None))!;

    private async Task<AccountCategorization> CategorizationOf(string login)
    {
        var id = (await Account(login)).Id;
        return (await _store.GetCategorizationsAsync("AD_User", CancellationToken.None)).Single(c => c.ResourceId == id);
    }
}
