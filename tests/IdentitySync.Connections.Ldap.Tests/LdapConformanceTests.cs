using IdentitySync.Connections.Testing;

namespace IdentitySync.Connections.Ldap.Tests;

/// <summary>
/// The LDAP package against the connection conformance suite: each table is an organizational unit of
/// the test slapd whose entries are devices with any attribute (extensibleObject); its columns are
/// mapped to attributes (key → cn, the naming attribute, value → description, other → title).
/// </summary>
public sealed class LdapConformanceTests : ExportConnectionConformanceTests
{
    private static readonly Dictionary<string, string> s_attributes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["key"] = "cn",
        ["value"] = "description",
        ["other"] = "title",
        ["command"] = "l",
    };

    private readonly List<string> _sandboxes = [];

    protected override IConnectionPackage Package { get; } = new LdapConnectionPackage();

    /// <summary>Gets false: the delta is the directory's modifyTimestamp (LdapIncrementalTests), not a source the suite fills.</summary>
    protected override bool ArrangesIncrementalSource => false;

    [TearDown]
    public void DeleteSandboxes()
    {
        using var connection = LdapServer.Connect();
        foreach (var sandbox in _sandboxes)
        {
            LdapServer.DeleteTree(connection, sandbox);
        }
    }

    protected override IReadOnlyDictionary<string, string> Arrange(string directory, IReadOnlyList<ConformanceTable> complete, IReadOnlyList<ConformanceTable> incremental)
    {
        using var connection = LdapServer.Connect();
        var sandbox = LdapServer.CreateSandbox(connection, "conformance");
        _sandboxes.Add(sandbox);
        var settings = LdapServer.Settings();
        foreach (var table in complete)
        {
            var container = $"ou={table.Name},{sandbox}";
            LdapServer.Add(connection, container, ("objectClass", ["organizationalUnit"]));
            var key = table.Columns.ToList().IndexOf("key");
            foreach (var row in table.Rows)
            {
                var attributes = table.Columns
                    .Select((column, i) => (Attribute: s_attributes[column], Values: row[i].Length == 0 ? Array.Empty<string>() : [row[i]]))
                    .Append(("objectClass", ["device", "extensibleObject"]))
                    .ToArray();
                LdapServer.Add(connection, $"cn={Model.DistinguishedName.EscapeValue(row[key])},{container}", attributes);
            }

            settings[$"{table.Name}.BaseDn"] = container;
            settings[$"{table.Name}.Scope"] = "OneLevel";
            foreach (var column in table.Columns)
            {
                settings[$"{table.Name}.Column.{column}"] = s_attributes[column];
            }
        }

        return settings;
    }
}
