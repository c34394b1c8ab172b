using IdentitySync.Categorization;
using IdentitySync.Configuration;
using IdentitySync.Connections;
using IdentitySync.Model;
using IdentitySync.Orders;
using IdentitySync.Provisioning;
using IdentitySync.Storage;
using IdentitySync.Synchronization;
using IdentitySync.Testing;
using Microsoft.Extensions.Time.Testing;

namespace IdentitySync.Tests.Provisioning;

/// <summary>
/// HR people owning Active Directory users (fulfilled by a directory that applies orders to its own
/// tables) and application accounts (no fulfill connection: tickets). Every step is the real engine.
/// </summary>
internal sealed class ProvisioningFixture
{
    public ProvisioningFixture(Action<ResourceTypeOptions>? configureAd = null, Action<ResourceTypeOptions>? configureApp = null, IResourceStore? store = null, Action<ConnectorThresholdOptions>? adThresholds = null)
    {
        var builder = new IdentityModelBuilder()
            .AddEntityType("Person", e => e.AddProperty("EmployeeId").AddProperty("FirstName").AddProperty("LastName").AddProperty("Department").AddProperty("Status"))
            .AddEntityType("AD_User", e => e
                .AddProperty("Sam").AddProperty("EmployeeId").AddProperty("DisplayName")
                .AddNavigationProperty("MemberOf", "AD_Group", isMultiValued: true))
            .AddEntityType("AD_Group", e => e.AddProperty("Cn").AddNavigationProperty("Members", "AD_User", isMultiValued: true))
            .AddAssociation("AD_Membership", "AD_Group.Members", "AD_User.MemberOf")
            .AddEntityType("App_Account", e => e.AddProperty("Login").AddProperty("Role"))
            .AddConnector("HR", c => c
                .AddConnection("People", "Memory")
                .MapEntityType("Person", "People", "people", m => m
                    .Map("EmployeeId", "id", PropertyKey.Primary).Map("FirstName", "first").Map("LastName", "last").Map("Department", "dept").Map("Status", "status"))
                .ConfigureThresholds(Thresholds.Off))
            .AddConnector("AD", c => c
                .AddConnection("Export", "Memory")
                .AddConnection("Provisioning", DirectoryPackage.PackageId)
                .MapEntityType("AD_User", "Export", "users", m => m.Map("Sam", "sam", PropertyKey.Primary).Map("EmployeeId", "employeeId").Map("DisplayName", "displayName"))
                .MapEntityType("AD_Group", "Export", "groups", m => m.Map("Cn", "cn", PropertyKey.Primary))
                .MapAssociation("AD_Membership", "Export", "members", "group", "member")
                .ConfigureThresholds(adThresholds ?? Thresholds.Off))
            .AddConnector("App", c => c
                .AddConnection("Accounts", "Memory")
                .MapEntityType("App_Account", "Accounts", "accounts", m => m.Map("Login", "login", PropertyKey.Primary).Map("Role", "role"))
                .ConfigureThresholds(Thresholds.Off))
            .AddResourceType("AD_User", "AD", "Person", "AD_User", r =>
            {
                r.CorrelationRules.Add(new CorrelationRuleOptions { Owner = "Owner.EmployeeId", Account = "Account.EmployeeId" });
                r.TypeRules.Add(new TypeRuleOptions { Criteria = "equals(Owner.Status, 'Active')" });
                r.ScalarRules.Add(new ScalarRuleOptions { Property = "Sam", Value = "lower(Owner.FirstName + '.' + Owner.LastName)", CreateOnly = true });
                r.ScalarRules.Add(new ScalarRuleOptions { Property = "EmployeeId", Value = "Owner.EmployeeId" });
                r.ScalarRules.Add(new ScalarRuleOptions { Property = "DisplayName", Value = "Owner.FirstName + ' ' + Owner.LastName", Comparison = ComparisonType.IgnoreCase });
                r.NavigationRules.Add(new NavigationRuleOptions { Property = "MemberOf", Target = "Staff" });
                r.QueryRules.Add(new QueryRuleOptions { Property = "MemberOf", Owner = "'GG_' + Owner.Department", Target = "Target.Cn" });
                r.Thresholds.MaxOrdersPercent = 0;
                r.TransmittedTimeout = TimeSpan.FromHours(4);
                configureAd?.Invoke(r);
            })
            .AddResourceType("App_User", "App", "Person", "App_Account", r =>
            {
                r.CorrelationRules.Add(new CorrelationRuleOptions { Owner = "Owner.EmployeeId", Account = "Account.Login" });
                r.TypeRules.Add(new TypeRuleOptions { Criteria = "and(equals(Owner.Status, 'Active'), equals(Owner.Department, 'Sales'))" });
                r.ScalarRules.Add(new ScalarRuleOptions { Property = "Login", Value = "Owner.EmployeeId", CreateOnly = true });
                r.ScalarRules.Add(new ScalarRuleOptions { Property = "Role", Value = "'seller'" });
                r.DependsOn.Add("AD_User");
                r.Thresholds.MaxOrdersPercent = 0;
                r.TransmittedTimeout = TimeSpan.FromDays(2);
                configureApp?.Invoke(r);
            });
        Model = builder.Build();
        Store = store ?? new InMemoryResourceStore();
        Sync = new SyncEngine(Model, Store, [Package, Directory], timeProvider: Clock);
        Categorization = new CategorizationEngine(Model, Store, Clock);
        Engine = new ProvisioningEngine(Model, Store, [Package, Directory], new ProvisioningEngineOptions { RetryDelay = TimeSpan.FromMinutes(5) }, Clock);
        Directory.Groups.UnionWith(["Staff", "GG_Sales", "GG_Finance", "Admins"]);
        People.Clear();
        PublishDirectory();
        SetApp();
    }

