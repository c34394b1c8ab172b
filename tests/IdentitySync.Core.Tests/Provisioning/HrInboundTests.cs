using IdentitySync.Categorization;
using IdentitySync.Categorizations;
using IdentitySync.Configuration;
using IdentitySync.Connections;
using IdentitySync.JobRuns;
using IdentitySync.Jobs;
using IdentitySync.Model;
using IdentitySync.Orders;
using IdentitySync.Provisioning;
using IdentitySync.Storage;
using IdentitySync.Synchronization;
using IdentitySync.Testing;
using Microsoft.Extensions.Time.Testing;

namespace IdentitySync.Tests.Provisioning;

/// <summary>
/// HR people become identities through the internal workflow, with ownership policies per property;
/// identities own Active Directory accounts. Every step is the real engine, run as one job.
/// </summary>
public sealed class HrInboundTests
{
    private readonly Dictionary<string, string> _people = new(StringComparer.Ordinal);
    private FakeTimeProvider _clock = null!;
    private InMemoryConnectionPackage _package = null!;
    private InMemoryResourceStore _store = null!;
    private IdentityModel _model = null!;
    private ProvisioningEngine _engine = null!;
    private RepositoryEditor _editor = null!;
    private JobRunner _runner = null!;
    private List<IJobTask> _tasks = null!;

