using IdentitySync.ChangeSets;
using IdentitySync.Configuration;
using IdentitySync.Model;
using IdentitySync.Provisioning;
using IdentitySync.Storage;

namespace IdentitySync.Tests.Provisioning;

/// <summary>
/// Rules that navigate from the owner (<c>Owner.Manager.LastName</c>) read other resources: a change to one of them, or
/// to a link on the way, reaches the owners whose path leads to it, walked backward through the links.
/// </summary>
public sealed class ChangeFeedReachTests
{
    private static readonly EntityAssociationKeys Management = new("Management", "Identity", "Identity");
    private readonly InMemoryResourceStore _store = new();
    private long _version;

    [Test]
    public async Task Generation_AManagerRenamed_ReachesTheManagerAndTheirReportsOnly()
    {
        var engine = new ProvisioningEngine(Model(), _store);
        await ApplyAsync(async w =>
        {
            await w.InsertAsync("Identity", [.. Enumerable.Range(1, 12).Select(static i => Person(i, "Last" + i))], CancellationToken.None);
            await w.AddLinksAsync(Management, [new LinkChange("E2", "E1"), new LinkChange("E3", "E1"), new LinkChange("E5", "E4"), new LinkChange("E6", "E5")], CancellationToken.None);
        });
        var first = await engine.GenerateAsync();
        var unchanged = await engine.GenerateAsync();

        await ApplyAsync(w => w.UpdateAsync("Identity", [Person(1, "Renamed")], CancellationToken.None).AsTask());
        var renamed = await engine.GenerateAsync();

        // E6 moves from E5 to E1: the link's ends are E6, E5 and E1; only E6's manager changed.
        await ApplyAsync(async w =>
        {
            await w.RemoveLinksAsync(Management, [new LinkChange("E6", "E5")], CancellationToken.None);
            await w.AddLinksAsync(Management, [new LinkChange("E6", "E1")], CancellationToken.None);
        });
        var moved = await engine.GenerateAsync();

        // E4 is deleted: E5 loses its manager (the deleted resource's other link end is in the feed).
        await ApplyAsync(w => w.DeleteAsync("Identity", ["E4"], CancellationToken.None).AsTask());
        var deleted = await engine.GenerateAsync();

        static (int Owners, int Examined, int Evaluated) Of(ProvisioningReport report) =>
            report.ResourceTypes.Single() is var t ? (t.Owners, t.Examined, t.Evaluated) : default;
        Assert.Multiple(() =>
        {
            Assert.That(Of(first), Is.EqualTo((12, 12, 12)), "the first generation examines everyone");
            Assert.That(Of(unchanged), Is.EqualTo((12, 0, 0)));
            Assert.That(Of(renamed), Is.EqualTo((12, 3, 3)), "E1 itself, and E2 and E3 whose manager E1 is");
            Assert.That(Of(moved), Is.EqualTo((12, 5, 1)), "the link's ends E6, E5, E1, and E1's other reports E2, E3 (the feed does not say E1's values stayed); only E6's inputs changed");
            Assert.That(Of(deleted), Is.EqualTo((11, 1, 1)), "E5, whose manager was deleted");
        });
    }

    private static ResourceChange Person(int number, string lastName) => new($"E{number}", (ulong)HashCode.Combine(number, lastName), [$"E{number}", lastName], [], 0);

    private static IdentityModel Model() => new IdentityModelBuilder()
        .AddEntityType("Identity", static e => e
            .AddProperty("EmployeeId")
            .AddProperty("LastName")
            .AddNavigationProperty("Manager", "Identity")
            .AddNavigationProperty("Reports", "Identity", isMultiValued: true))
        .AddAssociation("Management", "Identity.Manager", "Identity.Reports")
        .AddEntityType("AD_User", static e => e.AddProperty("Login").AddProperty("ManagerName"))
        .AddConnector("AD", static c => c
            .AddConnection("Export", "Memory")
            .MapEntityType("AD_User", "Export", "users", static m => m.Map("Login", key: PropertyKey.Primary).Map("ManagerName")))
        .AddResourceType("AD_User", "AD", "Identity", "AD_User", static r =>
        {
            r.ScalarRules.Add(new ScalarRuleOptions { Property = "Login", Value = "Owner.EmployeeId", CreateOnly = true });
            r.ScalarRules.Add(new ScalarRuleOptions { Property = "ManagerName", Value = "Owner.Manager.LastName" });
            r.Thresholds.MaxOrdersPercent = 0;
        })
        .Build();

    private async Task ApplyAsync(Func<IChangeSetWriter, Task> write)
    {
        await using var writer = await _store.BeginApplyAsync("HR", _version, CancellationToken.None);
        await write(writer);
        await writer.CommitAsync(new ConnectorState(++_version, null, [], null), CancellationToken.None);
    }
}
