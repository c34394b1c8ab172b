using System.DirectoryServices.Protocols;
using System.Net;
using IdentitySync.Model;

namespace IdentitySync.Cli.Tests;

/// <summary>
/// docs/samples/ldap run by the command line against the throwaway slapd of build/slapd.sh, as an operator
/// would: validate, synchronize, categorize, provision, fulfill, synchronize again and verify; then a
/// rename, a move between departments and a leaver. The sample's directory lives in its own branch of
/// ou=sandbox, which the test deletes.
/// </summary>
public sealed class LdapSampleTests
{
    private string _directory = null!;
    private string _sandbox = null!;
    private LdapConnection _admin = null!;

    private string Config => Path.Combine(_directory, "identitysync.json");

    [SetUp]
    public void Arrange()
    {
        var url = new Uri(Variable("IDENTITYSYNC_TEST_LDAP"));
        _admin = new LdapConnection(new LdapDirectoryIdentifier(url.Host, url.Port)) { AuthType = AuthType.Basic };
        _admin.SessionOptions.ProtocolVersion = 3;
        _admin.Bind(new NetworkCredential(Variable("IDENTITYSYNC_TEST_LDAP_BIND_DN"), Variable("IDENTITYSYNC_TEST_LDAP_PASSWORD")));
        _sandbox = $"ou=cli{Guid.NewGuid():N},ou=sandbox,{Variable("IDENTITYSYNC_TEST_LDAP_BASE")}";
        Add(_sandbox, "organizationalUnit");
        Add($"ou=people,{_sandbox}", "organizationalUnit");
        Add($"ou=groups,{_sandbox}", "organizationalUnit");
        var service = $"cn=svc-backup,ou=people,{_sandbox}";
        _admin.SendRequest(new AddRequest(service, new DirectoryAttribute("objectClass", "inetOrgPerson"), new DirectoryAttribute("sn", "Backup")));
        foreach (var group in new[] { "GG_Sales", "GG_Finance" })
        {
            _admin.SendRequest(new AddRequest($"cn={group},ou=groups,{_sandbox}", new DirectoryAttribute("objectClass", "groupOfNames"), new DirectoryAttribute("member", service)));
        }

        _directory = Directory.CreateTempSubdirectory("identitysync-ldap-sample").FullName;
        var sample = Path.Combine(TestContext.CurrentContext.TestDirectory, "Samples", "ldap");
        Directory.CreateDirectory(Path.Combine(_directory, "hr"));
        File.Copy(Path.Combine(sample, "hr", "people.csv"), Path.Combine(_directory, "hr", "people.csv"));
        File.WriteAllText(Config, File.ReadAllText(Path.Combine(sample, "identitysync.json"))
            .Replace("ldap://ldap.example.org:389", url.ToString().TrimEnd('/'), StringComparison.Ordinal)
            .Replace("/etc/identitysync/ca", Variable("IDENTITYSYNC_TEST_LDAP_CA_DIR"), StringComparison.Ordinal)
            .Replace("cn=admin,dc=example,dc=org", "@BIND@", StringComparison.Ordinal)
            .Replace(",dc=example,dc=org", "," + _sandbox, StringComparison.Ordinal)
            .Replace("@BIND@", Variable("IDENTITYSYNC_TEST_LDAP_BIND_DN"), StringComparison.Ordinal));
        Environment.SetEnvironmentVariable("IDENTITYSYNC_LDAP_PASSWORD", Variable("IDENTITYSYNC_TEST_LDAP_PASSWORD"));
    }

