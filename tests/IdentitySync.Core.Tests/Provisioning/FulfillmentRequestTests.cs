using IdentitySync.ChangeSets;
using IdentitySync.Configuration;
using IdentitySync.Connections;
using IdentitySync.Model;
using IdentitySync.Orders;
using IdentitySync.Provisioning;
using IdentitySync.Storage;

namespace IdentitySync.Tests.Provisioning;

/// <summary>What a fulfill connection receives per order: tables, columns, the resource's keys and the link targets' keys.</summary>
public sealed class FulfillmentRequestTests
{
    [Test]
    public async Task Fulfill_JoinerOrder_CarriesTheTableTheColumnsTheComputedKeyAndTheGroupsKeys()
    {
        var fixture = new ProvisioningFixture();
        fixture.SetPerson("E1", "Zoë", "Martin", "Sales");
        await fixture.SynchronizeAsync();
        await fixture.Engine.GenerateAsync();

        await fixture.Engine.FulfillAsync();

        var request = fixture.Directory.Requests.Single();
        var memberOf = request.Navigation.Single();
        Assert.Multiple(() =>
        {
            Assert.That((request.Order.ChangeType, request.EntityType, request.Table), Is.EqualTo((OrderChangeType.Added, "AD_User", "users")));
            Assert.That(request.Columns, Is.EqualTo(new Dictionary<string, string> { ["Sam"] = "sam", ["EmployeeId"] = "employeeId", ["DisplayName"] = "displayName" }));
            Assert.That(request.Keys, Is.EqualTo(new[] { new ResourceKeyValue("Sam", "sam", "zoë.martin", PropertyKey.Primary) }));
            Assert.That(
                (memberOf.Property, memberOf.Association, memberOf.TargetEntityType, memberOf.ResourceIsFirst, memberOf.Table, memberOf.FirstColumn, memberOf.SecondColumn),
                Is.EqualTo(("MemberOf", "AD_Membership", "AD_Group", false, "members", "group", "member")));
            Assert.That(memberOf.Added.Select(static t => t.Key), Is.EquivalentTo(new[] { "Staff", "GG_Sales" }));
            Assert.That(memberOf.Added.Single(static t => t.Key == "Staff").Keys, Is.EqualTo(new[] { new ResourceKeyValue("Cn", "cn", "Staff", PropertyKey.Primary) }));
            Assert.That(memberOf.Removed, Is.Empty);
        });
    }

    [Test]
    public async Task Fulfill_MoverOrder_CarriesTheStoredKeyAndBothGroupsOfTheMembershipChange()
    {
        var fixture = new ProvisioningFixture();
        fixture.SetPerson("E1", "Zoë", "Martin", "Sales");
        await fixture.CycleAsync();
        fixture.Directory.Requests.Clear();
        fixture.SetPerson("E1", "Zoë", "Martin", "Finance");
        await fixture.SynchronizeAsync();
        await fixture.Engine.GenerateAsync();

        await fixture.Engine.FulfillAsync();

        var request = fixture.Directory.Requests.Single();
        var memberOf = request.Navigation.Single();
        Assert.Multiple(() =>
        {
            Assert.That(request.Order.ChangeType, Is.EqualTo(OrderChangeType.Modified));
            Assert.That(request.Keys, Is.EqualTo(new[] { new ResourceKeyValue("Sam", "sam", "zoë.martin", PropertyKey.Primary) }));
            Assert.That(memberOf.Added.Select(static t => t.Keys.Single().Value), Is.EqualTo(new[] { "GG_Finance" }));
            Assert.That(memberOf.Removed.Select(static t => t.Keys.Single().Value), Is.EqualTo(new[] { "GG_Sales" }));
            Assert.That(fixture.Directory.Members, Does.Contain(("GG_Finance", "zoë.martin")).And.Not.Contain(("GG_Sales", "zoë.martin")));
        });
    }
}

