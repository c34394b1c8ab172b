using System.DirectoryServices.Protocols;
using System.Globalization;
using System.Net;

namespace IdentitySync.Connections.Ldap.Tests;

/// <summary>
/// The throwaway slapd build/test.sh starts on loopback (build/slapd.sh). Without it every test here fails
/// with a message saying how to get one: none is ever skipped. Tests write only under their own
/// organizational unit of ou=sandbox, which they delete.
/// </summary>
internal static class LdapServer
{
    public static string Url => Variable("IDENTITYSYNC_TEST_LDAP");

    public static string LdapsUrl => Variable("IDENTITYSYNC_TEST_LDAPS");

    public static string CaDirectory => Variable("IDENTITYSYNC_TEST_LDAP_CA_DIR");

    public static string BindDn => Variable("IDENTITYSYNC_TEST_LDAP_BIND_DN");

    public static string Password => Variable("IDENTITYSYNC_TEST_LDAP_PASSWORD");

    public static string Base => Variable("IDENTITYSYNC_TEST_LDAP_BASE");

    public static int Users => int.Parse(Variable("IDENTITYSYNC_TEST_LDAP_USERS"), CultureInfo.InvariantCulture);

    public static int BigGroupMembers => int.Parse(Variable("IDENTITYSYNC_TEST_LDAP_BIG_GROUP_MEMBERS"), CultureInfo.InvariantCulture);

    /// <summary>The settings of a connection that binds as the directory's administrator over StartTLS, trusting the test CA.</summary>
    public static Dictionary<string, string> Settings(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Servers"] = Url,
            ["Security"] = "StartTls",
            ["TrustedCertificatesDirectory"] = CaDirectory,
            ["BindDn"] = BindDn,
            ["Password"] = Password,
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>A plain administrator connection for arranging and inspecting the directory.</summary>
    public static LdapConnection Connect()
    {
        var uri = new Uri(Url);
        var connection = new LdapConnection(new LdapDirectoryIdentifier(uri.Host, uri.Port)) { AuthType = AuthType.Basic };
        connection.SessionOptions.ProtocolVersion = 3;
        connection.Bind(new NetworkCredential(BindDn, Password));
        return connection;
    }

    /// <summary>Creates a new organizational unit under ou=sandbox and returns its DN.</summary>
    public static string CreateSandbox(LdapConnection connection, string prefix = "t")
    {
        var dn = $"ou={prefix}{Guid.NewGuid():N},ou=sandbox,{Base}";
        Add(connection, dn, ("objectClass", ["organizationalUnit"]));
        return dn;
    }

    public static void Add(LdapConnection connection, string dn, params (string Attribute, string[] Values)[] attributes)
    {
        var request = new AddRequest(dn, [.. attributes.Where(static a => a.Values.Length > 0).Select(static a => new DirectoryAttribute(a.Attribute, a.Values))]);
        connection.SendRequest(request);
    }

    /// <summary>Deletes an entry and everything under it, deepest first.</summary>
    public static void DeleteTree(LdapConnection connection, string dn)
    {
        SearchResponse response;
        try
        {
            response = (SearchResponse)connection.SendRequest(new SearchRequest(dn, "(objectClass=*)", SearchScope.Subtree, "1.1"));
        }
        catch (DirectoryOperationException exception) when (exception.Response?.ResultCode == ResultCode.NoSuchObject)
        {
            return;
        }

        foreach (var entry in response.Entries.Cast<SearchResultEntry>().Select(static e => e.DistinguishedName).OrderByDescending(static d => d.Length))
        {
            connection.SendRequest(new DeleteRequest(entry));
        }
    }

    /// <summary>Reads one attribute of the entries a search finds, by DN.</summary>
    public static Dictionary<string, string[]> Read(LdapConnection connection, string baseDn, string filter, string attribute, SearchScope scope = SearchScope.Subtree)
    {
        var response = (SearchResponse)connection.SendRequest(new SearchRequest(baseDn, filter, scope, attribute));
        return response.Entries.Cast<SearchResultEntry>().ToDictionary(
            static e => e.DistinguishedName,
            e => e.Attributes.Contains(attribute) ? e.Attributes[attribute].GetValues(typeof(string)).Cast<string>().ToArray() : [],
            StringComparer.OrdinalIgnoreCase);
    }

    private static string Variable(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new AssertionException($"{name} is not set: run the tests through build/test.sh, which starts an OpenLDAP server (slapd) on loopback with build/slapd.sh.");
}
