using IdentitySync.Categorizations;
using IdentitySync.ChangeSets;
using IdentitySync.Configuration;
using IdentitySync.Model;
using IdentitySync.Orders;
using IdentitySync.Reading;
using IdentitySync.Storage;
using IdentitySync.Synchronization;
using IdentitySync.Tests.Synchronization;

namespace IdentitySync.Tests.Reading;

public sealed class RepositoryReaderTests
{
    private SyncFixture _fixture = null!;
    private RepositoryReader _reader = null!;

    [SetUp]
    public async Task LoadAsync()
    {
        _fixture = new SyncFixture();
        _fixture.SetSnapshot(30, "CN=Staff;u1", "CN=Staff;u2", "CN=Admins;u2");
        var report = await _fixture.RunAsync(SyncMode.Initial);
        Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Succeeded), report.Message);
        _reader = new RepositoryReader(_fixture.Model, _fixture.Store, _fixture.Store, _fixture.Store);
    }

    [Test]
    public async Task Find_ByKeyAndById_ReadsValuesByName()
    {
        var byKey = await _reader.FindAsync("ad_user", "CN=u2,OU=Users");
        var byId = await _reader.FindAsync(byKey!.Id);

        Assert.Multiple(() =>
        {
            Assert.That(byId!.Key, Is.EqualTo("CN=u2,OU=Users"));
            Assert.That(byId.EntityType.Name, Is.EqualTo("AD_User"));
            Assert.That(byKey.Get<string>("sam"), Is.EqualTo("u2"), "property names ignore case");
            Assert.That(byKey.Get<DateTime?>("Created"), Is.EqualTo(new DateTime(2024, 1, 3, 0, 0, 0, DateTimeKind.Utc)));
            Assert.That(byKey.Get<DateTimeOffset?>("Created"), Is.EqualTo(new DateTimeOffset(2024, 1, 3, 0, 0, 0, TimeSpan.Zero)));
            Assert.That(byKey.Get<string>("Created"), Is.EqualTo("2024-01-03"), "any value reads as its text");
            Assert.That(byKey.GetValues<string>("Proxies"), Is.EqualTo(new[] { "smtp:u2@corp.test", "sip:u2@corp.test" }));
            Assert.That(byKey.GetValues<string>("Sam"), Is.EqualTo(new[] { "u2" }), "a single value is a list of one");
            Assert.That(byKey["Proxies"], Is.EqualTo(new object[] { "smtp:u2@corp.test", "sip:u2@corp.test" }));
            Assert.That(byKey.ToString(), Is.EqualTo("AD_User 'CN=u2,OU=Users'"));
        });
    }

    [Test]
    public async Task Find_Missing_IsNull_AndUnknownNamesSayWhatExists()
    {
        var user = await _reader.FindAsync("AD_User", "CN=u1,OU=Users");

        Assert.Multiple(async () =>
        {
            Assert.That(await _reader.FindAsync("AD_User", "CN=nobody"), Is.Null);
            Assert.That(await _reader.FindAsync(long.MaxValue), Is.Null);
            Assert.That(Assert.ThrowsAsync<ArgumentException>(() => _reader.FindAsync("Printer", "x"))!.Message, Does.StartWith("The model has no entity type 'Printer'; it has AD_User, AD_Group."));
            Assert.That(Assert.Throws<ArgumentException>(() => user!.Get<string>("Mail"))!.Message, Does.StartWith("AD_User has no property 'Mail'; it has Dn, Sam, EmployeeId, Created, Proxies."));
            Assert.That(Assert.Throws<InvalidOperationException>(() => user!.Get<string>("Proxies"))!.Message, Is.EqualTo("AD_User.Proxies is multi-valued: read it with GetValues<T>(\"Proxies\")."));
            Assert.That(Assert.Throws<InvalidCastException>(() => user!.Get<int>("Sam"))!.Message, Is.EqualTo("AD_User.Sam of AD_User 'CN=u1,OU=Users' holds a String ('u1'); it cannot be read as Int32."));
            Assert.That(Assert.ThrowsAsync<ArgumentException>(() => _reader.GetLinkedAsync(user!, "Manager"))!.Message, Does.StartWith("AD_User has no navigation property 'Manager'; it has MemberOf."));
        });
    }

    [Test]
    public async Task GetPage_InKeyOrder_PagesWithNextAfterKey()
    {
        var first = await _reader.GetPageAsync("AD_User", limit: 20);
        var second = await _reader.GetPageAsync("AD_User", first.NextAfterKey, limit: 20);

        var all = first.Resources.Concat(second.Resources).Select(static r => r.Key).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(first.Resources, Has.Count.EqualTo(20));
            Assert.That(first.NextAfterKey, Is.EqualTo(first.Resources[^1].Key));
            Assert.That(second.Resources, Has.Count.EqualTo(10));
            Assert.That(second.NextAfterKey, Is.Null, "the last page");
            Assert.That(all, Is.EqualTo(all.Order(StringComparer.Ordinal)).And.Unique.And.Count.EqualTo(30));
        });
    }

    [Test]
    public async Task GetPage_WithFilters_KeepsOnlyMatches_AcrossStorePages()
    {
        var key = await _reader.GetPageAsync("AD_User", filters: [ResourceFilter.KeyIs("CN=u7,OU=Users")]);
        var keyAndOther = await _reader.GetPageAsync("AD_User", filters: [ResourceFilter.KeyIs("CN=u7,OU=Users"), ResourceFilter.PropertyEquals("Sam", "u8")]);
        var bySam = await _reader.GetPageAsync("AD_User", filters: [ResourceFilter.PropertyEquals("sam", "U12", ignoreCase: true)]);
        var byProxy = await _reader.GetPageAsync("AD_User", filters: [ResourceFilter.PropertyEquals("Proxies", "sip:u3@corp.test")]);
        var byDate = await _reader.GetPageAsync("AD_User", limit: 2, filters: [ResourceFilter.PropertyEquals("Created", new DateTime(2024, 1, 3, 0, 0, 0, DateTimeKind.Utc))]);
        var set = await _reader.GetPageAsync("AD_User", limit: 1000, filters: [ResourceFilter.PropertyIsSet("EmployeeId")]);
        var streamed = await _reader.QueryAsync("AD_User", [ResourceFilter.PropertyEquals("Created", "2024-01-03")]).Select(static r => r.Key).ToListAsync();

        Assert.Multiple(() =>
        {
            Assert.That(key.Resources.Select(static r => r.Key), Is.EqualTo(new[] { "CN=u7,OU=Users" }));
            Assert.That(keyAndOther.Resources, Is.Empty);
            Assert.That(bySam.Resources.Select(static r => r.Key), Is.EqualTo(new[] { "CN=u12,OU=Users" }));
            Assert.That(byProxy.Resources.Select(static r => r.Key), Is.EqualTo(new[] { "CN=u3,OU=Users" }), "one item of a multi-valued property");
            Assert.That(byDate.Resources.Select(static r => r.Key), Is.EqualTo(new[] { "CN=u2,OU=Users", "CN=u30,OU=Users" }), "u2 and u30 were created on the 3rd");
            Assert.That(byDate.NextAfterKey, Is.EqualTo("CN=u30,OU=Users"));
            Assert.That(set.Resources, Has.Count.EqualTo(30));
            Assert.That(streamed, Is.EqualTo(new[] { "CN=u2,OU=Users", "CN=u30,OU=Users" }), "a date compares by its text");
            Assert.That(Assert.ThrowsAsync<ArgumentException>(() => _reader.GetPageAsync("AD_User", filters: [ResourceFilter.PropertyIsSet("Mail")]))!.Message, Does.StartWith("A filter names 'Mail', which AD_User does not have"));
            Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _reader.GetPageAsync("AD_User", limit: RepositoryReader.MaxPageSize + 1));
        });
    }

    [Test]
    public async Task GetLinked_FollowsNavigationBothWays()
    {
        var staff = await _reader.FindAsync("AD_Group", "CN=Staff");
        var u2 = await _reader.FindAsync("AD_User", "CN=u2,OU=Users");

        var members = await _reader.GetLinkedAsync(staff!, "Members");
        var groups = await _reader.GetLinkedAsync(u2!, "memberof");

        Assert.Multiple(() =>
        {
            Assert.That(members.Select(static r => r.Get<string>("Sam")), Is.EqualTo(new[] { "u1", "u2" }));
            Assert.That(groups.Select(static r => r.Get<string>("Cn")), Is.EqualTo(new[] { "Admins", "Staff" }));
        });
    }

    [Test]
    public async Task Layouts_ComeBackFromTheStore_AfterTheProcessForgotThem()
    {
        // A model with Sam removed and a property inserted before it: positions shift.
        var changed = new IdentityModelBuilder()
            .AddEntityType("AD_User", e => e.AddProperty("Dn").AddProperty("Office").AddProperty("EmployeeId").AddProperty("Created", ScalarType.DateTime).AddProperty("Proxies", isMultiValued: true))
            .AddEntityType("AD_Group", e => e.AddProperty("Dn").AddProperty("Cn"))
            .Build();
        ResourceLayout.Forget();

        var user = await new RepositoryReader(changed, _fixture.Store).FindAsync("AD_User", "CN=u2,OU=Users");

        Assert.Multiple(() =>
        {
            Assert.That(user!.Get<string>("Office"), Is.Null);
            Assert.That(user.Get<string>("EmployeeId"), Is.EqualTo("E002"));
            Assert.That(user.Get<DateTime?>("Created"), Is.EqualTo(new DateTime(2024, 1, 3, 0, 0, 0, DateTimeKind.Utc)));
        });
    }

    [Test]
    public async Task Views_CategorizationAndOrders_OfOneResource()
    {
        var u1 = (await _reader.FindAsync("AD_User", "CN=u1,OU=Users"))!;
        var u2 = (await _reader.FindAsync("AD_User", "CN=u2,OU=Users"))!;
        var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await _fixture.Store.SaveCategorizationsAsync(
            [
                new(u1.Id, "AD_User", CategorizationStatus.Correlated, "AD_Nominative", 77, 100, [], "same employee id", 1, 2, at),
                new(u2.Id, "AD_User", CategorizationStatus.Uncategorized, null, null, 0, [], "no owner", 1, 2, at),
            ],
            CancellationToken.None);
        await _fixture.Store.SaveOrdersAsync(
            [
                Order(u1.Id, "first"),
                Order(u2.Id, "other account"),
                Order(u1.Id, "second"),
            ],
            [],
            CancellationToken.None);

        var categorization = await _reader.GetCategorizationAsync(u1);
        var orders = await _reader.GetOrdersAsync(u1);
        var u3 = (await _reader.FindAsync("AD_User", "CN=u3,OU=Users"))!;

        Assert.Multiple(async () =>
        {
            Assert.That((categorization!.Status, categorization.OwnerId, categorization.Reason), Is.EqualTo((CategorizationStatus.Correlated, (long?)77, "same employee id")));
            Assert.That(orders.Select(static o => o.Reason), Is.EqualTo(new[] { "second", "first" }), "its orders, newest first");
            Assert.That(await _reader.GetCategorizationAsync(u3), Is.Null, "never categorized");
            Assert.That(await _reader.GetOrdersAsync(u3), Is.Empty);
        });

        static ProvisioningOrder Order(long resourceId, string reason) => new()
        {
            ChangeType = OrderChangeType.Modified,
            Connector = "AD",
            ResourceType = "AD_Nominative",
            Resource = new OrderResource(resourceId, "k", new Dictionary<string, object?>()),
            Reason = reason,
        };
    }

    [Test]
    public void Reader_WithoutTheViewsRoles_SaysWhichIsMissing()
    {
        var reader = new RepositoryReader(_fixture.Model, _fixture.Store);

        Assert.Multiple(async () =>
        {
            var user = await reader.FindAsync("AD_User", "CN=u1,OU=Users");
            Assert.That(Assert.ThrowsAsync<InvalidOperationException>(() => reader.GetCategorizationAsync(user!))!.Message, Does.Contain("ICategorizationStore"));
            Assert.That(Assert.ThrowsAsync<InvalidOperationException>(() => reader.GetOrdersAsync(user!))!.Message, Does.Contain("IOrderStore"));
        });
    }
}
