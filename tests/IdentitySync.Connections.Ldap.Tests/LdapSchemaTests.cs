namespace IdentitySync.Connections.Ldap.Tests;

/// <summary>Schema definitions as RFC 4512 section 4.1 writes them, from OpenLDAP's core schema and Active Directory's aggregate schema.</summary>
public sealed class LdapSchemaTests
{
    private static readonly string[] s_attributes =
    [
        "( 2.5.4.3 NAME ( 'cn' 'commonName' ) DESC 'RFC4519: common name(s) for which the entity is known by' SUP name )",
        "( 2.5.4.4 NAME ( 'sn' 'surname' ) SUP name )",
        "( 0.9.2342.19200300.100.1.1 NAME ( 'uid' 'userid' ) EQUALITY caseIgnoreMatch )",
        "( 1.2.840.113556.1.4.221 NAME 'sAMAccountName' SYNTAX '1.3.6.1.4.1.1466.115.121.1.15' SINGLE-VALUE )",
        "( 1.2.840.113556.1.2.1 NAME 'instanceType' SYNTAX '1.3.6.1.4.1.1466.115.121.1.27' SINGLE-VALUE NO-USER-MODIFICATION )",
    ];

    private static readonly string[] s_classes =
    [
        "( 2.5.6.0 NAME 'top' DESC 'top of the superclass chain' ABSTRACT MUST objectClass )",
        "( 2.5.6.6 NAME 'person' DESC 'RFC2256: a person' SUP top STRUCTURAL MUST ( sn $ cn ) MAY ( userPassword $ telephoneNumber ) )",
        "( 2.5.6.7 NAME 'organizationalPerson' SUP person STRUCTURAL MAY ( title $ ou ) )",
        "( 2.16.840.1.113730.3.2.2 NAME 'inetOrgPerson' SUP organizationalPerson STRUCTURAL MAY ( uid $ mail ) )",
        // Active Directory's aggregate schema writes names in quotes and requires what the server sets itself.
        "( 2.5.6.0 NAME 'adTop' ABSTRACT MUST (objectClass $ instanceType $ nTSecurityDescriptor $ objectCategory ) )",
        "( 1.2.840.113556.1.5.9 NAME 'user' SUP 'adTop' STRUCTURAL MUST ( 'cn' ) MAY ( sAMAccountName $ userPrincipalName ) )",
    ];

    private static readonly LdapSchema s_schema = LdapSchema.Parse(s_attributes, s_classes);

    [Test]
    public void Defines_KnowsNamesAliasesOptionsAndOids()
    {
        Assert.Multiple(() =>
        {
            Assert.That(s_schema.Defines("commonName") && s_schema.Defines("CN") && s_schema.Defines("userid"), Is.True);
            Assert.That(s_schema.Defines("sn;lang-fr"), Is.True);
            Assert.That(s_schema.Defines("2.5.4.3"), Is.True);
            Assert.That(s_schema.Defines("surnaem"), Is.False);
            Assert.That(s_schema.DefinesClass("inetOrgPerson") && !s_schema.DefinesClass("inetOrgPersn"), Is.True);
        });
    }

    [Test]
    public void MissingMandatory_FollowsSuperclasses_AndAcceptsAliases()
    {
        Assert.Multiple(() =>
        {
            Assert.That(s_schema.MissingMandatory(["inetOrgPerson"], ["commonName", "uid"]), Is.EqualTo(new[] { ("sn", "person") }));
            Assert.That(s_schema.MissingMandatory(["inetOrgPerson"], ["cn", "surname"]), Is.Empty);
        });
    }

    /// <summary>What Active Directory sets on every new object itself is never asked of the rules.</summary>
    [Test]
    public void MissingMandatory_LeavesWhatTheServerSetsToIt()
    {
        Assert.Multiple(() =>
        {
            Assert.That(s_schema.MissingMandatory(["user"], ["cn"]), Is.Empty);
            Assert.That(s_schema.MissingMandatory(["user"], []), Is.EqualTo(new[] { ("cn", "user") }));
        });
    }
}
