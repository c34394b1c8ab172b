using System.Text;

namespace IdentitySync.Connections.Ldap.Tests;

/// <summary>
/// Ranged retrieval as Active Directory answers it, which slapd cannot serve. Each response shape
/// reproduces MS-ADTS section 3.1.1.3.1.3.3 ("Range Retrieval of Attribute Values"): past MaxValRange
/// (1,500 values by default) the server returns the attribute as <c>member;range=0-1499</c>, the client
/// asks again for <c>member;range=1500-*</c>, and the last chunk's range ends with <c>*</c>.
/// </summary>
public sealed class RangedValuesTests
{
    private const string Group = "CN=All Staff,OU=Groups,DC=example,DC=org";

    [Test]
    public async Task ThreeChunks_AreJoinedUnderThePlainName()
    {
        var entry = Entry(("member;range=0-1499", Members(0, 1500)), ("cn", ["All Staff"]));
        var asked = new List<string>();

        await RangedValues.CompleteAsync(entry, (dn, attribute, _) =>
        {
            asked.Add(attribute);
            return Task.FromResult<LdapEntry?>(attribute switch
            {
                "member;range=1500-*" => Entry(("member;range=1500-2999", Members(1500, 1500))),
                "member;range=3000-*" => Entry(("member;range=3000-*", Members(3000, 700))),
                _ => throw new AssertionException($"unexpected request {attribute}"),
            });
        }, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(asked, Is.EqualTo(new[] { "member;range=1500-*", "member;range=3000-*" }));
            Assert.That(entry.Attributes.Keys, Is.EquivalentTo(new[] { "member", "cn" }));
            Assert.That(entry.Values("member").Select(static v => Encoding.UTF8.GetString(v)), Is.EqualTo(Names(0, 3700)));
        });
    }

    /// <summary>An attribute within the limit comes as it is, and nothing more is asked.</summary>
    [Test]
    public async Task UnrangedAttribute_IsLeftAlone()
    {
        var entry = Entry(("member", Members(0, 3)));

        await RangedValues.CompleteAsync(entry, (_, _, _) => throw new AssertionException("nothing to ask"), CancellationToken.None);

        Assert.That(entry.Values("member"), Has.Count.EqualTo(3));
    }

    [TestCase("member;range=10-1499", "the first range does not start at 0")]
    [TestCase("member;range=0-abc", "the range is not low-high or low-*")]
    public void MalformedFirstRange_IsAnErrorNamingTheEntry(string name, string problem)
    {
        var entry = Entry((name, Members(0, 1490)));

        var exception = Assert.ThrowsAsync<ConnectionException>(() => RangedValues.CompleteAsync(entry, (_, _, _) => Task.FromResult<LdapEntry?>(null), CancellationToken.None));

        Assert.That(exception!.Message, Does.Contain(Group).And.Contain(problem).And.Contain("MS-ADTS 3.1.1.3.1.3.3"));
    }

    [Test]
    public void NextRangeStartingElsewhere_IsAnError()
    {
        var entry = Entry(("member;range=0-1499", Members(0, 1500)));

        var exception = Assert.ThrowsAsync<ConnectionException>(() => RangedValues.CompleteAsync(
            entry, (_, _, _) => Task.FromResult<LdapEntry?>(Entry(("member;range=1400-*", Members(1400, 10)))), CancellationToken.None));

        Assert.That(exception!.Message, Does.Contain("the range starts at 1400, not at 1500"));
    }

    [Test]
    public void ChunkHoldingFewerValuesThanItsRange_IsAnError()
    {
        var entry = Entry(("member;range=0-1499", Members(0, 1500)));

        var exception = Assert.ThrowsAsync<ConnectionException>(() => RangedValues.CompleteAsync(
            entry, (_, _, _) => Task.FromResult<LdapEntry?>(Entry(("member;range=1500-2999", Members(1500, 20)))), CancellationToken.None));

        Assert.That(exception!.Message, Does.Contain("the range holds 20 values"));
    }

    [Test]
    public void AnswerWithoutTheAttribute_IsAnError()
    {
        var entry = Entry(("member;range=0-1499", Members(0, 1500)));

        var exception = Assert.ThrowsAsync<ConnectionException>(() => RangedValues.CompleteAsync(
            entry, (_, _, _) => Task.FromResult<LdapEntry?>(Entry(("cn", ["All Staff"]))), CancellationToken.None));

        Assert.That(exception!.Message, Does.Contain("the answer has no range of the attribute"));
    }

    [Test]
    public void EntryGoneBetweenRequests_IsAnError()
    {
        var entry = Entry(("member;range=0-1499", Members(0, 1500)));

        var exception = Assert.ThrowsAsync<ConnectionException>(() => RangedValues.CompleteAsync(entry, (_, _, _) => Task.FromResult<LdapEntry?>(null), CancellationToken.None));

        Assert.That(exception!.Message, Does.Contain("the entry is gone"));
    }

    private static LdapEntry Entry(params (string Name, string[] Values)[] attributes) =>
        new(Group, attributes.ToDictionary(static a => a.Name, static a => a.Values.Select(static v => Encoding.UTF8.GetBytes(v)).ToList(), StringComparer.OrdinalIgnoreCase));

    private static string[] Members(int start, int count) => Names(start, count);

    private static string[] Names(int start, int count) =>
        [.. Enumerable.Range(start, count).Select(static i => $"CN=User {i:D5},OU=Users,DC=example,DC=org")];
}
