using IdentitySync.Model;

namespace IdentitySync.Tests.Model;

/// <summary>RFC 4514 names: escaping, reading, and comparing as a directory compares them.</summary>
public sealed class DistinguishedNameTests
{
    [TestCase("Smith, Jr.", "Smith\\, Jr.")]
    [TestCase("a+b=c", "a\\+b=c")]
    [TestCase("\"quoted\"", "\\\"quoted\\\"")]
    [TestCase("<tag>;", "\\<tag\\>\\;")]
    [TestCase("back\\slash", "back\\\\slash")]
    [TestCase("#1", "\\#1")]
    [TestCase("in#side", "in#side")]
    [TestCase(" padded ", "\\ padded\\ ")]
    [TestCase("nul\0", "nul\\00")]
    [TestCase("Zoë Çelik 山田", "Zoë Çelik 山田")]
    public void EscapeValue_EscapesWhatRfc4514Requires(string value, string expected) =>
        Assert.That(DistinguishedName.EscapeValue(value), Is.EqualTo(expected));

    /// <summary>Whatever a value holds, escaping it and reading the DN back gives the value.</summary>
    [TestCase("Smith, Jr.")]
    [TestCase(" #lead+trail; ")]
    [TestCase("\\\"<>,;+=")]
    [TestCase("Zoë O'Brien")]
    public void EscapeValue_ReadsBackAsTheValue(string value)
    {
        Assert.That(DistinguishedName.TryParse($"CN={DistinguishedName.EscapeValue(value)},OU=Users,DC=example", out var names, out var error), Is.True, error);

        Assert.That(names![0][0], Is.EqualTo(KeyValuePair.Create("CN", value)));
    }

    [Test]
    public void TryParse_ReadsEachRelativeName_AndMultiValuedOnes()
    {
        Assert.That(DistinguishedName.TryParse("cn=Bob\\2C Smith+uid=bob, ou=People ,dc=example", out var names, out var error), Is.True, error);

        Assert.Multiple(() =>
        {
            Assert.That(names, Has.Count.EqualTo(3));
            Assert.That(names![0], Is.EqualTo(new[] { KeyValuePair.Create("cn", "Bob, Smith"), KeyValuePair.Create("uid", "bob") }));
            Assert.That(names[1], Is.EqualTo(new[] { KeyValuePair.Create("ou", "People") }));
        });
    }

    [Test]
    public void TryParse_DecodesUtf8HexEscapes() =>
        Assert.That(DistinguishedName.TryParse("cn=Zo\\C3\\AB", out var names, out _) ? names[0][0].Value : null, Is.EqualTo("Zoë"));

    [TestCase("Smith, Jr.", "an attribute type and '=' expected")]
    [TestCase("cn=a\\", "escapes nothing")]
    [TestCase("cn=a\\zz", "escapes nothing")]
    [TestCase("cn=\"open", "a quoted value does not end")]
    [TestCase("cn=\\FF\\FE", "its escapes are not UTF-8")]
    [TestCase("=value", "an attribute type and '=' expected at character 1")]
    public void TryParse_NotADn_SaysWhy(string text, string problem)
    {
        Assert.That(DistinguishedName.TryParse(text, out _, out var error), Is.False);

        Assert.That(error, Does.Contain(problem).And.Contain(text));
    }

    [Test]
    public void TryParse_Empty_IsTheRoot() =>
        Assert.That(DistinguishedName.TryParse(string.Empty, out var names, out _) ? names : null, Is.Empty);

    [TestCase("CN=Smith\\, Jr.,OU=Users,DC=example", "cn=smith\\2c jr.,ou=users,dc=example")]
    [TestCase("cn=Smith\\2C Jr., ou=Users, dc=Example", "CN=SMITH\\, JR.,OU=USERS,DC=EXAMPLE")]
    [TestCase("cn=O'Brien \\22Bob\\22", "CN=O'Brien \\\"Bob\\\"")]
    [TestCase("cn=Two  Spaces", "cn=two spaces")]
    [TestCase("uid=b+cn=a,dc=x", "cn=a+uid=b,dc=x")]
    [TestCase("cn=\"Smith, Jr.\"", "cn=Smith\\, Jr.")]
    public void AreEqual_ComparesAsADirectory(string left, string right) =>
        Assert.That(DistinguishedName.AreEqual(left, right), Is.True);

    [TestCase("cn=Smith,ou=Users", "cn=Smith,ou=Admins")]
    [TestCase("cn=Smith\\, Jr.", "cn=Smith Jr.")]
    [TestCase("cn=a,dc=x", "cn=a")]
    public void AreEqual_TellsDifferentNamesApart(string left, string right) =>
        Assert.That(DistinguishedName.AreEqual(left, right), Is.False);

    [Test]
    public void TryCanonicalize_KeepsCase_AndOneSpellingOfEscapes()
    {
        Assert.That(DistinguishedName.TryCanonicalize("CN=Smith\\2C Jr. , OU=Users,DC=Example", out var canonical), Is.True);

        Assert.That(canonical, Is.EqualTo("cn=Smith\\, Jr.,ou=Users,dc=Example"));
    }

    [TestCase("CN=Smith\\, Jr.,OU=Users,DC=example", "CN=Smith\\, Jr.", "OU=Users,DC=example")]
    [TestCase("cn=\"a,b\",dc=x", "cn=\"a,b\"", "dc=x")]
    [TestCase("dc=org", "dc=org", "")]
    public void TrySplit_SeparatesTheFirstRelativeName(string dn, string relative, string parent)
    {
        Assert.That(DistinguishedName.TrySplit(dn, out var r, out var p), Is.True);

        Assert.That((r, p), Is.EqualTo((relative, parent)));
    }
}
