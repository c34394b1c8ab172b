using IdentitySync.Connections;
using IdentitySync.Synchronization;

namespace IdentitySync.Tests.Synchronization.Stages;

public sealed class FieldCheckTests
{
    /// <summary>
    /// A row is all text only when each of its fields is: valid UTF-8 split between two fields (a character's first
    /// byte ending one, its second starting the next) is valid as a row and not as fields, so it is checked field by field.
    /// </summary>
    [TestCase(new byte[] { 0x41 }, new byte[] { 0xC3, 0xA9 }, new byte[] { 0x42 }, true)]
    [TestCase(new byte[] { 0x41, 0xC3 }, new byte[] { 0xA9 }, new byte[] { 0x42 }, false)]
    [TestCase(new byte[] { 0x41 }, new byte[] { }, new byte[] { 0xA9, 0x42 }, false)]
    [TestCase(new byte[] { 0x41 }, new byte[] { 0xFF }, new byte[] { 0x42 }, false)]
    [TestCase(new byte[] { }, new byte[] { }, new byte[] { }, true)]
    public void AllText_IsTrueOnlyWhenEveryFieldIsText(byte[] first, byte[] second, byte[] third, bool expected)
    {
        using var batch = new RowBatch(3);
        batch.BeginRow(1);
        batch.AddField("before"u8);
        batch.AddField("row"u8);
        batch.AddField("zero"u8);
        batch.EndRow();
        batch.BeginRow(2);
        batch.AddField(first);
        batch.AddField(second);
        batch.AddField(third);
        batch.EndRow();

        var perField = Enumerable.Range(0, 3).All(c => FieldCheck.Problem(batch.GetField(1, c), "c", 100) is null);

        Assert.Multiple(() =>
        {
            Assert.That(FieldCheck.AllText(batch, 1), Is.EqualTo(expected));
            Assert.That(perField, Is.EqualTo(expected), "the same answer as the fields one by one");
            Assert.That(FieldCheck.AllText(batch, 0), Is.True);
        });
    }
}
