using IdentitySync.Categorization;
using IdentitySync.Configuration;
using IdentitySync.Model;
using IdentitySync.Orders;
using IdentitySync.Provisioning;
using IdentitySync.Synchronization;
using IdentitySync.Testing;
using IdentitySync.Storage;
using Microsoft.Extensions.Time.Testing;

namespace IdentitySync.Connections.Sql.Tests;

/// <summary>
/// The whole loop through the SQL package on each database: HR people read from one table, application
/// accounts from another, orders generated, fulfilled into the accounts table, read back and verified —
/// creations, a change and a leaver.
/// </summary>
[TestFixture("Sqlite")]
[TestFixture("PostgreSql")]
public sealed class SqlProvisioningTests(string kind)
{
    private static readonly string[] s_loop = ["HR", "App"];

    private string _directory = null!;
    private TestDatabase _database = null!;

    [SetUp]
    public void CreateDatabase()
    {
        _directory = Directory.CreateTempSubdirectory("sql-e2e").FullName;
        _database = TestDatabase.Create(kind, _directory);
        _database.Execute("CREATE TABLE hr_people (id TEXT PRIMARY KEY, first TEXT, last TEXT, status TEXT)");
        _database.Execute("CREATE TABLE app_accounts (login TEXT PRIMARY KEY, full_name TEXT, employee TEXT)");
    }

    [TearDown]
    public void DropDatabase()
    {
        _database?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public async Task Orders_AreWrittenToTheTable_AndVerifiedByTheNextSynchronization()
    {
        var loop = new Loop(_database);
        _database.Execute("INSERT INTO hr_people VALUES ('1001', 'Ann', 'Lee', 'Active'), ('1002', 'Zoë', 'O''Brien', 'Active')");

        var first = await loop.CycleAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(first.Orders.Select(static o => o.ChangeType), Is.EqualTo(new[] { OrderChangeType.Added, OrderChangeType.Added }));
            Assert.That(Accounts(), Is.EquivalentTo(new[] { "ann.lee|Ann Lee|1001", "zoe.obrien|Zoë O'Brien|1002" }));
            Assert.That(await loop.StatesAsync(), Is.All.EqualTo(OrderState.Verified));
        });

        _database.Execute("UPDATE hr_people SET last = 'Lee-Smith' WHERE id = '1001'");
        _database.Execute("UPDATE hr_people SET status = 'Left' WHERE id = '1002'");

