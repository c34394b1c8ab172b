using System.Diagnostics;

namespace IdentitySync.Connections.Ldap.Tests;

/// <summary>Exports of the seeded directory (build/slapd.sh): paging, memberships, names that need escapes, many values.</summary>
public sealed class LdapExportTests
{
    private static string People => $"ou=people,{LdapServer.Base}";

    private static string Groups => $"ou=groups,{LdapServer.Base}";

    /// <summary>The sentinel: a missing or stopped directory fails here, by name, wherever build/test.sh runs.</summary>
    [Test]
    public void Server_IsReachable_AndHoldsTheSeed()
    {
        using var connection = LdapServer.Connect();

        var people = LdapServer.Read(connection, People, "(objectClass=inetOrgPerson)", "uid");

        Assert.That(people, Has.Count.EqualTo(LdapServer.Users));
    }

    /// <summary>Every user comes through pages of 1,000, once each, with the DN as the server spells it.</summary>
    [Test]
    public async Task Export_Users_StreamsEveryEntryThroughPages()
    {
        var settings = LdapServer.Settings(("users.BaseDn", People), ("users.Filter", "(objectClass=inetOrgPerson)"), ("PageSize", "1000"));

        var rows = await LdapTestConnections.ReadAsync(settings, "users", "dn", "uid", "cn", "employeeNumber");

        Assert.Multiple(() =>
        {
            Assert.That(rows, Has.Count.EqualTo(LdapServer.Users));
            Assert.That(rows.Select(static r => r[1]), Is.Unique);
            Assert.That(rows.Single(static r => r[3] == "291")[2], Is.EqualTo("Ærøskøbing + Søn 00291"));
            Assert.That(rows.Single(static r => r[3] == "388")[2], Is.EqualTo("#1 Léa <x> 00388"));
            var smith = rows.Single(static r => r[3] == "582");
            Assert.That(Model.DistinguishedName.AreEqual(smith[0], $"CN=Smith\\, Jr. 00582, OU=People,{LdapServer.Base}"), Is.True, smith[0]);
            var quoted = rows.Single(static r => r[3] == "194");
            Assert.That(quoted[2], Is.EqualTo("O'Brien \"Bob\" 00194"));
            Assert.That(Model.DistinguishedName.AreEqual(quoted[0], $"cn=O'Brien \\\"Bob\\\" 00194,{People}"), Is.True, quoted[0]);
        });
    }

    /// <summary>An expanded attribute gives one row per value: the big group's 6,000 members, each a DN.</summary>
    [Test]
    public async Task Discover_ListsEachConfiguredTable_WithTheAttributesItsEntriesHave()
    {
        var settings = LdapServer.Settings(("users.BaseDn", People), ("users.Filter", "(objectClass=inetOrgPerson)"), ("groups.BaseDn", Groups), ("groups.Filter", "(objectClass=groupOfNames)"));

        var tables = await LdapTestConnections.Package.DiscoverAsync(LdapTestConnections.Connection(settings), LdapTestConnections.Context(), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(tables!.Select(static t => t.Name), Is.EqualTo(new[] { "groups", "users" }));
            Assert.That(tables![1].Columns, Does.Contain("dn").And.Contain("uid").And.Contain("employeenumber").And.Not.Contain("member"), "names as the directory returns them, lower-cased");
            Assert.That(tables![0].Columns, Does.Contain("member").And.Contain("cn"));
            Assert.That(tables![1].Source, Does.EndWith(People));
        });
    }

    [Test]
    public async Task Export_ExpandedMembers_GivesOneRowPerValue()
    {
        var settings = LdapServer.Settings(("members.BaseDn", Groups), ("members.Filter", "(objectClass=groupOfNames)"), ("members.Expand", "member"));

        var rows = await LdapTestConnections.ReadAsync(settings, "members", "dn", "member");

        var big = rows.Where(static r => r[0].StartsWith("cn=All staff", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(big, Has.Count.EqualTo(LdapServer.BigGroupMembers));
            Assert.That(big.Select(static r => r[1]), Is.Unique);
            Assert.That(rows, Has.Count.EqualTo(LdapServer.Users + LdapServer.BigGroupMembers), "every user is in one of the 100 groups, and the first 6,000 in the big one too");
        });
    }

    /// <summary>Several values in one field are sorted and joined with the separator.</summary>
    [Test]
    public async Task Export_MultiValuedAttribute_JoinsSortedValues()
    {
        var settings = LdapServer.Settings(("users.BaseDn", People), ("users.Filter", "(employeeNumber=5)"), ("ValueSeparator", " | "));

        var rows = await LdapTestConnections.ReadAsync(settings, "users", "memberOf");

        Assert.That(rows.Single()[0], Is.EqualTo($"cn=All staff\\, big,{Groups} | cn=group-005,{Groups}"));
    }

    /// <summary>A search base that does not exist is an error naming the table and the base.</summary>
    [Test]
    public void Export_MissingBase_NamesTableAndBase()
    {
        var settings = LdapServer.Settings(("users.BaseDn", $"ou=nowhere,{LdapServer.Base}"));

        var exception = Assert.ThrowsAsync<ConnectionException>(() => LdapTestConnections.ReadAsync(settings, "users", "dn"));

        Assert.That(exception!.Message, Does.Contain("'users'").And.Contain("ou=nowhere"));
    }

    /// <summary>The export of 10,000 entries is timed against ldapsearch in the scenario runner; here only a sanity check that ldapsearch agrees on the count.</summary>
    [Test]
    public async Task Export_Users_AgreesWithLdapsearchOnTheCount()
    {
        var start = new ProcessStartInfo("ldapsearch")
        {
            ArgumentList = { "-x", "-LLL", "-H", LdapServer.Url, "-D", LdapServer.BindDn, "-w", LdapServer.Password, "-b", People, "-E", "pr=1000/noprompt", "(objectClass=inetOrgPerson)", "1.1" },
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var settings = LdapServer.Settings(("users.BaseDn", People), ("users.Filter", "(objectClass=inetOrgPerson)"));

        var rows = await LdapTestConnections.ReadAsync(settings, "users", "dn");

        Assert.That(rows, Has.Count.EqualTo(output.Split('\n').Count(static l => l.StartsWith("dn:", StringComparison.Ordinal))));
    }
}
