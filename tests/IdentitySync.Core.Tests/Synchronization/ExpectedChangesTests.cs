using IdentitySync.Configuration;
using IdentitySync.Model;
using IdentitySync.Orders;
using IdentitySync.Storage;
using IdentitySync.Synchronization;
using IdentitySync.Testing;

namespace IdentitySync.Tests.Synchronization;

/// <summary>An executed order's values are text (a date as 2024-01-31, a flag as true): typed stored values still match them.</summary>
public sealed class ExpectedChangesTests
{
    [TestCase("2024-01-31", "true", SyncOutcome.Succeeded, 1)]
    [TestCase("2024-02-01", "true", SyncOutcome.Blocked, 0)]
    [TestCase("2024-01-31", "false", SyncOutcome.Blocked, 0)]
    public async Task AnOrderedAccountWithADateAndAFlag_IsExpected_OnlyWithTheValuesOrdered(string created, string enabled, SyncOutcome outcome, long expected)
    {
        var model = new IdentityModelBuilder()
            .AddEntityType("Person", static e => e.AddProperty("EmployeeId"))
            .AddEntityType("App_User", static e => e.AddProperty("Login").AddProperty("Created", ScalarType.DateTime).AddProperty("Enabled", ScalarType.Bool))
            .AddConnector("App", static c => c
                .AddConnection("Export", "Memory")
                .MapEntityType("App_User", "Export", "users", static m => m.Map("Login", "login", PropertyKey.Primary).Map("Created", "created").Map("Enabled", "enabled"))
                .ConfigureThresholds(static t => (t.Resources.MaxInserted, t.Resources.MaxInsertedPercent) = (1, 0)))
            .AddResourceType("App_User", "App", "Person", "App_User", static r => r.CorrelationRules.Add(new CorrelationRuleOptions { Owner = "Owner.EmployeeId", Account = "Account.Login" }))
            .Build();
        var store = new InMemoryResourceStore();
        await store.SaveOrdersAsync(
            [new ProvisioningOrder
            {
                ChangeType = OrderChangeType.Added,
                Connector = "App",
                ResourceType = "App_User",
                Reason = "joiner",
                State = OrderState.Executed,
                Changes = new Dictionary<string, object?> { ["Login"] = "e1", ["Created"] = "2024-01-31", ["Enabled"] = "true" },
            }],
            [],
            CancellationToken.None);
        var package = new InMemoryConnectionPackage();
        package.SetTable("users", "login;created;enabled", [$"e1;{created};{enabled}", "someone-else;2024-01-31;true"]);

        var report = await new SyncEngine(model, store, [package]).SynchronizeAsync("App");

        Assert.Multiple(() =>
        {
            Assert.That(report.Outcome, Is.EqualTo(outcome), report.Message);
            Assert.That(report.ExpectedChanges, Is.EqualTo(expected));
        });
    }
}
