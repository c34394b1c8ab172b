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

    /// <summary>
    /// A value read alone is unpacked alone, past the ones before it (every tag skipped, nested arrays included), each
    /// time it is read: it is not kept (decision 98); the bytes stay packed until every value is unpacked, and the
    /// values unpacked together are kept; with or without a layout header.
    /// </summary>
    [TestCase(false)]
    [TestCase(true)]
    public void DecodeLazily_AValueReadAlone_IsUnpackedAloneAndNotKept(bool laidOut)
    {
        object?[] values = [.. s_values, "after the array", new object[] { new object[] { "deep" }, 3L }, "last"];
        var packed = ResourceValueCodec.Encode(laidOut ? new ResourceValueCodec.LaidOutValues(values, 77) : values);
        var lazy = ResourceValueCodec.DecodeLazily(packed);

        var count = lazy.Count;
        var alone = Enumerable.Range(0, values.Length).Reverse().Select(i => (Index: i, Value: lazy[i])).ToList();
        var stillPacked = ResourceValueCodec.Pack(lazy);
        var text = lazy[values.Length - 1];
        var beyondPacked = Assert.Throws<ArgumentOutOfRangeException>(() => _ = lazy[values.Length]);
        var all = lazy.ToArray();

        Assert.Multiple(() =>
        {
            Assert.That(count, Is.EqualTo(values.Length), "counted from the bytes");
            foreach (var (index, value) in alone)
            {
                Assert.That(value, Is.EqualTo(values[index]), $"value {index}");
            }

            Assert.That(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(stillPacked, out var segment) ? segment.Array : null, Is.SameAs(packed), "values read one by one leave the bytes packed");
            Assert.That(text, Is.EqualTo(alone[0].Value).And.Not.SameAs(alone[0].Value), "read twice, unpacked twice: not kept");
            Assert.That(all, Is.EqualTo(values));
            Assert.That(lazy[values.Length - 1], Is.SameAs(all[^1]), "once unpacked together, the values are kept");
            Assert.That(beyondPacked.Message, Does.Contain($"holds {values.Length} values"), "past the last value, read from the bytes");
            Assert.That(() => lazy[values.Length], Throws.InstanceOf<ArgumentOutOfRangeException>(), "and once they are unpacked");
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

    /// <summary>
    /// Values packed into an arena read like values packed alone, each a slice of a shared array: one value, the count,
    /// all of them, and <see cref="ResourceValueCodec.Pack"/> gives exactly the slice; a value too large for a shared
    /// array gets one of its own.
    /// </summary>
    [Test]
    public void FinishPackingLazily_ValuesSideBySideInOneArena_EachReadAsPackedAlone()
    {
        var arena = new PackedArena();
        object?[] second = ["second", new string('x', 300_000)];
        object?[][] rows = [s_values, second, ["third", 3]];

        var lazies = rows.Select(row => PackInto(arena, row)).ToList();
        var packs = lazies.Select(static l => ResourceValueCodec.Pack(l)).ToList();
        var arrays = packs.Select(static p => System.Runtime.InteropServices.MemoryMarshal.TryGetArray(p, out var segment) ? segment : default).ToList();

        Assert.Multiple(() =>
        {
            for (var i = 0; i < rows.Length; i++)
            {
                Assert.That(packs[i].ToArray(), Is.EqualTo(ResourceValueCodec.Encode(rows[i])), $"row {i}: its own bytes");
                Assert.That(lazies[i], Has.Count.EqualTo(rows[i].Length));
                Assert.That(lazies[i][rows[i].Length - 1], Is.EqualTo(rows[i][^1]), $"row {i}: its last value alone");
                Assert.That(lazies[i].ToArray(), Is.EqualTo(rows[i]), $"row {i}: every value");
            }

            Assert.That(arrays[2].Array, Is.SameAs(arrays[0].Array), "small rows share an array");
            Assert.That(arrays[2].Offset, Is.EqualTo(arrays[0].Count), "end to end");
            Assert.That(arrays[1].Array, Is.Not.SameAs(arrays[0].Array).And.Length.EqualTo(arrays[1].Count), "a large row has its own");
        });

        static IReadOnlyList<object?> PackInto(PackedArena arena, object?[] values)
        {
            var writer = ResourceValueCodec.StartPacking();
            writer.Write7BitEncodedInt(values.Length);
            foreach (var value in values)
            {
                ResourceValueCodec.Write(writer, value);
            }

            return ResourceValueCodec.FinishPackingLazily(writer, arena);
        }
    }
}
