using System.DirectoryServices.Protocols;
using IdentitySync.Categorization;
using IdentitySync.Configuration;
using IdentitySync.Model;
using IdentitySync.Orders;
using IdentitySync.Provisioning;
using IdentitySync.Storage;
using IdentitySync.Synchronization;
using IdentitySync.Testing;
using Microsoft.Extensions.Time.Testing;

namespace IdentitySync.Connections.Ldap.Tests;

/// <summary>
/// The whole loop on the real directory: HR people synchronized, directory users and groups read from
/// slapd, orders generated and fulfilled into slapd, then read back and verified — creations with names
/// that need escapes, a rename, a move between groups (a membership removed), a leaver deleted.
/// </summary>
public sealed class LdapProvisioningTests
{
    private LdapConnection _admin = null!;
    private string _sandbox = null!;
    private ProvisioningLoop _loop = null!;

    [SetUp]
    public void CreateDirectory()
    {
        _admin = LdapServer.Connect();
        _sandbox = LdapServer.CreateSandbox(_admin, "e2e");
        LdapServer.Add(_admin, $"ou=people,{_sandbox}", ("objectClass", ["organizationalUnit"]));
        LdapServer.Add(_admin, $"ou=groups,{_sandbox}", ("objectClass", ["organizationalUnit"]));

        // A service account nobody owns keeps every group non-empty, as groupOfNames requires.
        var service = $"cn=svc-backup,ou=people,{_sandbox}";
        LdapServer.Add(_admin, service, ("objectClass", ["inetOrgPerson"]), ("sn", ["Backup"]), ("uid", ["svc-backup"]));
        foreach (var group in new[] { "GG_Sales", "GG_Finance" })
        {
            LdapServer.Add(_admin, $"cn={group},ou=groups,{_sandbox}", ("objectClass", ["groupOfNames"]), ("member", [service]));
        }

        _loop = new ProvisioningLoop(_sandbox);
    }

    [TearDown]
    public void DeleteDirectory()
    {
        LdapServer.DeleteTree(_admin, _sandbox);
        _admin.Dispose();
    }

