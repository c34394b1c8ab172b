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
}
