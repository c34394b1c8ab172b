namespace IdentitySync.Storage.Sqlite.Tests;

public sealed class LinkSetCodecTests
{
    [Test]
    public void EncodeThenDecode_GivesTheIdsBack_WithSmallGapsInOneByteEach()
    {
        long[] ids = [1, 2, 3, 130, 131, 70_000, 5_000_000_000, long.MaxValue];
        var buffer = new byte[4];

        var length = LinkSetCodec.Encode(ids, ref buffer);
        var decoded = new List<long>();
        LinkSetCodec.Decode(buffer.AsSpan(0, length), decoded);

        Assert.Multiple(() =>
        {
            Assert.That(decoded, Is.EqualTo(ids));
            Assert.That(buffer.AsSpan(0, 3).ToArray(), Is.EqualTo(new byte[] { 1, 1, 1 }), "gaps below 128 take one byte");
            Assert.That(length, Is.EqualTo(3 + 1 + 1 + 3 + 5 + 9));
        });
    }

    [Test]
    public void Decode_ABlobCutInsideANumber_IsRefused()
    {
        var buffer = new byte[16];
        var length = LinkSetCodec.Encode([1, 1_000_000], ref buffer);

        var exception = Assert.Throws<InvalidDataException>(() => LinkSetCodec.Decode(buffer.AsSpan(0, length - 1), []));

        Assert.That(exception!.Message, Does.Contain("damaged"));
    }
}
