using IdentitySync.ChangeSets;
using IdentitySync.Internal;

namespace IdentitySync.Tests.Synchronization;

public sealed class PackedLinkListTests
{
    [Test]
    public void Links_AreNamedByTheirKeys_ByIndexAndInOrder()
    {
        var groups = new TextInterner();
        var users = new TextInterner();
        List<long> packed = [OrdinalPair.Pack(groups.Intern("g1"), users.Intern("u1")), OrdinalPair.Pack(groups.Intern("g2"), users.Intern("u2")), OrdinalPair.Pack(groups.Intern("g1"), users.Intern("u2"))];

        var links = new PackedLinkList(packed, groups, users);

        Assert.Multiple(() =>
        {
            Assert.That(links, Has.Count.EqualTo(3));
            Assert.That(links[2], Is.EqualTo(new LinkChange("g1", "u2")));
            Assert.That(links.ToList(), Is.EqualTo(new[] { new LinkChange("g1", "u1"), new LinkChange("g2", "u2"), new LinkChange("g1", "u2") }));
        });
    }

    [Test]
    public void Chunk_GivesNumberedSlicesOverTheSameKeys_AndAnIndexPastTheEndIsRefused()
    {
        var groups = new TextInterner();
        var users = new TextInterner();
        List<long> packed = [.. new[] { ("g1", "u1"), ("g2", "u2"), ("g1", "u2") }.Select(l => OrdinalPair.Pack(groups.Intern(l.Item1), users.Intern(l.Item2)))];

        var chunks = new PackedLinkList(packed, groups, users).Chunk(2).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(chunks.Select(static c => c.Count), Is.EqualTo(new[] { 2, 1 }));
            Assert.That(chunks[1][0], Is.EqualTo(new LinkChange("g1", "u2")), "the second chunk starts at the third link");
            Assert.That(chunks[1].FirstKeys[chunks[1].FirstOrdinal(0)], Is.EqualTo("g1"));
            Assert.That(chunks[1].SecondKeys[chunks[1].SecondOrdinal(0)], Is.EqualTo("u2"));
            Assert.That(chunks[0].FirstKeys, Is.SameAs(chunks[1].FirstKeys), "every chunk reads the same key list");
            Assert.That(chunks[0].ToList(), Is.EqualTo(new[] { new LinkChange("g1", "u1"), new LinkChange("g2", "u2") }));
            Assert.That(() => chunks[1][1], Throws.InstanceOf<ArgumentOutOfRangeException>(), "past the chunk's end, not into the next chunk's links");
        });
    }
}
