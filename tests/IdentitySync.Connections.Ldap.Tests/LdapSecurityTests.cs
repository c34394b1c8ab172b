namespace IdentitySync.Connections.Ldap.Tests;

/// <summary>TLS, credentials and failover against the test slapd.</summary>
public sealed class LdapSecurityTests
{
    private static (string, string) Users => ("users.BaseDn", $"ou=people,{LdapServer.Base}");

    private static (string, string) OnePerson => ("users.Filter", "(employeeNumber=7)");

    [Test]
    public async Task Ldaps_WithTheTestCaTrusted_Reads()
    {
        var settings = LdapServer.Settings(("Servers", LdapServer.LdapsUrl), Users, OnePerson);
        settings.Remove("Security");

        var rows = await LdapTestConnections.ReadAsync(settings, "users", "uid");

        Assert.That(rows.Single()[0], Is.EqualTo("u00007"));
    }

    [Test]
    public async Task StartTls_WithTheTestCaTrusted_Reads()
    {
        var rows = await LdapTestConnections.ReadAsync(LdapServer.Settings(Users, OnePerson), "users", "uid");

        Assert.That(rows.Single()[0], Is.EqualTo("u00007"));
    }

    /// <summary>Without the test CA, the server's certificate is refused over LDAPS and over StartTLS, and the message points at the setting.</summary>
    [TestCase("Ldaps")]
    [TestCase("StartTls")]
    public void UntrustedCertificate_IsRefused(string security)
    {
        var settings = LdapServer.Settings(Users, OnePerson, ("Security", security));
        settings.Remove("TrustedCertificatesDirectory");
        if (security == "Ldaps")
        {
            settings["Servers"] = LdapServer.LdapsUrl;
        }

        var exception = Assert.ThrowsAsync<ConnectionException>(() => LdapTestConnections.ReadAsync(settings, "users", "uid"));

        Assert.Multiple(() =>
        {
            Assert.That(exception!.Message, Does.Contain("no server answered").And.Contain("certificate is not trusted").And.Contain("TrustedCertificatesDirectory"));
            Assert.That(exception.Kind, Is.EqualTo(FailureKind.SystemUnavailable));
        });
    }

    /// <summary>A refused password is an authentication failure whose message names the account and never the password.</summary>
    [Test]
    public void WrongPassword_IsAnAuthenticationFailure_WithoutThePassword()
    {
        const string Secret = "s3cret-marker-9f2c";
        var settings = LdapServer.Settings(Users, OnePerson, ("Password", Secret));

        var exception = Assert.ThrowsAsync<ConnectionException>(() => LdapTestConnections.ReadAsync(settings, "users", "uid"));

        Assert.Multiple(() =>
        {
            Assert.That(exception!.Kind, Is.EqualTo(FailureKind.AuthenticationFailed));
            Assert.That(exception.Message, Does.Contain(LdapServer.BindDn).And.Contain("invalid credentials"));
            Assert.That(exception.ToString(), Does.Not.Contain(Secret));
        });
    }

    /// <summary>The password can come from an environment variable, so the configuration holds no secret.</summary>
    [Test]
    public async Task PasswordVariable_ReadsThePasswordFromTheEnvironment()
    {
        var variable = "IDENTITYSYNC_TEST_LDAP_PASSWORD";
        var settings = LdapServer.Settings(Users, OnePerson, ("PasswordVariable", variable));
        settings.Remove("Password");

        var rows = await LdapTestConnections.ReadAsync(settings, "users", "uid");

        Assert.That(rows, Has.Count.EqualTo(1));
    }

    /// <summary>A server that does not answer is skipped for the next one in the list.</summary>
    [Test]
    public async Task Servers_FirstDown_FailsOverToTheNext()
    {
        var settings = LdapServer.Settings(Users, OnePerson, ("Servers", $"ldap://127.0.0.1:1 {LdapServer.Url}"));

        var rows = await LdapTestConnections.ReadAsync(settings, "users", "uid");

        Assert.That(rows.Single()[0], Is.EqualTo("u00007"));
    }

    /// <summary>When no server answers, the message names each one.</summary>
    [Test]
    public void Servers_AllDown_NamesEach()
    {
        var settings = LdapServer.Settings(Users, OnePerson, ("Servers", "ldap://127.0.0.1:1 ldap://127.0.0.1:2"));

        var exception = Assert.ThrowsAsync<ConnectionException>(() => LdapTestConnections.ReadAsync(settings, "users", "uid"));

        Assert.That(exception!.Message, Does.Contain("127.0.0.1:1").And.Contain("127.0.0.1:2"));
    }
}
