using System.Text;
using IdentitySync.Internal;

namespace IdentitySync.Tests.Internal;

public sealed class TextInternerTests
{
    [Test]
    public void TextInterner_SameText_GivesOneOrdinal()
    {
        var interner = new TextInterner();

        var first = interner.Intern("CN=Zoë,OU=Users");
        var other = interner.Intern("cn=zoë,ou=users");
        var again = interner.Intern(new string("CN=Zoë,OU=Users".AsSpan()));

        Assert.Multiple(() =>
        {
            Assert.That((first, other, again), Is.EqualTo((0, 1, 0)));
            Assert.That(interner.Count, Is.EqualTo(2));
            Assert.That(interner[1], Is.EqualTo("cn=zoë,ou=users"));
            Assert.That(interner.Find("CN=Zoë,OU=Users"), Is.Zero);
            Assert.That(interner.Find("nobody"), Is.EqualTo(-1));
        });
    }

    [Test]
    public void Utf8Interner_SameBytes_GiveOneOrdinalAndTheirText()
    {
        var interner = new Utf8Interner();
        var longText = "CN=" + new string('é', 40_000) + ",OU=Users";

        var first = interner.Intern(Encoding.UTF8.GetBytes("CN=Zoë,OU=Users"));
        var other = interner.Intern(Encoding.UTF8.GetBytes("cn=zoë,ou=users"));
        var @long = interner.Intern(Encoding.UTF8.GetBytes(longText));
        var again = interner.Intern(Encoding.UTF8.GetBytes("CN=Zoë,OU=Users"));

        Assert.Multiple(() =>
        {
            Assert.That((first, other, @long, again), Is.EqualTo((0, 1, 2, 0)));
            Assert.That(interner.Count, Is.EqualTo(3));
            Assert.That(interner[0], Is.EqualTo("CN=Zoë,OU=Users"));
            Assert.That(interner[2], Is.EqualTo(longText));
            Assert.That(interner.Intern(Encoding.UTF8.GetBytes(longText)), Is.EqualTo(2));
        });
    }

