using IdentitySync.Configuration;

namespace IdentitySync.Connections.Ldap.Tests;

/// <summary>Settings are checked at validate, each problem naming the setting and what is allowed.</summary>
public sealed class LdapSettingsTests
{
    private static readonly Dictionary<string, string> s_valid = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Servers"] = "ldaps://dc1.example.org ldaps://dc2.example.org:3269",
        ["BindDn"] = "CN=svc-sync,OU=Service,DC=example,DC=org",
        ["PasswordVariable"] = "LDAP_TEST_PASSWORD",
        ["users.BaseDn"] = "OU=Users,DC=example,DC=org",
        ["users.Filter"] = "(&(objectClass=user)(!(isCriticalSystemObject=TRUE)))",
        ["users.Column.guid"] = "objectGUID",
        ["members.BaseDn"] = "OU=Groups,DC=example,DC=org",
        ["members.Expand"] = "member",
    };

    [Test]
    public void Valid_ReadsEveryTableAndDefault()
    {
        var settings = Read(s_valid, out var errors);

        Assert.Multiple(() =>
        {
            Assert.That(errors, Is.Empty);
            Assert.That(settings!.Security, Is.EqualTo(LdapSecurity.Ldaps), "ldaps:// servers default to LDAPS");
            Assert.That(settings.Servers.Select(static s => s.Port), Is.EqualTo(new[] { 636, 3269 }));
            Assert.That(settings.Password, Is.EqualTo("from-the-environment"));
            Assert.That(settings.PageSize, Is.EqualTo(1000));
            Assert.That(settings.Tables.Keys, Is.EquivalentTo(new[] { "users", "members" }));
            Assert.That(settings.Tables["USERS"].AttributeOf("guid"), Is.EqualTo("objectGUID"));
            Assert.That(settings.Tables["users"].AttributeOf("sAMAccountName"), Is.EqualTo("sAMAccountName"));
            Assert.That(settings.Tables["members"].Expand, Is.EqualTo("member"));
            Assert.That(settings.IsBinary("objectGUID") && settings.IsBinary("userCertificate;binary") && !settings.IsBinary("cn"), Is.True);
        });
    }

    [TestCase("Servers", "dc1.example.org", "Servers: 'dc1.example.org' is not a server; give ldap://host:port or ldaps://host:port")]
    [TestCase("Servers", "ldap://a ldaps://b", "Servers: mixes ldap:// and ldaps://; give all servers with the same scheme")]
    [TestCase("Security", "Tls", "Security: 'Tls' is not allowed; give Ldaps, StartTls or None")]
    [TestCase("Security", "StartTls", "Security: StartTls does not fit ldaps:// servers; leave it out or give Ldaps")]
    [TestCase("PageSize", "0", "PageSize: '0' is not allowed; give a whole number from 1 to 100000")]
    [TestCase("Timeout", "soon", "Timeout: 'soon' is not allowed; give a whole number from 1 to 86400")]
    [TestCase("Referrals", "Chase", "Referrals: 'Chase' is not allowed; give Ignore or Follow")]
    [TestCase("BindDn", "svc-sync", "BindDn: 'svc-sync' is not a distinguished name: an attribute type and '=' expected at character 9")]
    [TestCase("users.Scope", "Tree", "users.Scope: 'Tree' is not allowed; give Subtree, OneLevel or Base")]
    [TestCase("users.Filter", "objectClass=user", "users.Filter: 'objectClass=user' is not a search filter; write it in parentheses as RFC 4515 does, such as (&(objectClass=user)(!(isCriticalSystemObject=TRUE)))")]
    [TestCase("users.Expand", "member of", "users.Expand: 'member of' is not an attribute name")]
    [TestCase("users.OnDelete", "Remove", "users.OnDelete: 'Remove' is not allowed; give Delete, Move or Disable")]
    [TestCase("users.DisableWith", "userAccountControl:3", "users.DisableWith: 'userAccountControl:3' is not allowed; give attribute:bit (a power of two, such as userAccountControl:2) or attribute=value (such as employeeType=Disabled)")]
    [TestCase("users.OnDelete", "Move", "users.MoveTo: required with OnDelete Move; give the container, such as OU=Disabled,DC=example,DC=org")]
    [TestCase("users.InitialPassword", "Welcome1", "users.InitialPassword: 'Welcome1' is not allowed; give Generate (a password from the rules is not supported: it would be stored with the order)")]
    [TestCase("users.PasswordAttribute", "pwd", "users.PasswordAttribute: 'pwd' is not allowed; give unicodePwd (Active Directory) or userPassword")]
    [TestCase("users.Sort", "cn", "users.Sort: unknown table setting; a table reads BaseDn, DeletedFilter, DisableWith, Expand, Filter, InitialPassword, MoveTo, ObjectClasses, OnDelete, PasswordAttribute, Scope and Column.<column>")]
    [TestCase("users.Fliter", "(cn=*)", "users.Fliter: unknown table setting; did you mean Filter?")]
    [TestCase("PageSzie", "10", "PageSzie: unknown setting; did you mean PageSize?")]
    [TestCase("Frobnicate", "10", "Frobnicate: unknown setting; the LDAP package reads Servers, Security, TrustedCertificatesDirectory, BindDn, Password, PasswordVariable, PageSize, Timeout, Referrals, BinaryAttributes, ValueSeparator, ChangeTracking and <table>.<setting> (see docs/connections/ldap.md)")]
    public void Invalid_NamesTheSettingAndWhatIsAllowed(string name, string value, string expected)
    {
        var settings = new Dictionary<string, string>(s_valid, StringComparer.OrdinalIgnoreCase) { [name] = value };

        Read(settings, out var errors);

        Assert.That(errors, Is.EqualTo(new[] { expected }));
    }

    [Test]
    public void Password_FromAMissingVariable_IsReported()
    {
        var settings = new Dictionary<string, string>(s_valid, StringComparer.OrdinalIgnoreCase) { ["PasswordVariable"] = "NOT_SET_ANYWHERE" };

        Read(settings, out var errors);

        Assert.That(errors, Is.EqualTo(new[] { "PasswordVariable: the environment variable 'NOT_SET_ANYWHERE' is not set; set it to the bind password" }));
    }

    [Test]
    public void Password_BothInlineAndVariable_IsReported()
    {
        var settings = new Dictionary<string, string>(s_valid, StringComparer.OrdinalIgnoreCase) { ["Password"] = "x" };

        Read(settings, out var errors);

        Assert.That(errors, Is.EqualTo(new[] { "Password: give Password or PasswordVariable, not both" }));
    }

    [Test]
    public void NoTable_IsReported()
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Servers"] = "ldap://dc1", ["Security"] = "None" };

        Read(settings, out var errors);

        Assert.That(errors, Has.One.StartsWith("<table>.BaseDn: no table is configured"));
    }

    /// <summary>The settings' text, as a log or a debugger shows it, never holds the password.</summary>
    [Test]
    public void ToString_MasksThePassword()
    {
        var settings = Read(s_valid, out _)!;

        Assert.That(settings.ToString(), Does.Not.Contain("from-the-environment").And.Contain("Password = ***"));
    }

    private static LdapConnectionSettings? Read(Dictionary<string, string> settings, out IReadOnlyList<string> errors)
    {
        var model = new IdentityModelBuilder().AddConnector("AD", c => c.AddConnection("Ldap", LdapConnectionPackage.PackageId, settings)).Build();
        return LdapConnectionSettings.TryRead(model.GetConnector("AD").Connections[0], out errors, static name => name == "LDAP_TEST_PASSWORD" ? "from-the-environment" : null);
    }

    /// <summary>Active Directory's ACCOUNTDISABLE is bit 2 of userAccountControl (MS-ADTS 2.2.16): 512, a normal account, becomes 514.</summary>
    [TestCase("512", 2, "514")]
    [TestCase("514", 2, "514")]
    [TestCase("-2147483136", 2, "-2147483134")]
    [TestCase("", 2, null)]
    [TestCase("enabled", 2, null)]
    public void DisabledFlags_SetsTheBit(string current, long flag, string? expected) =>
        Assert.That(LdapFulfillConnection.DisabledFlags(current, flag), Is.EqualTo(expected));
}