    public IdentityModel Model { get; }

    public IResourceStore Store { get; }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero));

    public InMemoryConnectionPackage Package { get; } = new();

    public DirectoryPackage Directory { get; } = new();

    public SyncEngine Sync { get; }

    public CategorizationEngine Categorization { get; }

    public ProvisioningEngine Engine { get; }

    public Dictionary<string, (string First, string Last, string Dept, string Status)> People { get; } = new(StringComparer.Ordinal);

    public void SetPerson(string id, string first, string last, string dept, string status = "Active") => People[id] = (first, last, dept, status);

    public void SetApp(params string[] rows) => Package.SetTable("accounts", "login;role", rows);

    /// <summary>Synchronizes HR, AD and App from the current tables, then categorizes.</summary>
    public async Task SynchronizeAsync()
    {
        PublishPeople();
        PublishDirectory();
        foreach (var connector in new[] { "HR", "AD", "App" })
        {
            var report = await Sync.SynchronizeAsync(connector);
            Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Succeeded), connector);
        }

        await Categorization.CategorizeAsync();
    }

    /// <summary>One whole cycle: synchronize, verify, generate, fulfill; then synchronize and verify again.</summary>
    public async Task<ProvisioningReport> CycleAsync()
    {
        await SynchronizeAsync();
        await Engine.VerifyAsync();
        var report = await Engine.GenerateAsync();
        await Engine.FulfillAsync();
        await SynchronizeAsync();
        await Engine.VerifyAsync();
        return report;
    }

    public void PublishPeople() =>
        Package.SetTable("people", "id;first;last;dept;status", People.Select(static p => $"{p.Key};{p.Value.First};{p.Value.Last};{p.Value.Dept};{p.Value.Status}"));

    public void PublishDirectory()
    {
        Package.SetTable("users", "sam;employeeId;displayName", Directory.Users.Select(static u => $"{u.Key};{u.Value.EmployeeId};{u.Value.DisplayName}"));
        Package.SetTable("groups", "cn", Directory.Groups);
        Package.SetTable("members", "group;member", Directory.Members.Select(static m => $"{m.Group};{m.User}"));
    }

    public async Task<IReadOnlyList<ProvisioningOrder>> OrdersAsync(params OrderState[] states) => await Engine.GetOrdersAsync(states);

    /// <summary>A directory that applies orders to its own tables, as an LDAP connection would; a test can make it answer otherwise.</summary>
    public sealed class DirectoryPackage : IConnectionPackage, IFulfillConnection, IAsyncDisposable
    {
        /// <summary>Gets how many times the engine disposed the fulfil connection (this package) after a pass.</summary>
        public int Disposed { get; private set; }

        public ValueTask DisposeAsync()
        {
            Disposed++;
            return ValueTask.CompletedTask;
        }

        public const string PackageId = "Directory";

        public string Id => PackageId;

        public ConnectionCapabilities Capabilities => ConnectionCapabilities.Fulfill | ConnectionCapabilities.Verifiable;

        public IReadOnlyList<ConnectionSetting> Settings { get; } = [];

        public SortedDictionary<string, (string EmployeeId, string DisplayName)> Users { get; } = new(StringComparer.Ordinal);

        public SortedSet<string> Groups { get; } = new(StringComparer.Ordinal);

        public SortedSet<(string Group, string User)> Members { get; } = [];

        /// <summary>Gets or sets an exception to throw instead of answering; null answers.</summary>
        public Exception? Throw { get; set; }

        /// <summary>Gets or sets an answer to give instead of applying; null applies orders.</summary>
        public FulfillmentStatus? Answer { get; set; }

        public List<long> Received { get; } = [];

        public List<FulfillmentRequest> Requests { get; } = [];

        public IReadOnlyList<string> ValidateSettings(Connection connection) => [];

        public IExportConnection CreateExportConnection(Connection connection, ConnectionContext context) => throw new NotSupportedException();

        public IFulfillConnection CreateFulfillConnection(Connection connection, ConnectionContext context) => this;

        public ValueTask<IReadOnlyList<FulfillmentResult>> FulfillAsync(IReadOnlyList<FulfillmentRequest> requests, CancellationToken cancellationToken)
        {
            if (Throw is not null)
            {
                throw Throw;
            }

            var results = new List<FulfillmentResult>();
            foreach (var request in requests)
            {
                Received.Add(request.Order.Id);
                Requests.Add(request);
                results.Add(Answer is { } answer ? new FulfillmentResult(request.Order.Id, answer, "as the test asked") : Apply(request));
            }

            return ValueTask.FromResult<IReadOnlyList<FulfillmentResult>>(results);
        }

        // Written the way a real connection writes: by table column and key, from the request alone.
        private FulfillmentResult Apply(FulfillmentRequest request)
        {
            var order = request.Order;
            var sam = request.Keys.Single(static k => k.Role == PropertyKey.Primary && k.Column == "sam").Value;
            switch (order.ChangeType)
            {
                case OrderChangeType.Added when Users.ContainsKey(sam):
                    return new FulfillmentResult(order.Id, FulfillmentStatus.AlreadyExists);
                case OrderChangeType.Deleted:
                    Users.Remove(sam);
                    Members.RemoveWhere(m => m.User == sam);
                    return new FulfillmentResult(order.Id, FulfillmentStatus.Succeeded);
                case OrderChangeType.Modified when !Users.ContainsKey(sam):
                    return new FulfillmentResult(order.Id, FulfillmentStatus.NotFound);
            }

            var columns = order.Changes.ToDictionary(c => request.Columns[c.Key], static c => (string?)c.Value ?? string.Empty);
            var (employeeId, displayName) = Users.GetValueOrDefault(sam);
            Users[sam] = (columns.GetValueOrDefault("employeeId", employeeId), columns.GetValueOrDefault("displayName", displayName));
            foreach (var navigation in request.Navigation)
            {
                foreach (var group in navigation.Added)
                {
                    Members.Add((group.Keys[0].Value, sam));
                }

                foreach (var group in navigation.Removed)
                {
                    Members.Remove((group.Keys[0].Value, sam));
                }
            }

            return new FulfillmentResult(order.Id, FulfillmentStatus.Succeeded);
        }
    }
}
