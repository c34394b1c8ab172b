using IdentitySync.Model;

namespace IdentitySync.Tests.Synchronization;

public sealed class PrintableTextTests
{
    [TestCase("plain [red] text ü 日本", "plain [red] text ü 日本")]
    [TestCase("a\nb\tc\rd", "a\\nb\\tc\\rd")]
    [TestCase("\u001b[2Jx\0y\u0085z\u007f", "\\u001B[2Jx\\u0000y\\u0085z\\u007F")]
    [TestCase("invoice\u202Efdp.exe", "invoice\\u202Efdp.exe")]
    [TestCase(null, "")]
    public void Escape_WritesUnprintableCharactersAsEscapes(string? text, string expected) =>
        Assert.That(PrintableText.Escape(text), Is.EqualTo(expected));

    [Test]
    public void Escape_PrintableText_IsReturnedAsItIs()
    {
        var text = "Zoë Ærø";

        Assert.That(PrintableText.Escape(text), Is.SameAs(text));
    }
}