    [Test]
    public void Utf8Interner_DifferentTextsWithOneHash_StayDifferent()
    {
        var interner = new Utf8Interner(static _ => 7);

        var ordinals = new[] { "a", "b", "a", "c", "b" }.Select(t => interner.Intern(Encoding.UTF8.GetBytes(t))).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(ordinals, Is.EqualTo(new[] { 0, 1, 0, 2, 1 }));
            Assert.That(Enumerable.Range(0, interner.Count).Select(i => interner[i]), Is.EqualTo(new[] { "a", "b", "c" }));
        });
    }

    /// <summary>
    /// Enough texts to double the slots several times, hashed for real, hashed into one slot with different high halves,
    /// into different slots with one high half, and all alike: each keeps its ordinal through every growth.
    /// </summary>
    [TestCase("real", 100_000)]
    [TestCase("same slot", 3_000)]
    [TestCase("same high half", 3_000)]
    [TestCase("same hash", 1_500)]
    public void Utf8Interner_ManyTexts_EachKeepsItsOrdinalThroughEveryGrowth(string hashing, int count)
    {
        var interner = hashing switch
        {
            "real" => new Utf8Interner(),
            "same slot" => new Utf8Interner(static bytes => System.IO.Hashing.XxHash3.HashToUInt64(bytes) & 0xFFFF_FFFF_0000_0000),
            "same high half" => new Utf8Interner(static bytes => System.IO.Hashing.XxHash3.HashToUInt64(bytes) & 0x0000_0000_FFFF_FFFF),
            _ => new Utf8Interner(static _ => 42),
        };
        var texts = Enumerable.Range(0, count).Select(static i => $"CN=G{i:00000},OU=Groups").ToArray();

        var first = texts.Select(t => interner.Intern(Encoding.UTF8.GetBytes(t))).ToArray();
        var again = texts.Reverse().Select(t => interner.Intern(Encoding.UTF8.GetBytes(t))).Reverse().ToArray();

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo(Enumerable.Range(0, count)));
            Assert.That(again, Is.EqualTo(first));
            Assert.That(interner.Count, Is.EqualTo(count));
            Assert.That(interner[count - 1], Is.EqualTo(texts[^1]));
            Assert.That(interner.Intern(Encoding.UTF8.GetBytes("CN=G00000,OU=Group")), Is.EqualTo(count), "a prefix of a text is another text");
        });
    }

    [Test]
    public void Utf8Interner_IndexOf_FindsWhatWasInternedAndAddsNothing()
    {
        var interner = new Utf8Interner(static bytes => bytes.Length > 3 ? 7UL : 8UL);
        interner.Intern("CN=a"u8);
        interner.Intern("CN=b"u8);

        Assert.Multiple(() =>
        {
            Assert.That((interner.IndexOf("CN=b"u8), interner.IndexOf("CN=a"u8)), Is.EqualTo((1, 0)));
            Assert.That((interner.IndexOf("CN=c"u8), interner.IndexOf("CN="u8)), Is.EqualTo((-1, -1)), "same hash, other text; another hash");
            Assert.That(interner.Count, Is.EqualTo(2));
            Assert.That(interner.Intern("CN=c"u8), Is.EqualTo(2));
        });
    }

    [Test]
    public void Utf8Interner_Repeated_FindsOnlyTheTextInternedLast_WithTheOrdinalInternGave()
    {
        var interner = new Utf8Interner(static _ => 7);
        byte[] a = Encoding.UTF8.GetBytes("CN=a"), b = Encoding.UTF8.GetBytes("CN=b"), prefix = Encoding.UTF8.GetBytes("CN=");

        var none = interner.Repeated(a);
        interner.Intern(a);
        interner.Intern(b);
        var afterB = (interner.Repeated(a), interner.Repeated(b), interner.Repeated(prefix));
        var againA = interner.Intern(a);
        var afterA = (interner.Repeated(a), interner.Repeated(b));
        var repeatedA = interner.Intern(a);

        Assert.Multiple(() =>
        {
            Assert.That(none, Is.EqualTo(-1), "nothing interned yet");
            Assert.That(afterB, Is.EqualTo((-1, 1, -1)));
            Assert.That((againA, afterA, repeatedA), Is.EqualTo((0, (0, -1), 0)), "a text interned again is the last one");
            Assert.That(interner.Count, Is.EqualTo(2));
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

    /// <summary>
    /// Room made ahead (a run sized from an export's estimate, decision 122) keeps the ordinals already given and finds
    /// every text after: the slots are placed again once, with texts whose hashes collide told apart by their bytes.
    /// </summary>
    [TestCase(false)]
    [TestCase(true)]
    public void Utf8Interner_RoomMadeAhead_KeepsOrdinalsAndFindsEveryText(bool colliding)
    {
        var interner = colliding ? new Utf8Interner(static bytes => (ulong)(bytes.Length % 3)) : new Utf8Interner();
        var texts = Enumerable.Range(0, 3_000).Select(static i => Encoding.UTF8.GetBytes($"u{i:0000}é")).ToList();
        var before = texts.Take(100).Select(t => interner.Intern(t)).ToList();

        interner.EnsureCapacity(3_000);
        var after = texts.Select(t => interner.Intern(t)).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(before, Is.EqualTo(Enumerable.Range(0, 100)));
            Assert.That(after, Is.EqualTo(Enumerable.Range(0, 3_000)), "the first hundred keep theirs, the rest follow");
            Assert.That(interner.IndexOf(Encoding.UTF8.GetBytes("u2999é")), Is.EqualTo(2_999));
            Assert.That(interner.IndexOf(Encoding.UTF8.GetBytes("nobody")), Is.EqualTo(-1));
            Assert.That(interner[1_234], Is.EqualTo("u1234é"));
        });
    }

    [Test]
    public void TextInterner_RoomMadeAhead_KeepsOrdinals()
    {
        var interner = new TextInterner();
        interner.Intern("a");
        interner.Intern("b");

        interner.EnsureCapacity(10_000);

        Assert.Multiple(() =>
        {
            Assert.That((interner.Find("a"), interner.Find("b"), interner.Intern("c")), Is.EqualTo((0, 1, 2)));
            Assert.That(interner.Count, Is.EqualTo(3));
        });
    }
}
