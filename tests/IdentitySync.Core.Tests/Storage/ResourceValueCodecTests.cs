using IdentitySync.Storage;

namespace IdentitySync.Tests.Storage;

public sealed class ResourceValueCodecTests
{
    private static readonly object?[] s_values =
    [
        "Zoë", null, 42, 9007199254740993L, true, new DateTime(2024, 2, 29, 8, 15, 0, DateTimeKind.Utc),
        new Guid("6F9619FF-8B86-D011-B42D-00C04FC964FF"), 0.75, new byte[] { 1, 2, 3 }, new object[] { "a", 1 },
    ];

    [Test]
    public void DecodeLazily_GivesWhatDecodeGives()
    {
        var packed = ResourceValueCodec.Encode(s_values);

        var lazy = ResourceValueCodec.DecodeLazily(packed);

        Assert.Multiple(() =>
        {
            Assert.That(lazy, Has.Count.EqualTo(s_values.Length));
            Assert.That(lazy, Is.EqualTo(ResourceValueCodec.Decode(packed)));
            Assert.That(lazy[5], Is.EqualTo(s_values[5]));
            Assert.That(lazy.ToArray(), Is.EqualTo(s_values));
        });
    }

    [Test]
    public void DecodeLazily_UnpacksOnFirstRead()
    {
        // Truncated bytes: nothing fails until a value is read.
        var packed = ResourceValueCodec.Encode(s_values)[..5];

        var lazy = ResourceValueCodec.DecodeLazily(packed);

        Assert.That(() => lazy[0], Throws.Exception);
    }

    [Test]
    public void Pack_AnUnreadLazyList_GivesItsOwnBytesWithoutPackingAgain()
    {
        object?[] values = ["Alice", 7, new object[] { "a", "b" }, null];
        var packed = ResourceValueCodec.Encode(values);
        var lazy = ResourceValueCodec.DecodeLazily(packed);

        var unread = ResourceValueCodec.Pack(lazy);
        var read = lazy[0];
        var afterRead = ResourceValueCodec.Pack(lazy);

        Assert.Multiple(() =>
        {
            Assert.That(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(unread, out var segment) ? segment.Array : null, Is.SameAs(packed));
            Assert.That(read, Is.EqualTo("Alice"));
            Assert.That(afterRead.ToArray(), Is.EqualTo(packed), "once read, the values are packed again, to the same bytes");
            Assert.That(ResourceValueCodec.Pack(values).ToArray(), Is.EqualTo(packed));
        });
    }
}
