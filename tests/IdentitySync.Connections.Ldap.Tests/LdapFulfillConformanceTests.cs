using IdentitySync.Connections.Testing;
using IdentitySync.Model;

namespace IdentitySync.Connections.Ldap.Tests;

/// <summary>
/// The LDAP package against the fulfil conformance suite, on the test slapd: the table is an organizational
/// unit of devices with any attribute (key → cn, value → description, other → title); a new entry's DN is
/// <c>cn=key</c> under it, given as a key mapped to dn, as a scalar rule would compute it.
/// </summary>
public sealed class LdapFulfillConformanceTests : FulfillConnectionConformanceTests
{
    private readonly List<string> _sandboxes = [];
    private string _container = null!;

    protected override IConnectionPackage Package { get; } = new LdapConnectionPackage();

    [TearDown]
    public void DeleteSandboxes()
    {
        using var connection = LdapServer.Connect();
        foreach (var sandbox in _sandboxes)
        {
            LdapServer.DeleteTree(connection, sandbox);
        }

        _sandboxes.Clear();
    }

    protected override IReadOnlyDictionary<string, string> Arrange(string directory, IReadOnlyList<ConformanceTable> tables)
    {
        using var connection = LdapServer.Connect();
        var sandbox = LdapServer.CreateSandbox(connection, "fulfil");
        _sandboxes.Add(sandbox);
        var settings = LdapServer.Settings();
        foreach (var table in tables)
        {
            _container = $"ou={table.Name},{sandbox}";
            LdapServer.Add(connection, _container, ("objectClass", ["organizationalUnit"]));
            foreach (var row in table.Rows)
            {
                LdapServer.Add(
                    connection,
                    $"cn={DistinguishedName.EscapeValue(row[0])},{_container}",
                    ("cn", [row[0]]),
                    ("description", row[1].Length == 0 ? [] : [row[1]]),
                    ("title", row[2].Length == 0 ? [] : [row[2]]),
                    ("objectClass", ["device", "extensibleObject"]));
            }

            settings[$"{table.Name}.BaseDn"] = _container;
            settings[$"{table.Name}.Scope"] = "OneLevel";
            settings[$"{table.Name}.Column.key"] = "cn";
            settings[$"{table.Name}.Column.value"] = "description";
            settings[$"{table.Name}.Column.other"] = "title";
            settings[$"{table.Name}.ObjectClasses"] = "device,extensibleObject";
        }

        return settings;
    }

    protected override FulfillmentRequest Adapt(FulfillmentRequest request) =>
        request.Order.ChangeType == Orders.OrderChangeType.Added
            ? request with { Keys = [.. request.Keys, new ResourceKeyValue("Dn", "dn", $"cn={DistinguishedName.EscapeValue(request.Keys[0].Value)},{_container}", PropertyKey.Unique)] }
            : request;
}
