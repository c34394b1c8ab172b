using IdentitySync.Orders;
using IdentitySync.Storage;

namespace IdentitySync.Tests.Orders;

/// <summary>
/// A provisioning state a generation builds is kept as the body a store writes (decision 98): it reads back the same
/// values and links, the store writes that very body, and replacing its values or links drops it.
/// </summary>
public sealed class OwnerProvisioningStateTests
{
    private static readonly Dictionary<string, object?> s_values = new() { ["Sam"] = "jdoe", ["Mail"] = null, ["Proxy"] = new[] { "a", "b" } };
    private static readonly Dictionary<string, IReadOnlyList<string>> s_links = new() { ["MemberOf"] = ["g-1", "g-2"] };

    [Test]
    public void Packed_ReadsBackItsValuesAndLinks_AndIsStoredAsTheBodyItHolds()
    {
        var plain = new OwnerProvisioningState("AD_User", 3, ulong.MaxValue, true, s_values, s_links);
        var packed = OwnerProvisioningState.Packed("AD_User", 3, ulong.MaxValue, true, s_values, s_links);

        var stored = StoredProvisioningState.Of(packed);

        Assert.Multiple(() =>
        {
            Assert.That(packed.Body, Is.Not.Null, "kept packed");
            Assert.That(stored.Body, Is.SameAs(packed.Body), "the store writes the body the state holds, without packing it again");
            Assert.That(stored.Body, Is.EqualTo(StoredProvisioningState.Of(plain).Body), "the same bytes as the state built from dictionaries");
            Assert.That(packed.Values.Keys, Is.EquivalentTo(s_values.Keys));
            Assert.That(packed.Values["Sam"], Is.EqualTo("jdoe"));
            Assert.That(packed.Values["Mail"], Is.Null);
            Assert.That(packed.Values["Proxy"], Is.EqualTo(new[] { "a", "b" }));
            Assert.That(packed.Links["MemberOf"], Is.EqualTo(new[] { "g-1", "g-2" }));
            Assert.That(StoredJson.Serialize(packed), Is.EqualTo(StoredJson.Serialize(plain)), "its JSON is the plain state's");
            Assert.That(stored.ToState().Values["Sam"], Is.EqualTo("jdoe"));
        });
    }

    [Test]
    public void Packed_WithNewValuesOrLinks_DropsTheBody_AndKeepsTheOtherHalf()
    {
        var packed = OwnerProvisioningState.Packed("AD_User", 3, 42, true, s_values, s_links);

        var newValues = packed with { Values = new Dictionary<string, object?> { ["Sam"] = "other" } };
        var newLinks = packed with { Links = new Dictionary<string, IReadOnlyList<string>>() };
        var newDigest = packed with { InputDigest = 43 };

        Assert.Multiple(() =>
        {
            Assert.That(newValues.Body, Is.Null, "new values: the body no longer says what the state holds");
            Assert.That(newValues.Links["MemberOf"], Is.EqualTo(new[] { "g-1", "g-2" }), "the links come from the body it had");
            Assert.That(StoredProvisioningState.Of(newValues).ToState().Values["Sam"], Is.EqualTo("other"), "stored with the new values");
            Assert.That(newLinks.Body, Is.Null);
            Assert.That(newLinks.Values["Sam"], Is.EqualTo("jdoe"), "the values come from the body it had");
            Assert.That(StoredProvisioningState.Of(newLinks).ToState().Links, Is.Empty);
            Assert.That(newDigest.Body, Is.SameAs(packed.Body), "another digest keeps the body");
            Assert.That(packed.Values["Sam"], Is.EqualTo("jdoe"), "the original is unchanged");
        });
    }

    [Test]
    public void Pack_WritesTheBytesTheSerializerWrites_ForEveryKindOfValue_AndAgainOnTheSameThread()
    {
        var large = Enumerable.Range(0, 5_000).ToDictionary(static i => $"p{i}", static i => (object?)new string('x', 20));
        (Dictionary<string, object?> Values, Dictionary<string, IReadOnlyList<string>> Links)[] cases =
        [
            (s_values, s_links),
            ([], []),
            (new() { ["Name"] = "Zoë \"Q\" <a&b> \u0001 \uD83D\uDE00", ["When"] = new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero), ["On"] = true, ["Count"] = 42L },
             new() { ["MemberOf"] = [], ["Manager"] = ["CN=Zoë,OU=é"] }),
            (large, new() { ["MemberOf"] = [.. Enumerable.Range(0, 3_000).Select(static i => $"g-{i}")] }),
            (s_values, s_links),
        ];

        foreach (var (values, links) in cases)
        {
            var expected = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new ProvisioningStateBody(values, links), OrderJsonContext.Default.ProvisioningStateBody);

            Assert.That(OwnerProvisioningState.Pack(values, links), Is.EqualTo(expected), $"{values.Count} values, {links.Count} links");
        }
    }
}