    [Test]
    public async Task Orders_AreFulfilledIntoTheDirectory_AndVerifiedByTheNextSynchronization()
    {
        _loop.People["1001"] = ("Ann", "Lee", "Sales", "Active");
        _loop.People["1002"] = ("Bob", "Smith, Jr.", "Finance", "Active");
        _loop.People["1003"] = ("Zoë", "O'Brien", "Sales", "Active");

        var first = await _loop.CycleAsync();

        var people = $"ou=people,{_sandbox}";
        var groups = $"ou=groups,{_sandbox}";
        Assert.Multiple(async () =>
        {
            Assert.That(first.Orders.Select(static o => o.ChangeType), Is.EqualTo(new[] { OrderChangeType.Added, OrderChangeType.Added, OrderChangeType.Added }), "three creations");
            Assert.That(Dns(LdapServer.Read(_admin, people, "(employeeNumber=*)", "uid").Keys), Is.EquivalentTo(Dns(
            [
                $"cn=Ann Lee,{people}", $"cn=Bob Smith\\, Jr.,{people}", $"cn=Zoë O'Brien,{people}",
            ])));
            Assert.That(Members(groups, "GG_Sales"), Is.EquivalentTo(Dns([$"cn=svc-backup,{people}", $"cn=Ann Lee,{people}", $"cn=Zoë O'Brien,{people}"])));
            Assert.That(Members(groups, "GG_Finance"), Is.EquivalentTo(Dns([$"cn=svc-backup,{people}", $"cn=Bob Smith\\, Jr.,{people}"])));
            Assert.That(await _loop.StatesAsync(), Is.EqualTo(new[] { OrderState.Verified, OrderState.Verified, OrderState.Verified }));
        });

        // A rename, a mover (out of GG_Sales into GG_Finance) and a leaver.
        _loop.People["1002"] = ("Bob", "Smith", "Finance", "Active");
        _loop.People["1001"] = ("Ann", "Lee", "Finance", "Active");
        _loop.People["1003"] = ("Zoë", "O'Brien", "Sales", "Left");

        var second = await _loop.CycleAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(second.Orders.Select(static o => o.ChangeType).Order(), Is.EqualTo(new[] { OrderChangeType.Modified, OrderChangeType.Modified, OrderChangeType.Deleted }), "a rename, a move and a deletion");
            var entries = LdapServer.Read(_admin, people, "(employeeNumber=*)", "cn");
            Assert.That(Dns(entries.Keys), Is.EquivalentTo(Dns([$"cn=Ann Lee,{people}", $"cn=Bob Smith,{people}"])));
            Assert.That(entries[$"cn=Bob Smith,{people}"], Is.EqualTo(new[] { "Bob Smith" }), "the old naming value is gone");
            Assert.That(Members(groups, "GG_Sales"), Is.EquivalentTo(Dns([$"cn=svc-backup,{people}"])));
            Assert.That(Members(groups, "GG_Finance"), Is.EquivalentTo(Dns([$"cn=svc-backup,{people}", $"cn=Bob Smith,{people}", $"cn=Ann Lee,{people}"])));
            Assert.That(await _loop.StatesAsync(), Is.All.EqualTo(OrderState.Verified));
        });
    }

    [Test]
    public async Task RetriedOrders_AreHarmless()
    {
        _loop.People["1001"] = ("Ann", "Lee", "Sales", "Active");
        await _loop.SynchronizeAsync();
        await _loop.Engine.GenerateAsync();
        var orders = await _loop.Engine.GetOrdersAsync();

        // The entry and its membership exist before the order arrives, as the first attempt wrote them before a crash.
        LdapServer.Add(
            _admin,
            $"cn=Ann Lee,ou=people,{_sandbox}",
            ("objectClass", ["inetOrgPerson"]),
            ("cn", ["Ann Lee"]),
            ("sn", ["Lee"]),
            ("uid", ["ann.lee"]),
            ("employeeNumber", ["1001"]));
        var modify = new ModifyRequest($"cn=GG_Sales,ou=groups,{_sandbox}", DirectoryAttributeOperation.Add, "member", $"cn=Ann Lee,ou=people,{_sandbox}");
        _admin.SendRequest(modify);
        await _loop.Engine.FulfillAsync();
        await _loop.SynchronizeAsync();
        await _loop.Engine.VerifyAsync();

        var order = await _loop.Engine.GetOrderAsync(orders.Single().Id);
        Assert.Multiple(() =>
        {
            Assert.That(order.State, Is.EqualTo(OrderState.Verified), order.Message);
            Assert.That(order.History.Select(static h => h.Note), Has.Some.Contains("already exists"));
        });
    }

    [Test]
    public async Task RefusedOrder_IsAnErrorWithTheServersMessage()
    {
        _loop.People["1001"] = ("Ann", "Lee", "Sales", "Active");
        await _loop.SynchronizeAsync();
        await _loop.Engine.GenerateAsync();

        // The parent container is gone: the server refuses the creation, which a retry would not fix.
        LdapServer.DeleteTree(_admin, $"ou=people,{_sandbox}");
        await _loop.Engine.FulfillAsync();

        var order = (await _loop.Engine.GetOrdersAsync()).Single();
        Assert.Multiple(() =>
        {
            Assert.That(order.State, Is.EqualTo(OrderState.Error));
            Assert.That(order.Message, Does.Contain("NoSuchObject").Or.Contain("does not exist"));
        });
    }

    /// <summary>The schema is read before an add: a class it lacks, or a mandatory attribute no rule computes, fails the order with a message saying which.</summary>
    [TestCase("inetOrgPerson,posixAccount", "lacks the mandatory attributes uidNumber (of posixAccount), gidNumber (of posixAccount), homeDirectory (of posixAccount)")]
    [TestCase("inetOrgPerson,nosuchClass", "the object class 'nosuchClass' of ObjectClasses is not in the directory's schema")]
    public async Task AddRefusedByTheSchema_FailsBeforeTheServerIsAsked(string objectClasses, string message)
    {
        _loop = new ProvisioningLoop(_sandbox, objectClasses);
        _loop.People["1001"] = ("Ann", "Lee", "Sales", "Active");
        await _loop.SynchronizeAsync();
        await _loop.Engine.GenerateAsync();

        await _loop.Engine.FulfillAsync();

        var order = (await _loop.Engine.GetOrdersAsync()).Single();
        Assert.Multiple(() =>
        {
            Assert.That(order.State, Is.EqualTo(OrderState.Error));
            Assert.That(order.Message, Does.Contain(message));
            Assert.That(LdapServer.Read(_admin, $"ou=people,{_sandbox}", "(employeeNumber=1001)", "cn"), Is.Empty);
        });
    }

    /// <summary>With OnDelete Disable, a leaver's entry stays and is marked disabled; the table's filter leaves it out, so the deletion verifies.</summary>
    [Test]
    public async Task Leaver_WithOnDeleteDisable_IsDisabledNotDeleted()
    {
        _loop = new ProvisioningLoop(
            _sandbox,
            "inetOrgPerson",
            ("users.Filter", "(&(objectClass=inetOrgPerson)(!(employeeType=Disabled)))"),
            ("users.OnDelete", "Disable"),
            ("users.DisableWith", "employeeType=Disabled"));
        _loop.People["1001"] = ("Ann", "Lee", "Sales", "Active");
        await _loop.CycleAsync();

        _loop.People["1001"] = ("Ann", "Lee", "Sales", "Left");
        await _loop.CycleAsync();

        var orders = await _loop.Engine.GetOrdersAsync();
        Assert.Multiple(() =>
        {
            Assert.That(LdapServer.Read(_admin, $"ou=people,{_sandbox}", "(employeeNumber=1001)", "employeeType").Single().Value, Is.EqualTo(new[] { "Disabled" }));
            Assert.That(orders.Select(static o => (o.ChangeType, o.State)), Is.EqualTo(new[] { (OrderChangeType.Added, OrderState.Verified), (OrderChangeType.Deleted, OrderState.Verified) }));
            Assert.That(orders[1].History.Select(static h => h.Note), Has.Some.Contains("disabled"));
        });
    }

    /// <summary>A generated initial password reaches the directory over TLS and nowhere else: not the order, its history, or the store.</summary>
    [Test]
    public async Task InitialPassword_IsGeneratedIntoTheDirectoryOnly()
    {
        _loop = new ProvisioningLoop(_sandbox, "inetOrgPerson", ("users.InitialPassword", "Generate"));
        _loop.People["1001"] = ("Ann", "Lee", "Sales", "Active");

        await _loop.CycleAsync();

        var passwords = LdapServer.Read(_admin, $"ou=people,{_sandbox}", "(employeeNumber=1001)", "userPassword").Single().Value;
        var order = (await _loop.Engine.GetOrdersAsync()).Single();
        var stored = new List<string>();
        await foreach (var resource in _loop.Store.GetResourcesAsync("Dir_User", CancellationToken.None))
        {
            stored.Add(resource.Key + "|" + string.Join("|", resource.Values));
        }

        Assert.Multiple(() =>
        {
            Assert.That(passwords, Has.Length.EqualTo(1));
            Assert.That(passwords[0], Has.Length.EqualTo(24));
            Assert.That(order.State, Is.EqualTo(OrderState.Verified));
            Assert.That(order.Message + string.Join(" ", order.History.Select(static h => h.Note)), Does.Contain("generated initial password").And.Not.Contain(passwords[0]));
            Assert.That(OrderJson.Serialize([order]), Does.Not.Contain(passwords[0]));
            Assert.That(stored, Has.Count.EqualTo(2), "Ann and the service account");
            Assert.That(stored, Has.None.Contains(passwords[0]));
        });
    }

    [Test]
    public async Task InitialPassword_WithoutTls_IsRefused()
    {
        _loop = new ProvisioningLoop(_sandbox, "inetOrgPerson", ("users.InitialPassword", "Generate"), ("Security", "None"), ("TrustedCertificatesDirectory", string.Empty));
        _loop.People["1001"] = ("Ann", "Lee", "Sales", "Active");
        await _loop.SynchronizeAsync();
        await _loop.Engine.GenerateAsync();

        await _loop.Engine.FulfillAsync();

        var order = (await _loop.Engine.GetOrdersAsync()).Single();
        Assert.Multiple(() =>
        {
            Assert.That(order.State, Is.EqualTo(OrderState.Error));
            Assert.That(order.Message, Does.Contain("an initial password is only sent over TLS"));
        });
    }

    /// <summary>DNs in the form directories compare, so that the server's spelling (\2C for a comma) matches.</summary>
    private static string[] Dns(IEnumerable<string> dns) =>
        [.. dns.Select(static d => DistinguishedName.TryNormalize(d, out var n) ? n : throw new AssertionException($"'{d}' is not a DN"))];

    private string[] Members(string groups, string group) =>
        Dns(LdapServer.Read(_admin, $"cn={group},{groups}", "(objectClass=*)", "member", SearchScope.Base).Single().Value);

    /// <summary>The model, the engines and an in-memory HR source around one directory sandbox.</summary>
    private sealed class ProvisioningLoop
    {
        private readonly InMemoryConnectionPackage _hr = new();
        private readonly SyncEngine _sync;
        private readonly CategorizationEngine _categorization;

        public ProvisioningLoop(string sandbox, string objectClasses = "inetOrgPerson", params (string Key, string Value)[] more)
        {
            var directory = LdapServer.Settings(
                ("users.BaseDn", $"ou=people,{sandbox}"),
                ("users.Filter", "(objectClass=inetOrgPerson)"),
                ("users.ObjectClasses", objectClasses),
                ("groups.BaseDn", $"ou=groups,{sandbox}"),
                ("groups.Filter", "(objectClass=groupOfNames)"),
                ("members.BaseDn", $"ou=groups,{sandbox}"),
                ("members.Filter", "(objectClass=groupOfNames)"),
                ("members.Expand", "member"));
            foreach (var (key, value) in more)
            {
                directory[key] = value;
            }

            Model = new IdentityModelBuilder()
                .AddEntityType("Person", e => e.AddProperty("EmployeeId").AddProperty("FirstName").AddProperty("LastName").AddProperty("Department").AddProperty("Status"))
                .AddEntityType("Dir_User", e => e
                    .AddProperty("Uuid").AddProperty("Dn").AddProperty("Uid").AddProperty("Cn").AddProperty("Sn").AddProperty("EmployeeNumber")
                    .AddNavigationProperty("MemberOf", "Dir_Group", isMultiValued: true))
                .AddEntityType("Dir_Group", e => e.AddProperty("Uuid").AddProperty("Dn").AddProperty("Cn").AddNavigationProperty("Members", "Dir_User", isMultiValued: true))
                .AddAssociation("Dir_Membership", "Dir_Group.Members", "Dir_User.MemberOf")
                .AddConnector("HR", c => c
                    .AddConnection("People", "Memory")
                    .MapEntityType("Person", "People", "people", m => m
                        .Map("EmployeeId", "id", PropertyKey.Primary).Map("FirstName", "first").Map("LastName", "last").Map("Department", "dept").Map("Status", "status"))
                    .ConfigureThresholds(Thresholds.Off))
                .AddConnector("Directory", c => c
                    .AddConnection("Ldap", LdapConnectionPackage.PackageId, directory)
                    .MapEntityType("Dir_User", "Ldap", "users", m => m
                        .Map("Uuid", "entryUUID", PropertyKey.Primary).Map("Dn", "dn", PropertyKey.Unique, ValueFormat.DistinguishedName)
                        .Map("Uid", "uid").Map("Cn", "cn").Map("Sn", "sn").Map("EmployeeNumber", "employeeNumber"))
                    .MapEntityType("Dir_Group", "Ldap", "groups", m => m
                        .Map("Uuid", "entryUUID", PropertyKey.Primary).Map("Dn", "dn", PropertyKey.Unique, ValueFormat.DistinguishedName).Map("Cn", "cn"))
                    .MapAssociation("Dir_Membership", "Ldap", "members", "dn", "member", firstKey: "Dn", secondKey: "Dn")
                    .ConfigureThresholds(Thresholds.Off))
                .AddResourceType("Dir_User", "Directory", "Person", "Dir_User", r =>
                {
                    r.CorrelationRules.Add(new CorrelationRuleOptions { Owner = "Owner.EmployeeId", Account = "Account.EmployeeNumber" });
                    r.TypeRules.Add(new TypeRuleOptions { Criteria = "equals(Owner.Status, 'Active')" });
                    r.ScalarRules.Add(new ScalarRuleOptions { Property = "Dn", Value = $"'cn=' + dnEscape(Owner.FirstName + ' ' + Owner.LastName) + ',ou=people,{sandbox}'", Comparison = ComparisonType.DistinguishedName });
                    r.ScalarRules.Add(new ScalarRuleOptions { Property = "Uid", Value = "simplify(Owner.FirstName) + '.' + simplify(Owner.LastName)", CreateOnly = true });
                    r.ScalarRules.Add(new ScalarRuleOptions { Property = "Cn", Value = "Owner.FirstName + ' ' + Owner.LastName" });
                    r.ScalarRules.Add(new ScalarRuleOptions { Property = "Sn", Value = "Owner.LastName" });
                    r.ScalarRules.Add(new ScalarRuleOptions { Property = "EmployeeNumber", Value = "Owner.EmployeeId" });
                    r.QueryRules.Add(new QueryRuleOptions { Property = "MemberOf", Owner = "'GG_' + Owner.Department", Target = "Target.Cn" });
                    r.Thresholds.MaxOrdersPercent = 0;
                })
                .Build();
            var packages = new IConnectionPackage[] { _hr, new LdapConnectionPackage() };
            _sync = new SyncEngine(Model, Store, packages, timeProvider: Clock);
            _categorization = new CategorizationEngine(Model, Store, Clock);
            Engine = new ProvisioningEngine(Model, Store, packages, new ProvisioningEngineOptions(), Clock);
        }

        public IdentityModel Model { get; }

        public InMemoryResourceStore Store { get; } = new();

        public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 12, 4, 8, 0, 0, TimeSpan.Zero));

        public ProvisioningEngine Engine { get; }

        public Dictionary<string, (string First, string Last, string Dept, string Status)> People { get; } = new(StringComparer.Ordinal);

        public async Task SynchronizeAsync()
        {
            _hr.SetTable("people", "id;first;last;dept;status", People.Select(static p => $"{p.Key};{p.Value.First};{p.Value.Last};{p.Value.Dept};{p.Value.Status}"));
            foreach (var connector in new[] { "HR", "Directory" })
            {
                var report = await _sync.SynchronizeAsync(connector);
                Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Succeeded), $"{connector}: {report.Failure}");
            }

            await _categorization.CategorizeAsync();
        }

        /// <summary>Synchronize, generate, fulfill; then synchronize and verify.</summary>
        public async Task<ProvisioningReport> CycleAsync()
        {
            await SynchronizeAsync();
            await Engine.VerifyAsync();
            var report = await Engine.GenerateAsync();
            var fulfilled = await Engine.FulfillAsync();
            Clock.Advance(TimeSpan.FromMinutes(1));
            await SynchronizeAsync();
            await Engine.VerifyAsync();
            return report;
        }

        public async Task<OrderState[]> StatesAsync() =>
            [.. (await Engine.GetOrdersAsync()).OrderBy(static o => o.Id).Select(static o => o.State)];
    }
}
