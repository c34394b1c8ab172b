using IdentitySync.Storage;

namespace IdentitySync.Tests.Storage;

/// <summary>
/// The arena a store reads a whole type's values into: each resource's values come back as they were packed, across
/// the arena's large arrays and for a value too large to share one, and they do not change when the caller reuses the
/// buffer it read them from.
/// </summary>
public sealed class PackedValuesArenaTests
{
    [Test]
    public void DecodeLazily_ManyResources_AcrossArrays_GiveBackTheirValues()
    {
        var arena = new PackedValuesArena();
        var buffer = new byte[1 << 20];
        var expected = new List<object?[]>();
        var decoded = new List<IReadOnlyList<object?>>();
        for (var i = 0; i < 6_000; i++)
        {
            // About 3.6 MB in all (several arrays of 1 MiB), and one value of 400 KB, which gets an array of its own.
            object?[] values = [$"user{i}", i, i % 7 == 0 ? null : new string('x', 550 + (i % 13)), i == 4_321 ? new string('y', 400_000) : "z", new object[] { "a", i }];
            var packed = ResourceValueCodec.Encode(values);
            packed.CopyTo(buffer, 0);
            expected.Add(values);
            decoded.Add(arena.DecodeLazily(buffer.AsSpan(0, packed.Length)));

            // The caller's buffer is reused for the next row: what was decoded keeps its own copy.
            Array.Clear(buffer, 0, packed.Length);
        }

        Assert.Multiple(() =>
        {
            for (var i = 0; i < expected.Count; i++)
            {
                Assert.That(decoded[i], Is.EqualTo(expected[i]), $"resource {i}");
            }
        });
    }
}
