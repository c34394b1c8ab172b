using IdentitySync.Model;
using IdentitySync.Provisioning;

namespace IdentitySync.Tests.Provisioning;

/// <summary>How a computed value is compared with the managed system's, per comparison type.</summary>
public sealed class ComparisonTests
{
    [TestCase("CN=Smith\\, Jr.,OU=Users,DC=example", "cn=smith\\2C jr., ou=users, dc=example", ComparisonType.DistinguishedName, true)]
    [TestCase("CN=Smith\\, Jr.,OU=Users,DC=example", "cn=smith\\2C jr., ou=users, dc=example", ComparisonType.IgnoreCase, false)]
    [TestCase("CN=Smith,OU=Users", "CN=Smith,OU=Admins", ComparisonType.DistinguishedName, false)]
    [TestCase("not a dn", "NOT A DN", ComparisonType.DistinguishedName, true)]
    [TestCase("Zoë", "zoe", ComparisonType.IgnoreDiacritics, true)]
    [TestCase("Zoë", "zoe", ComparisonType.IgnoreCase, false)]
    public void Same_ComparesAsTheTypeSays(string computed, string actual, ComparisonType comparison, bool same) =>
        Assert.That(RuleValues.Same(computed, actual, comparison), Is.EqualTo(same));
}
