using IdentitySync.Internal;

namespace IdentitySync.Tests.Internal;

public sealed class IdOrdinalMapTests
{
    [Test]
    public void DenseIds_AreAnArray_AndUnknownIdsAreNotFound()
    {
        var map = new IdOrdinalMap();
        map.Add(3, 0);
        map.Add(1, 1);
        map.Add(7, 2);

        map.Seal();

        Assert.Multiple(() =>
        {
            Assert.That(map.IsDense, Is.True);
            Assert.That(map.TryGetValue(7, out var seven) ? seven : -2, Is.EqualTo(2));
            Assert.That(map.TryGetValue(1, out var one) ? one : -2, Is.EqualTo(1));
            Assert.That(map.TryGetValue(2, out _), Is.False, "an id between stored ids");
            Assert.That(map.TryGetValue(8, out _), Is.False, "an id past the last");
            Assert.That(map.TryGetValue(-1, out _), Is.False, "a negative id");
        });
    }

    [Test]
    public void SparseIds_AreADictionary_WithTheSameAnswers()
    {
        var map = new IdOrdinalMap();
        map.Add(5_000_000_000, 0);
        map.Add(2, 1);

        map.Seal();

        Assert.Multiple(() =>
        {
            Assert.That(map.IsDense, Is.False);
            Assert.That(map.TryGetValue(5_000_000_000, out var big) ? big : -2, Is.Zero);
            Assert.That(map.TryGetValue(2, out var two) ? two : -2, Is.EqualTo(1));
            Assert.That(map.TryGetValue(3, out _), Is.False);
        });
    }
}
