namespace IdentitySync.Connections.Ldap.Tests;

/// <summary>RFC 4515 section 3: the characters a filter's assertion value must escape.</summary>
public sealed class LdapFilterTests
{
    [TestCase("plain", "plain")]
    [TestCase("a*b", "a\\2ab")]
    [TestCase("(admin)", "\\28admin\\29")]
    [TestCase("back\\slash", "back\\5cslash")]
    [TestCase("nul\0", "nul\\00")]
    [TestCase("Zoë, O'Brien", "Zoë, O'Brien")]
    public void EscapeValue_EscapesFilterSpecials(string value, string expected) =>
        Assert.That(LdapFilter.EscapeValue(value), Is.EqualTo(expected));

    /// <summary>An objectGUID is searched byte by byte (MS-DTYP 2.3.4.2: the first three fields little-endian).</summary>
    [Test]
    public void EscapeBytes_EscapesEveryByteOfAGuid()
    {
        var guid = new Guid("00112233-4455-6677-8899-aabbccddeeff");

        Assert.That(LdapFilter.EscapeBytes(guid.ToByteArray()), Is.EqualTo("\\33\\22\\11\\00\\55\\44\\77\\66\\88\\99\\aa\\bb\\cc\\dd\\ee\\ff"));
    }
}