    [SetUp]
    public void Create()
    {
        _people.Clear();
        _clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero));
        _package = new InMemoryConnectionPackage();
        _package.SetTable("users", "sam;employeeId");
        _store = new InMemoryResourceStore();
        _model = Model();
        var sync = new SyncEngine(_model, _store, [_package], timeProvider: _clock);
        _engine = new ProvisioningEngine(_model, _store, [_package], timeProvider: _clock);
        _editor = new RepositoryEditor(_model, _store, _clock);
        _runner = new JobRunner(_store, _clock);
        _tasks = [new SynchronizeTask(sync, "HR"), new SynchronizeTask(sync, "AD"), new CategorizeTask(new CategorizationEngine(_model, _store, _clock)), new GenerateOrdersTask(_engine)];
    }

    [Test]
    public async Task NewHrRow_CreatesTheIdentity_AndInTheSameJobAnAdAddedOrder()
    {
        Person("E1", "Zoë", "Martin", "555-0101", "Sales");

        var run = await RunAsync();

        var identity = (await _store.FindResourceAsync("Identity", "E1", CancellationToken.None))!;
        var sources = await _store.GetSourcesAsync(identity.Id, CancellationToken.None);
        var orders = await _engine.GetOrdersAsync();
        Assert.Multiple(() =>
        {
            Assert.That(run.Status, Is.EqualTo(JobStatus.Succeeded), string.Join(Environment.NewLine, run.Log));
            Assert.That(identity.Values, Is.EqualTo(new object?[] { "E1", "Zoë", "Martin", null, "Sales", true, null }), "Phone is Manual: HR never writes it, not even at creation");
            Assert.That(orders.Select(static o => (o.ResourceType, o.ChangeType, o.State)), Is.EqualTo(new[]
            {
                ("HR_Identity", OrderChangeType.Added, OrderState.Verified),
                ("AD_User", OrderChangeType.Added, OrderState.Pending),
            }));
            Assert.That(orders[1].Owner!.Key, Is.EqualTo("E1"));
            Assert.That(orders[1].Changes["Sam"], Is.EqualTo("zmartin"));
            Assert.That(sources.Select(static s => (s.Property, s.Kind, s.Source, s.OrderId)), Does.Contain(("FirstName", PropertySourceKind.Rule, "HR / HR_Identity", (long?)orders[0].Id)));
        });
    }

    [Test]
    public async Task IdentityTypeGainsAProperty_TheNextJobStillRunsOnTheStoredIdentities()
    {
        Person("E1", "Zoë", "Martin", "555-0101", "Sales");
        Person("E2", "Li", "Wei", "555-0102", "Sales");
        await RunAsync();
        _model = Model(title: true);
        Create(keepPeople: true);
        Person("E1", "Zoë", "Martin-Roux", "555-0101", "Sales");

        var run = await RunAsync();

        var identity = (await _store.FindResourceAsync("Identity", "E1", CancellationToken.None))!;
        Assert.Multiple(() =>
        {
            Assert.That(run.Status, Is.EqualTo(JobStatus.Succeeded), string.Join(Environment.NewLine, run.Log));
            Assert.That(identity.Values[2], Is.EqualTo("Martin-Roux"));
            Assert.That(identity.Values, Has.Count.EqualTo(8), "written back in the entity type's new shape");
        });
    }

    [Test]
    public async Task NewIdentity_WhoseAccountAlreadyExists_IsCorrelatedInTheSameGeneration_NotGivenASecondOne()
    {
        Person("E1", "Zoë", "Martin", "555-0101", "Sales");
        _package.SetTable("users", "sam;employeeId", "zoe.martin;E1");

        await RunAsync();

        var orders = await _engine.GetOrdersAsync();
        var account = (await _store.FindResourceAsync("AD_User", "zoe.martin", CancellationToken.None))!;
        var categorization = (await _store.GetCategorizationsAsync("AD_User", CancellationToken.None)).Single();
        Assert.Multiple(() =>
        {
            Assert.That(orders.Select(static o => o.ResourceType), Is.EqualTo(new[] { "HR_Identity" }));
            Assert.That((categorization.ResourceId, categorization.Status, categorization.ResourceType), Is.EqualTo((account.Id, CategorizationStatus.Correlated, "AD_User")));
        });
    }

    [Test]
    public async Task ManualChange_ToCreateOnlyAndManualProperties_SurvivesTheNextHrRun_AndTheReportSaysWhy()
    {
        Person("E1", "Zoë", "Martin", "555-0101", "Sales");
        await RunAsync();
        await _editor.SetAsync("Identity", "E1", "Phone", "555-9999", "alice", "asked by Zoë");
        await _editor.SetAsync("Identity", "E1", "Department", "Sales EMEA", "alice");
        Person("E1", "Zoë", "Martin", "555-0202", "Marketing");

        var run = await RunAsync();

        var identity = (await _store.FindResourceAsync("Identity", "E1", CancellationToken.None))!;
        var report = ((GenerateOrdersTask)_tasks[^1]).LastReport!;
        var sources = await _editor.GetSourcesAsync("Identity", "E1");
        Assert.Multiple(() =>
        {
            Assert.That(run.Status, Is.EqualTo(JobStatus.Succeeded), string.Join(Environment.NewLine, run.Log));
            Assert.That(identity.Values[3], Is.EqualTo("555-9999"), "Phone is Manual: HR never writes it");
            Assert.That(identity.Values[4], Is.EqualTo("Sales EMEA"), "Department is CreateOnly: HR set it at creation only");
            Assert.That(report.Ownership.Select(static n => (n.Property, n.Action, n.Policy)), Is.EquivalentTo(new[]
            {
                ("Phone", OwnershipAction.Skipped, PropertyOwnership.Manual),
                ("Department", OwnershipAction.Skipped, PropertyOwnership.CreateOnly),
            }));
            Assert.That(report.Ownership.Single(static n => n.Property == "Phone").Reason, Is.EqualTo("Manual: `Owner.Phone` computes '555-0202', but the source never writes it; it keeps '555-9999'"));
            Assert.That(sources.Single(static s => s.Property == "Phone"), Is.EqualTo(new PropertySource(identity.Id, "Phone", PropertySourceKind.Manual, "alice", "asked by Zoë", null, _clock.GetUtcNow())));
        });
    }

    [Test]
    public async Task ManualChange_ToAnAuthoritativeProperty_IsOverwrittenByHr_AndTheOverwriteReported()
    {
        Person("E1", "Zoë", "Martin", "555-0101", "Sales");
        await RunAsync();
        _clock.Advance(TimeSpan.FromHours(1));
        await _editor.SetAsync("Identity", "E1", "LastName", "Martin-Durand", "bob", "married");
        _clock.Advance(TimeSpan.FromHours(1));

        var run = await RunAsync();

        var identity = (await _store.FindResourceAsync("Identity", "E1", CancellationToken.None))!;
        var report = ((GenerateOrdersTask)_tasks[^1]).LastReport!;
        var sources = await _editor.GetSourcesAsync("Identity", "E1");
        Assert.Multiple(() =>
        {
            Assert.That(run.Tasks[^1].Message, Does.EndWith("; ownership: 1 overwritten, 1 skipped"), "the job's result says what the policies did");
            Assert.That(identity.Values[2], Is.EqualTo("Martin"));
            Assert.That(report.Ownership.Where(static n => n.Action == OwnershipAction.Overwritten).Select(static n => (n.Property, n.Action, n.Reason)), Is.EqualTo(new[]
            {
                ("LastName", OwnershipAction.Overwritten, "Authoritative: HR's 'Martin' replaces 'Martin-Durand', set by hand by bob on 2026-11-02 09:00 (married)"),
            }));
            Assert.That(report.Orders.Single(static o => o.ResourceType == "HR_Identity").History[^2].Note, Does.Contain("LastName: Authoritative: HR's 'Martin' replaces 'Martin-Durand'"));
            Assert.That(sources.Single(static s => s.Property == "LastName").Kind, Is.EqualTo(PropertySourceKind.Rule));
        });
    }

    [Test]
    public async Task IfEmpty_FillsAnEmptyPropertyOnly()
    {
        Person("E1", "Zoë", "Martin", string.Empty, "Sales");
        await RunAsync();
        Person("E1", "Zoë", "Martin", "555-0101", "Sales");
        _model = Model(phone: PropertyOwnership.IfEmpty);
        Create(keepPeople: true);
        await RunAsync();
        var filled = (await _store.FindResourceAsync("Identity", "E1", CancellationToken.None))!.Values[3];

        Person("E1", "Zoë", "Martin", "555-0202", "Sales");
        var second = await RunAsync();
        var kept = (await _store.FindResourceAsync("Identity", "E1", CancellationToken.None))!.Values[3];

        Assert.Multiple(() =>
        {
            Assert.That(filled, Is.EqualTo("555-0101"));
            Assert.That(kept, Is.EqualTo("555-0101"));
            Assert.That(((GenerateOrdersTask)_tasks[^1]).LastReport!.Ownership.Single().Reason, Does.StartWith("IfEmpty: `Owner.Phone` computes '555-0202', but the property is not empty"));
            Assert.That(second.Status, Is.EqualTo(JobStatus.Succeeded));
        });
    }

    [Test]
    public async Task HrRowThatDisappears_EndsTheIdentity_AndYieldsADownstreamDeletedOrder()
    {
        Person("E1", "Zoë", "Martin", "555-0101", "Sales");
        foreach (var i in Enumerable.Range(2, 5))
        {
            Person($"E{i}", "P" + i, "Person", "555", "Sales");
        }

        await RunAsync();
        _package.SetTable("users", "sam;employeeId", "zmartin;E1", "bdupont;E2");
        await RunAsync();
        _people.Remove("E1");

        var run = await RunAsync();

        var identity = (await _store.FindResourceAsync("Identity", "E1", CancellationToken.None))!;
        var orders = await _engine.GetOrdersAsync();
        var again = await RunAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(run.Status, Is.EqualTo(JobStatus.Succeeded), string.Join(Environment.NewLine, run.Log));
            Assert.That(identity.Values[5], Is.EqualTo(false), "inactive");
            Assert.That(identity.Values[6], Is.EqualTo(_clock.GetUtcNow().UtcDateTime), "ended today; the identity and its history stay");
            Assert.That(orders.Where(static o => o.ChangeType == OrderChangeType.Deleted).Select(static o => (o.ResourceType, o.State, o.Resource!.Key)), Is.EqualTo(new[]
            {
                ("HR_Identity", OrderState.Verified, "E1"),
                ("AD_User", OrderState.Pending, "zmartin"),
            }));
            Assert.That((await _engine.GetOrdersAsync()).Count, Is.EqualTo(orders.Count), "an ended identity is not ended again");
            Assert.That(again.Status, Is.EqualTo(JobStatus.Succeeded));
        });
    }

    [Test]
    public async Task EndedIdentity_WhoseHrRowComesBack_IsReactivated_AndStillGetsItsAccount()
    {
        foreach (var i in Enumerable.Range(1, 6))
        {
            Person($"E{i}", "P" + i, "Person", "555", "Sales");
        }

        await RunAsync();
        var row = _people["E1"];
        _people.Remove("E1");
        await RunAsync();
        _people["E1"] = row;

        var run = await RunAsync();

        var identity = (await _store.FindResourceAsync("Identity", "E1", CancellationToken.None))!;
        var orders = await _engine.GetOrdersAsync();
        Assert.Multiple(() =>
        {
            Assert.That(run.Status, Is.EqualTo(JobStatus.Succeeded), string.Join(Environment.NewLine, run.Log));
            Assert.That((identity.Values[5], identity.Values[6]), Is.EqualTo(((object?)true, (object?)null)));
            Assert.That(orders.Last(static o => o.ResourceType == "HR_Identity").Reason, Does.Contain("reactivated: it was ended, and type rule 1 (no criteria) grants it"));
            Assert.That(orders.Where(static o => o.Owner?.Key == "E1" && o.ResourceType == "AD_User").Select(static o => (o.ChangeType, o.State)), Is.EqualTo(new[] { (OrderChangeType.Added, OrderState.Pending) }),
                "the joiner's order, never fulfilled in this test, still covers the person who came back: not a second one");
        });
    }

    [Test]
    public async Task HrRowThatDisappears_WithHardDeleteConfigured_DeletesTheIdentity()
    {
        _model = Model(hardDelete: true);
        Create(keepPeople: true);
        foreach (var i in Enumerable.Range(1, 6))
        {
            Person($"E{i}", "P" + i, "Person", "555", "Sales");
        }

        await RunAsync();
        _people.Remove("E1");

        var run = await RunAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(run.Status, Is.EqualTo(JobStatus.Succeeded), string.Join(Environment.NewLine, run.Log));
            Assert.That(await _store.FindResourceAsync("Identity", "E1", CancellationToken.None), Is.Null);
            Assert.That(await _store.CountResourcesAsync("Identity", CancellationToken.None), Is.EqualTo(5));
        });
    }

    [Test]
    public async Task TruncatedHrFile_IsBlockedByThresholdsBeforeAnyIdentityIsTouched()
    {
        foreach (var i in Enumerable.Range(1, 20))
        {
            Person($"E{i}", "P" + i, "Person", "555", "Sales");
        }

        await RunAsync();
        var before = await IdentitiesAsync();
        foreach (var i in Enumerable.Range(6, 15))
        {
            _people.Remove($"E{i}");
        }

        var run = await RunAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(run.Status, Is.EqualTo(JobStatus.Blocked));
            Assert.That(run.Tasks[0].Status, Is.EqualTo(JobTaskStatus.Blocked));
            Assert.That(run.Tasks[^1].Status, Is.EqualTo(JobTaskStatus.Pending), "provisioning never ran");
            Assert.That(await IdentitiesAsync(), Is.EqualTo(before));
        });
    }

    [Test]
    public async Task ManualEdit_OfASynchronizedTypeOrTheKey_IsRefused()
    {
        Person("E1", "Zoë", "Martin", "555-0101", "Sales");
        await RunAsync();

        var synchronized = Assert.ThrowsAsync<IdentitySyncException>(() => _editor.SetAsync("HR_Person", "E1", "FirstName", "Z", "alice"));
        var key = Assert.ThrowsAsync<IdentitySyncException>(() => _editor.SetAsync("Identity", "E1", "EmployeeId", "E9", "alice"));
        var badType = Assert.ThrowsAsync<IdentitySyncException>(() => _editor.SetAsync("Identity", "E1", "IsActive", "maybe", "alice"));

        Assert.Multiple(() =>
        {
            Assert.That(synchronized!.Message, Is.EqualTo("HR_Person is synchronized from connector HR: change it in the managed system, not in the repository."));
            Assert.That(key!.Message, Is.EqualTo("EmployeeId is the key of Identity; it cannot be edited."));
            Assert.That(badType!.Message, Does.StartWith("'maybe' is not a Bool value for Identity.IsActive"));
        });
    }

    private static IdentityModel Model(PropertyOwnership phone = PropertyOwnership.Manual, bool hardDelete = false, bool title = false) => Configure(new IdentityModelBuilder(), phone, hardDelete, title).Build();

    private static IdentityModelBuilder Configure(IdentityModelBuilder builder, PropertyOwnership phone = PropertyOwnership.Manual, bool hardDelete = false, bool title = false) => builder
        .AddEntityType("HR_Person", e => e.AddProperty("EmployeeId").AddProperty("FirstName").AddProperty("LastName").AddProperty("Phone").AddProperty("Department"))
        .AddEntityType("Identity", e =>
        {
            e.AddProperty("EmployeeId").AddProperty("FirstName").AddProperty("LastName").AddProperty("Phone").AddProperty("Department")
                .AddProperty("IsActive", ScalarType.Bool).AddProperty("EndDate", ScalarType.DateTime);
            if (title)
            {
                e.AddProperty("Title");
            }
        })
        .AddEntityType("AD_User", e => e.AddProperty("Sam").AddProperty("EmployeeId"))
        .AddConnector("HR", c => c
            .AddConnection("People", "Memory")
            .MapEntityType("HR_Person", "People", "people", m => m
                .Map("EmployeeId", "id", PropertyKey.Primary).Map("FirstName", "first").Map("LastName", "last").Map("Phone", "phone").Map("Department", "dept"))
            .ConfigureThresholds(static t =>
            {
                // Only the guard the truncated-file test needs: at most 20 % of the people deleted in one run.
                Thresholds.Off(t);
                t.Resources.MaxDeletedPercent = 20;
            }))
        .AddConnector("AD", c => c
            .AddConnection("Export", "Memory")
            .MapEntityType("AD_User", "Export", "users", m => m.Map("Sam", "sam", PropertyKey.Primary).Map("EmployeeId", "employeeId"))
            .ConfigureThresholds(Thresholds.Off))
        .AddResourceType("HR_Identity", "HR", "HR_Person", "Identity", r =>
        {
            r.CorrelationRules.Add(new CorrelationRuleOptions { Owner = "Owner.EmployeeId", Account = "Account.EmployeeId" });
            r.TypeRules.Add(new TypeRuleOptions());
            r.ScalarRules.Add(new ScalarRuleOptions { Property = "EmployeeId", Value = "Owner.EmployeeId" });
            r.ScalarRules.Add(new ScalarRuleOptions { Property = "FirstName", Value = "Owner.FirstName" });
            r.ScalarRules.Add(new ScalarRuleOptions { Property = "LastName", Value = "Owner.LastName", Ownership = PropertyOwnership.Authoritative });
            r.ScalarRules.Add(new ScalarRuleOptions { Property = "Phone", Value = "Owner.Phone", Ownership = phone });
            r.ScalarRules.Add(new ScalarRuleOptions { Property = "Department", Value = "Owner.Department", Ownership = PropertyOwnership.CreateOnly });
            r.RemoveOrphans = true;
            r.Workflow.ActiveProperty = "IsActive";
            r.Workflow.EndDateProperty = "EndDate";
            r.Workflow.HardDelete = hardDelete;
            r.Thresholds.MaxOrdersPercent = 0;
        })
        .AddResourceType("AD_User", "AD", "Identity", "AD_User", r =>
        {
            r.CorrelationRules.Add(new CorrelationRuleOptions { Owner = "Owner.EmployeeId", Account = "Account.EmployeeId" });
            r.TypeRules.Add(new TypeRuleOptions { Criteria = "equals(Owner.IsActive, 'true')" });
            r.ScalarRules.Add(new ScalarRuleOptions { Property = "Sam", Value = "simplify(substring(Owner.FirstName, 0, 1) + Owner.LastName)", CreateOnly = true });
            r.ScalarRules.Add(new ScalarRuleOptions { Property = "EmployeeId", Value = "Owner.EmployeeId" });
            r.Thresholds.MaxOrdersPercent = 0;
        });

    [Test]
    public async Task HostWorkflow_RegisteredThroughDependencyInjection_DecidesOnIdentityOrders()
    {
        Person("E1", "Zoë", "Martin", "555-0101", "Sales");
        _package.SetTable("people", "id;first;last;phone;dept", _people.Values);
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        services.AddIdentitySync(b => b.UseInMemoryStore().AddConnectionPackage(_package).UseInternalWorkflow<ApprovalsFirst>().ConfigureModel(m => Configure(m)));
        using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);
        var sync = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<SyncEngine>(provider);
        var engine = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<ProvisioningEngine>(provider);
        var store = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<IResourceStore>(provider);
        await sync.SynchronizeAsync("HR");

        var report = await engine.GenerateAsync();
        var waiting = await store.CountResourcesAsync("Identity", CancellationToken.None);
        var approved = report.Orders.Single();
        var applied = await new RepositoryWorkflow(Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<IdentityModel>(provider), store).ApplyAsync([approved], CancellationToken.None);
        var done = await engine.ReportResultAsync(applied.Single());

        Assert.Multiple(async () =>
        {
            Assert.That(approved.State, Is.EqualTo(OrderState.Transmitted));
            Assert.That(approved.Message, Is.EqualTo("waiting for the host's approval"));
            Assert.That(waiting, Is.Zero);
            Assert.That(done.State, Is.EqualTo(OrderState.Verified));
            Assert.That(await store.CountResourcesAsync("Identity", CancellationToken.None), Is.EqualTo(1));
        });
    }

    private void Create(bool keepPeople)
    {
        var sync = new SyncEngine(_model, _store, [_package], timeProvider: _clock);
        _engine = new ProvisioningEngine(_model, _store, [_package], timeProvider: _clock);
        _editor = new RepositoryEditor(_model, _store, _clock);
        _tasks = [new SynchronizeTask(sync, "HR"), new SynchronizeTask(sync, "AD"), new CategorizeTask(new CategorizationEngine(_model, _store, _clock)), new GenerateOrdersTask(_engine)];
        Assert.That(keepPeople, Is.True);
    }

    private void Person(string id, string first, string last, string phone, string department) => _people[id] = $"{id};{first};{last};{phone};{department}";

    private async Task<JobRun> RunAsync()
    {
        _package.SetTable("people", "id;first;last;phone;dept", _people.Values);
        return await _runner.RunAsync("hr", _tasks);
    }

    private async Task<List<string>> IdentitiesAsync()
    {
        var all = new List<string>();
        await foreach (var identity in _store.GetResourcesAsync("Identity", CancellationToken.None))
        {
            all.Add(identity.Key + ":" + string.Join("|", identity.Values));
        }

        all.Sort(StringComparer.Ordinal);
        return all;
    }

    /// <summary>A host's workflow: every identity change waits for its own approval process.</summary>
    private sealed class ApprovalsFirst : IInternalWorkflow
    {
        public ValueTask<IReadOnlyList<FulfillmentResult>> ApplyAsync(IReadOnlyList<ProvisioningOrder> orders, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<FulfillmentResult>>([.. orders.Select(static o => new FulfillmentResult(o.Id, FulfillmentStatus.Accepted, "waiting for the host's approval"))]);
    }
}
