using System.Text;
using IdentitySync.Connections;

namespace IdentitySync.Core.Tests.Connections;

/// <summary>The batch a reader fills: fields as bytes or as text, and rows that must be whole.</summary>
public sealed class RowBatchTests
{
    [Test]
    public void TextAndBytes_AreStoredAsTheSameUtf8_PastTheBuffersFirstSize()
    {
        using var batch = new RowBatch(2, capacity: 2);
        var wide = new string('é', 10_000);

        batch.BeginRow(1);
        batch.AddField("Zoë 山田");
        batch.AddField(Encoding.UTF8.GetBytes("Zoë 山田"));
        batch.EndRow();
        batch.BeginRow(2);
        batch.AddField(wide);
        batch.AddField(string.Empty);
        batch.EndRow();

        Assert.Multiple(() =>
        {
            Assert.That(batch.Count, Is.EqualTo(2));
            Assert.That(batch.GetField(0, 0).ToArray(), Is.EqualTo(batch.GetField(0, 1).ToArray()));
            Assert.That(Encoding.UTF8.GetString(batch.GetField(0, 0)), Is.EqualTo("Zoë 山田"));
            Assert.That(Encoding.UTF8.GetString(batch.GetField(1, 0)), Is.EqualTo(wide));
            Assert.That(batch.GetField(1, 1).IsEmpty, Is.True);
        });
    }

    [Test]
    public void OneFieldTooMany_OrTooFew_IsRefused()
    {
        using var batch = new RowBatch(1);
        batch.BeginRow(1);
        batch.AddField("a");

        var tooMany = Assert.Throws<InvalidOperationException>(() => batch.AddField("b"));
        batch.EndRow();
        batch.BeginRow(2);
        var tooFew = Assert.Throws<InvalidOperationException>(batch.EndRow);

        Assert.Multiple(() =>
        {
            Assert.That(tooMany!.Message, Does.Contain("added one more"));
            Assert.That(tooFew!.Message, Does.Contain("a reader added 0"));
        });
    }
}
