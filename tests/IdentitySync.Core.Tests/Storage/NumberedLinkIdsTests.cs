using IdentitySync.Storage;

namespace IdentitySync.Tests.Storage;

/// <summary>A writer's ids of numbered link ends: one array per key list (by instance) and entity type, grown with the list, forgotten at once.</summary>
public sealed class NumberedLinkIdsTests
{
    [Test]
    public void Of_IsOneArrayPerListAndType_GrownWithTheList_AndForgetDropsThem()
    {
        var ids = new NumberedLinkIds();
        List<string> users = ["u1", "u2"];
        List<string> sameKeys = ["u1", "u2"];

        var first = ids.Of(users, 1);
        first[1] = 42;
        var again = ids.Of(users, 1);
        var otherType = ids.Of(users, 2);
        var otherList = ids.Of(sameKeys, 1);
        users.Add("u3");
        var grown = ids.Of(users, 1);
        ids.Forget();
        var forgotten = ids.Of(users, 1);

        Assert.Multiple(() =>
        {
            Assert.That(again, Is.SameAs(first), "the same list and type: the same ids");
            Assert.That(otherType, Is.Not.SameAs(first), "another entity type");
            Assert.That(otherList, Is.Not.SameAs(first), "another list with the same keys: lists are told apart by instance");
            Assert.That(grown, Is.EqualTo(new long[] { 0, 42, 0 }), "a list that grew keeps the ids resolved");
            Assert.That(forgotten, Is.EqualTo(new long[] { 0, 0, 0 }), "forgotten: nothing resolved");
        });
    }
}