/// <summary>The request builder on a directory whose entries are keyed by GUID and named by DN, as Active Directory's are.</summary>
public sealed class FulfillmentRequestBuilderTests
{
    [Test]
    public async Task Build_MembershipChange_GivesBothDistinguishedNames()
    {
        var model = new IdentityModelBuilder()
            .AddEntityType("Person", e => e.AddProperty("Id"))
            .AddEntityType("User", e => e.AddProperty("Guid").AddProperty("Dn").AddProperty("Sam").AddNavigationProperty("MemberOf", "Group", isMultiValued: true))
            .AddEntityType("Group", e => e.AddProperty("Guid").AddProperty("Dn").AddNavigationProperty("Members", "User", isMultiValued: true))
            .AddAssociation("Membership", "Group.Members", "User.MemberOf")
            .AddConnector("HR", c => c.AddConnection("Files", "Memory").MapEntityType("Person", "Files", "people", m => m.Map("Id", "id", PropertyKey.Primary)))
            .AddConnector("AD", c => c
                .AddConnection("Ldap", "Memory")
                .MapEntityType("User", "Ldap", "users", m => m.Map("Guid", "objectGUID", PropertyKey.Primary).Map("Dn", "distinguishedName", PropertyKey.Unique).Map("Sam", "sAMAccountName"))
                .MapEntityType("Group", "Ldap", "groups", m => m.Map("Guid", "objectGUID", PropertyKey.Primary).Map("Dn", "distinguishedName", PropertyKey.Unique))
                .MapAssociation("Membership", "Ldap", "groups", "objectGUID", "member", secondKey: "Dn"))
            .AddResourceType("AD_User", "AD", "Person", "User")
            .Build();
        var store = new InMemoryResourceStore();
        await using (var writer = await store.BeginApplyAsync("AD", 0, CancellationToken.None))
        {
            await writer.InsertAsync("Group", [new ResourceChange("g-1", 1, ["g-1", "CN=Staff,OU=Groups,DC=corp"], [], 2)], CancellationToken.None);
            await writer.CommitAsync(new ConnectorState(1, "b1", [], null), CancellationToken.None);
        }

        var order = new ProvisioningOrder
        {
            ChangeType = OrderChangeType.Modified,
            Connector = "AD",
            ResourceType = "AD_User",
            Resource = new OrderResource(5, "u-1", new Dictionary<string, object?> { ["Guid"] = "u-1", ["Dn"] = "CN=Smith\\, Jr.,OU=Users,DC=corp", ["Sam"] = "jsmith" }),
            Navigation = new Dictionary<string, NavigationChange> { ["MemberOf"] = new(["g-1", "g-new"], []) },
            Reason = "test",
        };

        var request = (await new FulfillmentRequestBuilder(model, store).BuildAsync(model.GetConnector("AD"), [order], CancellationToken.None)).Single();

        var memberOf = request.Navigation.Single();
        Assert.Multiple(() =>
        {
            Assert.That(request.Keys, Is.EqualTo(new[]
            {
                new ResourceKeyValue("Guid", "objectGUID", "u-1", PropertyKey.Primary),
                new ResourceKeyValue("Dn", "distinguishedName", "CN=Smith\\, Jr.,OU=Users,DC=corp", PropertyKey.Unique),
            }));
            Assert.That((memberOf.Table, memberOf.FirstColumn, memberOf.SecondColumn, memberOf.ResourceIsFirst), Is.EqualTo(("groups", "objectGUID", "member", false)));
            Assert.That(memberOf.Added[0].Keys, Is.EqualTo(new[]
            {
                new ResourceKeyValue("Guid", "objectGUID", "g-1", PropertyKey.Primary),
                new ResourceKeyValue("Dn", "distinguishedName", "CN=Staff,OU=Groups,DC=corp", PropertyKey.Unique),
            }));
            Assert.That(memberOf.Added[1].Keys, Is.EqualTo(new[] { new ResourceKeyValue("Guid", "objectGUID", "g-new", PropertyKey.Primary) }), "a target not stored yet has its primary key only");
        });
    }
}
