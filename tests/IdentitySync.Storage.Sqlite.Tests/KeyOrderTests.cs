using IdentitySync.ChangeSets;

namespace IdentitySync.Storage.Sqlite.Tests;

public sealed class KeyOrderTests
{
    [Test]
    public void InKeyOrder_IsTheOrdinalOrder_ForKeysThatShareLongPrefixesOrDifferOnlyAfterEightCharacters()
    {
        string[] keys =
        [
            "CN=u0000010,OU=Users", "CN=u0000002,OU=Users", "CN=u00000021", "CN=u0000002", "CN=u0000002\0",
            "CN=u0000002\0\u0001", "CN=u\uFFFF", "CN=u\uD83D\uDE00", "CN=u", "CN=u00000020000000000000b", "CN=u00000020000000000000a",
            "CN=U0000002", "cn=u0000002",
        ];
        var random = new Random(7);
        var generated = Enumerable.Range(0, 5_000).Select(_ => "CN=u" + new string([.. Enumerable.Range(0, random.Next(0, 12)).Select(_ => (char)random.Next(0x2F, 0x3B))]));
        var resources = keys.Concat(generated).Distinct(StringComparer.Ordinal).Select(static k => new ResourceChange(k, 0, [], [], 0)).ToList();

        var ordered = SqliteChangeSetWriter.InKeyOrder(resources).Select(static r => r.Key).ToList();

        Assert.That(ordered, Is.EqualTo(resources.Select(static r => r.Key).Order(StringComparer.Ordinal).ToList()));
    }

    [Test]
    public void InKeyOrder_OfNoneOrOne_GivesThemBack()
    {
        Assert.Multiple(() =>
        {
            Assert.That(SqliteChangeSetWriter.InKeyOrder([]), Is.Empty);
            Assert.That(SqliteChangeSetWriter.InKeyOrder([new ResourceChange("", 0, [], [], 0)]).Single().Key, Is.Empty);
        });
    }
}
