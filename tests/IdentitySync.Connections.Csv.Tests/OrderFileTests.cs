using IdentitySync.Categorization;
using IdentitySync.Configuration;
using IdentitySync.Model;
using IdentitySync.Orders;
using IdentitySync.Provisioning;
using IdentitySync.Storage;
using IdentitySync.Synchronization;
using IdentitySync.Testing;
using Microsoft.Extensions.Time.Testing;

namespace IdentitySync.Connections.Csv.Tests;

/// <summary>Orders written as files for a script, and the script's results read back, through the real engine.</summary>
public sealed class OrderFileTests
{
    private string _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("identitysync-orders-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task Orders_WrittenForAScript_AreTransmittedUntilItsResultsFileMarksThemExecutedOrError()
    {
        var (engine, clock) = await JoinersAsync("E1", "E2");
        await engine.GenerateAsync();

        var handedOver = await engine.FulfillAsync();
        var file = Directory.GetFiles(Path.Combine(_directory, "orders")).Single();
        var written = OrderJson.Deserialize(await File.ReadAllTextAsync(file));
        await File.WriteAllTextAsync(Path.Combine(_directory, "orders", "run1.results.json"),
            $$"""[ { "orderId": {{written[0].Id}}, "status": "Succeeded" }, { "orderId": {{written[1].Id}}, "status": "Failed", "message": "quota exceeded" } ]""");
        clock.Advance(TimeSpan.FromMinutes(1));
        var collected = await engine.FulfillAsync();
        var again = await engine.FulfillAsync();
        var orders = await engine.GetOrdersAsync();

        Assert.Multiple(() =>
        {
            Assert.That(handedOver.Transmitted, Is.EqualTo(2));
            Assert.That(Path.GetFileName(file), Is.EqualTo($"orders-AD-20261102T080000-{written[0].Id}.json"));
            Assert.That(written.Select(static o => o.Changes["Sam"]), Is.EqualTo(new[] { "e1", "e2" }));
            Assert.That(written.Select(static o => o.State), Is.All.EqualTo(OrderState.Transmitted));
            Assert.That((collected.Collected, collected.Executed, collected.Failed), Is.EqualTo((2, 1, 1)));
            Assert.That(again.Collected, Is.Zero, "a results file is read once");
            Assert.That(File.Exists(Path.Combine(_directory, "orders", "run1.results.json.done")), Is.True);
            Assert.That(orders.Select(static o => (o.State, o.Message)), Is.EqualTo(new[] { (OrderState.Executed, "applied"), (OrderState.Error, "Failed: quota exceeded") }));
        });
    }

    [Test]
    public async Task ResultsFile_ThatIsNotJson_NamesTheFileAndLine()
    {
        var (engine, _) = await JoinersAsync("E1");
        await engine.GenerateAsync();
        await engine.FulfillAsync();
        await File.WriteAllTextAsync(Path.Combine(_directory, "orders", "bad.results.json"), "[\n  { \"orderId\": 1, \"status\": \"Done\" }\n]");

        var exception = Assert.ThrowsAsync<ConnectionException>(() => engine.FulfillAsync());

        Assert.That(exception!.Message, Does.StartWith(Path.Combine(_directory, "orders", "bad.results.json") + ": line 2: not a results file"));
    }

    [Test]
    public void Settings_WithoutDirectory_AreRefusedWithTheSettingsName()
    {
        var model = Model(_directory, directorySetting: null);

        var problems = new OrderFileConnectionPackage().ValidateSettings(model.GetConnector("AD").FindConnection("Orders")!);

        Assert.That(problems, Is.EqualTo(new[] { "Directory: required; give the folder where order files are written and results files are read, such as orders/ad" }));
    }

    private static IdentityModel Model(string baseDirectory, string? directorySetting = "orders") => new IdentityModelBuilder()
        .AddEntityType("Person", e => e.AddProperty("Id"))
        .AddEntityType("Account", e => e.AddProperty("Sam").AddProperty("EmployeeId"))
        .AddConnector("HR", c => c.AddConnection("People", "Memory").MapEntityType("Person", "People", "people", m => m.Map("Id", "id", PropertyKey.Primary)))
        .AddConnector("AD", c => c
            .AddConnection("Export", "Memory")
            .AddConnection("Orders", OrderFileConnectionPackage.PackageId, directorySetting is null ? [] : [KeyValuePair.Create("Directory", directorySetting)])
            .MapEntityType("Account", "Export", "accounts", m => m.Map("Sam", "sam", PropertyKey.Primary).Map("EmployeeId", "employeeId")))
        .AddResourceType("AD_Account", "AD", "Person", "Account", r =>
        {
            r.CorrelationRules.Add(new CorrelationRuleOptions { Owner = "Owner.Id", Account = "Account.EmployeeId" });
            r.TypeRules.Add(new TypeRuleOptions());
            r.ScalarRules.Add(new ScalarRuleOptions { Property = "Sam", Value = "lower(Owner.Id)" });
            r.Thresholds.MaxOrdersPercent = 0;
        })
        .Build();

    private async Task<(ProvisioningEngine Engine, FakeTimeProvider Clock)> JoinersAsync(params string[] ids)
    {
        var model = Model(_directory);
        var memory = new InMemoryConnectionPackage();
        memory.SetTable("people", "id", ids);
        memory.SetTable("accounts", "sam;employeeId");
        var store = new InMemoryResourceStore();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero));
        IConnectionPackage[] packages = [memory, new OrderFileConnectionPackage()];
        var sync = new SyncEngine(model, store, packages, new SyncEngineOptions { BaseDirectory = _directory }, clock);
        Assert.That((await sync.SynchronizeAsync("HR", new SyncRunOptions { Force = true })).Outcome, Is.EqualTo(SyncOutcome.Succeeded));
        await new CategorizationEngine(model, store, clock).CategorizeAsync();
        return (new ProvisioningEngine(model, store, packages, new ProvisioningEngineOptions { BaseDirectory = _directory }, clock), clock);
    }
}
