using IdentitySync.Internal;

namespace IdentitySync.Tests.Internal;

/// <summary>
/// One item or several in a dictionary's value (an owner's accounts of a type, the owners of a correlation value):
/// none, one kept without a list, or several, each once and in the order added; a default item still counts.
/// </summary>
public sealed class OneOrMoreTests
{
    [Test]
    public void Add_OneOrSeveral_AreCountedAndWalkedInOrder()
    {
        var byKey = new Dictionary<long, OneOrMore<string>>();
        OneOrMore<string>.Add(byKey, 1, "a10");
        foreach (var item in (string[])["a20", "a21", "a22"])
        {
            OneOrMore<string>.Add(byKey, 2, item);
        }

        var numbers = new Dictionary<string, OneOrMore<long>>();
        OneOrMore<long>.Add(numbers, "zero", 0);

        Assert.Multiple(() =>
        {
            Assert.That(byKey[1].Count, Is.EqualTo(1));
            Assert.That(Items(byKey[1]), Is.EqualTo(new[] { "a10" }));
            Assert.That(byKey[2].Count, Is.EqualTo(3));
            Assert.That(Items(byKey[2]), Is.EqualTo(new[] { "a20", "a21", "a22" }), "the first, then the others");
            Assert.That(byKey.GetValueOrDefault(3).Count, Is.Zero, "a key never added to");
            Assert.That(Items(byKey.GetValueOrDefault(3)), Is.Empty);
            Assert.That(numbers["zero"].Count, Is.EqualTo(1), "a default item is an item");
            Assert.That(Items(numbers["zero"]), Is.EqualTo(new[] { 0L }));
        });
    }

    private static List<T> Items<T>(OneOrMore<T> items)
    {
        var list = new List<T>();
        foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
