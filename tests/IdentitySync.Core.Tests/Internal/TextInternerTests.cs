using System.Text;
using IdentitySync.Internal;

namespace IdentitySync.Tests.Internal;

public sealed class TextInternerTests
{
    [Test]
    public void Intern_SameTextAsBytesOrString_GivesOneOrdinal()
    {
        var interner = new TextInterner();
        var longText = "CN=" + new string('é', 400) + ",OU=Users";

        var first = interner.Intern(Encoding.UTF8.GetBytes("CN=Zoë,OU=Users"));
        var again = interner.Intern("CN=Zoë,OU=Users");
        var other = interner.Intern(Encoding.UTF8.GetBytes("cn=zoë,ou=users"));
        var @long = interner.Intern(Encoding.UTF8.GetBytes(longText));

        Assert.Multiple(() =>
        {
            Assert.That((first, again, other, @long), Is.EqualTo((0, 0, 1, 2)));
            Assert.That(interner.Count, Is.EqualTo(3));
            Assert.That(interner[2], Is.EqualTo(longText));
            Assert.That(interner.Intern(Encoding.UTF8.GetBytes(longText)), Is.EqualTo(2));
            Assert.That(interner.Find("CN=Zoë,OU=Users"), Is.Zero);
            Assert.That(interner.Find("nobody"), Is.EqualTo(-1));
        });
    }

    [TestCase(0, 0)]
    [TestCase(1, int.MaxValue)]
    [TestCase(int.MaxValue, 7)]
    public void OrdinalPair_PackThenUnpack_GivesBothOrdinals(int first, int second)
    {
        var packed = OrdinalPair.Pack(first, second);

        Assert.That((OrdinalPair.First(packed), OrdinalPair.Second(packed)), Is.EqualTo((first, second)));
    }

    [Test]
    public void OrdinalPair_Packed_SortsByFirstThenSecond()
    {
        long[] packed = [OrdinalPair.Pack(2, 0), OrdinalPair.Pack(1, int.MaxValue), OrdinalPair.Pack(1, 3)];

        Array.Sort(packed);

        Assert.That(packed.Select(static p => (OrdinalPair.First(p), OrdinalPair.Second(p))), Is.EqualTo(new[] { (1, 3), (1, int.MaxValue), (2, 0) }));
    }
}