    [TearDown]
    public void CleanUp()
    {
        var response = (SearchResponse)_admin.SendRequest(new SearchRequest(_sandbox, "(objectClass=*)", SearchScope.Subtree, "1.1"));
        foreach (var dn in response.Entries.Cast<SearchResultEntry>().Select(static e => e.DistinguishedName).OrderByDescending(static d => d.Length))
        {
            _admin.SendRequest(new DeleteRequest(dn));
        }

        _admin.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public async Task Sample_ProvisionsTheDirectory_ThroughTheCommandLine()
    {
        var validate = await CliRunner.RunAsync("validate", "--config", Config);
        Assert.That(validate.ExitCode, Is.EqualTo(0), validate.Error);

        await LoopAsync("--mode", "initial");

        Assert.Multiple(() =>
        {
            Assert.That(People(), Is.EquivalentTo(Dns("cn=Ann Lee", "cn=Bob Smith\\, Jr.", "cn=Zoë O'Brien")));
            Assert.That(Members("GG_Sales"), Is.EquivalentTo(Dns("cn=svc-backup", "cn=Ann Lee", "cn=Zoë O'Brien")));
        });

        File.WriteAllText(Path.Combine(_directory, "hr", "people.csv"), """
            id;first;last;dept;status
            1001;Ann;Lee;Finance;Active
            1002;Bob;Smith;Finance;Active
            1003;Zoë;O'Brien;Sales;Left

            """);
        await LoopAsync();

        var orders = await CliRunner.RunAsync("orders", "list", "--config", Config);
        Assert.Multiple(() =>
        {
            Assert.That(People(), Is.EquivalentTo(Dns("cn=Ann Lee", "cn=Bob Smith")));
            Assert.That(Members("GG_Sales"), Is.EquivalentTo(Dns("cn=svc-backup")));
            Assert.That(Members("GG_Finance"), Is.EquivalentTo(Dns("cn=svc-backup", "cn=Ann Lee", "cn=Bob Smith")));
            Assert.That(orders.Output, Does.Not.Contain("Error").And.Not.Contain("Executed"), orders.Output);
            Assert.That(orders.Output.Split("Verified").Length - 1, Is.EqualTo(6), orders.Output);
        });
    }

    /// <summary>validate --connect reads the directory's schema: a misspelled attribute and a missing base are reported before any run.</summary>
    [Test]
    public async Task ValidateConnect_ReportsWhatTheDirectoryLacks()
    {
        var good = await CliRunner.RunAsync("validate", "--connect", "--config", Config);
        File.WriteAllText(Config, File.ReadAllText(Config)
            .Replace("\"Column\": \"employeeNumber\"", "\"Column\": \"employeNumber\"", StringComparison.Ordinal)
            .Replace("\"groups.BaseDn\": \"ou=groups,", "\"groups.BaseDn\": \"ou=missing,", StringComparison.Ordinal));

        var bad = await CliRunner.RunAsync("validate", "--connect", "--config", Config);

        Assert.Multiple(() =>
        {
            Assert.That(good.ExitCode, Is.EqualTo(0), good.Error);
            Assert.That(bad.ExitCode, Is.EqualTo(2), bad.Output);
            Assert.That(bad.Error, Does.Contain("Connectors[Directory].Connections[Ldap]: users.employeNumber: the directory's schema has no attribute 'employeNumber'"));
            Assert.That(bad.Error, Does.Contain("Connectors[Directory].Connections[Ldap]: groups.BaseDn: 'ou=missing,").And.Contain("NoSuchObject"));
        });
    }

    private async Task LoopAsync(params string[] firstSync)
    {
        string[][] steps =
        [
            ["sync", .. firstSync], ["categorize"], ["provision"], ["orders", "fulfill"], ["sync"], ["categorize"], ["orders", "verify"],
        ];
        foreach (var step in steps)
        {
            var result = await CliRunner.RunAsync([.. step, "--config", Config]);
            Assert.That(result.ExitCode, Is.EqualTo(0), $"{string.Join(' ', step)}:{Environment.NewLine}{result.Output}{result.Error}");
        }
    }

    private string[] People()
    {
        var response = (SearchResponse)_admin.SendRequest(new SearchRequest($"ou=people,{_sandbox}", "(employeeNumber=*)", SearchScope.OneLevel, "1.1"));
        return [.. response.Entries.Cast<SearchResultEntry>().Select(static e => Normalized(e.DistinguishedName))];
    }

    private string[] Members(string group)
    {
        var response = (SearchResponse)_admin.SendRequest(new SearchRequest($"cn={group},ou=groups,{_sandbox}", "(objectClass=*)", SearchScope.Base, "member"));
        return [.. response.Entries[0].Attributes["member"].GetValues(typeof(string)).Cast<string>().Select(Normalized)];
    }

    private string[] Dns(params string[] names) => [.. names.Select(n => Normalized($"{n},ou=people,{_sandbox}"))];

    private static string Normalized(string dn) => DistinguishedName.TryNormalize(dn, out var normalized) ? normalized : dn;

    private void Add(string dn, string objectClass) => _admin.SendRequest(new AddRequest(dn, new DirectoryAttribute("objectClass", objectClass)));

    private static string Variable(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new AssertionException($"{name} is not set: run the tests through build/test.sh, which starts an OpenLDAP server (slapd) on loopback.");
}