        var second = await loop.CycleAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(second.Orders.Select(static o => o.ChangeType).Order(), Is.EqualTo(new[] { OrderChangeType.Modified, OrderChangeType.Deleted }));
            Assert.That(Accounts(), Is.EqualTo(new[] { "ann.lee|Ann Lee-Smith|1001" }), "the login is kept (create only), the name follows");
            Assert.That(await loop.StatesAsync(), Is.All.EqualTo(OrderState.Verified));
        });
    }

    private List<string> Accounts()
    {
        var package = new SqlConnectionPackage(TestDatabase.Providers);
        var connection = new IdentityModelBuilder().AddConnector("X", c => c.AddConnection("Db", "Sql", _database.Settings(("accounts.Source", "app_accounts")))).Build().GetConnector("X").Connections[0];
        var rows = new List<string>();
        var export = package.CreateExportConnection(connection, new ConnectionContext("X", _directory, TimeProvider.System));
        using var batch = new RowBatch(3);
        var reader = export.OpenTableAsync(new ExportRequest("accounts", ["login", "full_name", "employee"], ExportMode.Complete), CancellationToken.None).AsTask().GetAwaiter().GetResult();
        while (reader.ReadAsync(batch, CancellationToken.None).AsTask().GetAwaiter().GetResult())
        {
            rows.AddRange(Enumerable.Range(0, batch.Count).Select(r => string.Join('|', Enumerable.Range(0, 3).Select(c => System.Text.Encoding.UTF8.GetString(batch.GetField(r, c))))));
        }

        reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        export.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return rows;
    }

    private sealed class Loop
    {
        private readonly SyncEngine _sync;
        private readonly CategorizationEngine _categorization;
        private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 5, 8, 0, 0, TimeSpan.Zero));

        public Loop(TestDatabase database)
        {
            var model = new IdentityModelBuilder()
                .AddEntityType("Person", static e => e.AddProperty("EmployeeId").AddProperty("FirstName").AddProperty("LastName").AddProperty("Status"))
                .AddEntityType("App_Account", static e => e.AddProperty("Login").AddProperty("FullName").AddProperty("EmployeeId"))
                .AddConnector("HR", c => c
                    .AddConnection("Db", SqlConnectionPackage.PackageId, database.Settings(("people.Source", "hr_people")))
                    .MapEntityType("Person", "Db", "people", static m => m.Map("EmployeeId", "id", PropertyKey.Primary).Map("FirstName", "first").Map("LastName", "last").Map("Status", "status"))
                    .ConfigureThresholds(Thresholds.Off))
                .AddConnector("App", c => c
                    .AddConnection("Db", SqlConnectionPackage.PackageId, database.Settings(("accounts.Source", "app_accounts")))
                    .MapEntityType("App_Account", "Db", "accounts", static m => m.Map("Login", "login", PropertyKey.Primary).Map("FullName", "full_name").Map("EmployeeId", "employee"))
                    .ConfigureThresholds(Thresholds.Off))
                .AddResourceType("App_Account", "App", "Person", "App_Account", static r =>
                {
                    r.CorrelationRules.Add(new CorrelationRuleOptions { Owner = "Owner.EmployeeId", Account = "Account.EmployeeId" });
                    r.TypeRules.Add(new TypeRuleOptions { Criteria = "equals(Owner.Status, 'Active')" });
                    r.ScalarRules.Add(new ScalarRuleOptions { Property = "Login", Value = "simplify(Owner.FirstName) + '.' + simplify(Owner.LastName)", CreateOnly = true });
                    r.ScalarRules.Add(new ScalarRuleOptions { Property = "FullName", Value = "Owner.FirstName + ' ' + Owner.LastName" });
                    r.ScalarRules.Add(new ScalarRuleOptions { Property = "EmployeeId", Value = "Owner.EmployeeId" });
                    r.Thresholds.MaxOrdersPercent = 0;
                })
                .Build();
            IConnectionPackage[] packages = [new SqlConnectionPackage(TestDatabase.Providers)];
            var store = new InMemoryResourceStore();
            _sync = new SyncEngine(model, store, packages, timeProvider: _clock);
            _categorization = new CategorizationEngine(model, store, _clock);
            Engine = new ProvisioningEngine(model, store, packages, new ProvisioningEngineOptions(), _clock);
        }

        public ProvisioningEngine Engine { get; }

        /// <summary>Synchronize, generate, fulfil; then synchronize and verify.</summary>
        public async Task<ProvisioningReport> CycleAsync()
        {
            await SynchronizeAsync();
            await Engine.VerifyAsync();
            var report = await Engine.GenerateAsync();
            var fulfilled = await Engine.FulfillAsync();
            Assert.That(fulfilled.Failed, Is.Zero, fulfilled.ToJson());
            _clock.Advance(TimeSpan.FromMinutes(1));
            await SynchronizeAsync();
            await Engine.VerifyAsync();
            return report;
        }

        public async Task<OrderState[]> StatesAsync() =>
            [.. (await Engine.GetOrdersAsync()).OrderBy(static o => o.Id).Select(static o => o.State)];

        private async Task SynchronizeAsync()
        {
            foreach (var connector in s_loop)
            {
                var report = await _sync.SynchronizeAsync(connector);
                Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Succeeded), $"{connector}: {report.Failure} {report.Message}");
            }

            await _categorization.CategorizeAsync();
        }
    }
}
