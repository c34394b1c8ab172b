using System.Text;
using IdentitySync.Internal;

namespace IdentitySync.Tests.Internal;

public sealed class Xxh64Tests
{
    // Reference values of XXH64 with seed 0, as published with the algorithm and reproduced by its reference implementation.
    [TestCase("", 0xEF46DB3751D8E999UL)]
    [TestCase("a", 0xD24EC4F1A98C6E5BUL)]
    [TestCase("abc", 0x44BC2CF5AD770999UL)]
    [TestCase("Nobody inspects the spammish repetition", 0xFBCEA83C8A378BF1UL)]
    public void Hash_ReferenceInputs_GiveReferenceValues(string input, ulong expected)
    {
        Assert.That(Xxh64.Hash(Encoding.ASCII.GetBytes(input)), Is.EqualTo(expected));
    }

    [Test]
    public void Hash_LongInputAndSeed_DependOnEveryByteAndTheSeed()
    {
        var data = Enumerable.Range(0, 1000).Select(static i => (byte)i).ToArray();
        var changed = (byte[])data.Clone();
        changed[999] ^= 1;

        Assert.Multiple(() =>
        {
            Assert.That(Xxh64.Hash(changed), Is.Not.EqualTo(Xxh64.Hash(data)));
            Assert.That(Xxh64.Hash(data, 1), Is.Not.EqualTo(Xxh64.Hash(data)));
            Assert.That(Xxh64.Hash(data), Is.EqualTo(Xxh64.Hash(data.AsSpan())));
        });
    }

    [TestCase(0L, 0UL)]
    [TestCase(1L, 7UL)]
    [TestCase(-1L, ulong.MaxValue)]
    [TestCase(long.MaxValue, 0x9E3779B97F4A7C15UL)]
    [TestCase(long.MinValue, 42UL)]
    [TestCase(1_234_567_890_123L, 1UL)]
    public void Hash_OfAnId_IsTheHashOfItsBytes_AsDigestsStoredBeforeWereComputed(long id, ulong seed)
    {
        // Stored input digests were computed from BitConverter.GetBytes(id): the same value, or every owner is evaluated again once.
        Assert.That(Xxh64.Hash(id, seed), Is.EqualTo(Xxh64.Hash(BitConverter.GetBytes(id), seed)));
    }
}
