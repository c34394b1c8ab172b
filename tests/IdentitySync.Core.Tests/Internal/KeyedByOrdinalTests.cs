using IdentitySync.Internal;

namespace IdentitySync.Tests.Internal;

public sealed class KeyedByOrdinalTests
{
    [Test]
    public void TwoMapsOnOneInterner_ShareSlotsAndKeepTheirOwnOrder()
    {
        var keys = new TextInterner();
        var stored = new KeyedByOrdinal<string>(keys);
        var rows = new KeyedByOrdinal<string>(keys);
        foreach (var key in new[] { "c", "a", "b" })
        {
            stored.Set(keys.Intern(key), "stored " + key);
        }

        rows.Set(keys.Intern("d"), "row d");
        rows.Set(keys.Intern("a"), "row a");
        rows.Set(keys.Intern("d"), "row d again");

        Assert.Multiple(() =>
        {
            Assert.That(stored.Values, Is.EqualTo(new[] { "stored c", "stored a", "stored b" }));
            Assert.That(rows.Entries, Is.EqualTo(new[] { (keys.Find("d"), "row d again"), (keys.Find("a"), "row a") }), "set again keeps its first place");
            Assert.That((stored.Count, rows.Count), Is.EqualTo((3, 2)));
            Assert.That(stored[keys.Find("d")], Is.Null, "a slot of the other map");
            Assert.That(rows[keys.Find("a")], Is.EqualTo("row a"));
            Assert.That((rows[-1], rows[1000]), Is.EqualTo(((string?)null, (string?)null)), "unknown ordinals");
        });
    }

    [Test]
    public void Clear_ForgetsEveryItem()
    {
        var keys = new TextInterner();
        var map = new KeyedByOrdinal<string>(keys);
        map.Set(keys.Intern("a"), "x");

        map.Clear();

        Assert.Multiple(() =>
        {
            Assert.That(map.Count, Is.Zero);
            Assert.That(map.Values, Is.Empty);
            Assert.That(map[keys.Find("a")], Is.Null);
        });
    }

    [Test]
    public void RoomMadeAhead_KeepsItemsAndTheirOrder_AndGrowsPastIt()
    {
        var keys = new TextInterner();
        var rows = new KeyedByOrdinal<string>(keys);
        rows.Set(keys.Intern("b"), "row b");

        rows.EnsureCapacity(4);
        foreach (var key in new[] { "a", "c", "d", "e", "f" })
        {
            rows.Set(keys.Intern(key), "row " + key);
        }

        Assert.Multiple(() =>
        {
            Assert.That(rows.Values, Is.EqualTo(new[] { "row b", "row a", "row c", "row d", "row e", "row f" }));
            Assert.That(rows[keys.Find("f")], Is.EqualTo("row f"), "past the room made");
            Assert.That(rows[keys.Find("b")], Is.EqualTo("row b"));
        });
    }
}
