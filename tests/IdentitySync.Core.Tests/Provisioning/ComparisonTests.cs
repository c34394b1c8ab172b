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

    /// <summary>Scalars compare by their texts, arrays as sets of texts, and an empty text is no value, in either form.</summary>
    [Test]
    public void Same_ScalarsEmptiesAndArrays_CompareAsSetsOfNonEmptyTexts()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RuleValues.Same(null, string.Empty, ComparisonType.CaseSensitive), Is.True, "no value and an empty text");
            Assert.That(RuleValues.Same(null, "x", ComparisonType.CaseSensitive), Is.False);
            Assert.That(RuleValues.Same(string.Empty, "x", ComparisonType.CaseSensitive), Is.False);
            Assert.That(RuleValues.Same("x", null, ComparisonType.IgnoreCase), Is.False);
            Assert.That(RuleValues.Same("Dupont", "DUPONT", ComparisonType.CaseSensitive), Is.False);
            Assert.That(RuleValues.Same("Dupont", "DUPONT", ComparisonType.IgnoreCase), Is.True);
            Assert.That(RuleValues.Same(42, "42", ComparisonType.CaseSensitive), Is.True, "a number compares by its text");
            Assert.That(RuleValues.Same(true, "true", ComparisonType.CaseSensitive), Is.True);
            Assert.That(RuleValues.Same(new object[] { "a" }, "a", ComparisonType.CaseSensitive), Is.True, "one item and its scalar");
            Assert.That(RuleValues.Same(new object[] { "a", "b" }, new object[] { "B", "a", "a" }, ComparisonType.IgnoreCase), Is.True, "as sets");
            Assert.That(RuleValues.Same(new object[] { string.Empty }, null, ComparisonType.CaseSensitive), Is.True, "an empty item is no value");
            Assert.That(RuleValues.Same(new object[] { "a", "b" }, "a", ComparisonType.CaseSensitive), Is.False);
        });
    }
}
