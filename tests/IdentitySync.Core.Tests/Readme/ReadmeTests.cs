using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace IdentitySync.Tests.Readme;

public sealed partial class ReadmeTests
{
    [Test]
    public void Readme_QuickstartBlock_IsTheCompiledQuickstart()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        var block = ReadmeBlock().Match(readme);
        Assert.That(block.Success, Is.True, "README.md has no ```csharp block between <!-- quickstart:start --> and <!-- quickstart:end -->");

        var source = File.ReadAllText(Path.Combine(Path.GetDirectoryName(SourceFile())!, "Quickstart.cs"));
        var snippet = SourceSnippet().Match(source).Groups["code"].Value;

        // The README block shows its usings (the docs tests compile it with only those); the source file has them at its top.
        Assert.That(Normalize(block.Groups["code"].Value).Where(static l => !l.StartsWith("using ", StringComparison.Ordinal)), Is.EqualTo(Normalize(snippet)));
    }

    [Test]
    public void Quickstart_Run_BuildsTheModelItDescribes()
    {
        var model = ReadmeSnippets.Quickstart.Run();

        Assert.Multiple(() =>
        {
            Assert.That(model.EntityTypes.Select(static e => e.Name), Is.EqualTo(new[] { "Identity", "AD_User" }));
            Assert.That(model.GetConnector("AD").FindEntityTypeMapping("AD_User")!.PrimaryKey.Column, Is.EqualTo("dn"));
            Assert.That(model.GetResourceType("AD_NominativeUser").Policies.RequireReview, Is.True);
            Assert.That(model.GetConnector("AD").FindConnection("Export")!.Settings["path"], Is.EqualTo("exports/ad_users.csv"));
        });
    }

    internal static string RepositoryRoot() => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(SourceFile())!, "..", "..", ".."));

    private static string SourceFile([CallerFilePath] string path = "") => path;

    // Compares the code, not its indentation: the snippet sits inside a method, the README block at the margin.
    private static string[] Normalize(string code)
    {
        var lines = code.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Where(static l => l.Trim().Length > 0).ToArray();
        var indent = lines.Min(static l => l.Length - l.TrimStart().Length);
        return [.. lines.Select(l => l[indent..].TrimEnd())];
    }

    [GeneratedRegex(@"<!-- quickstart:start -->\s*```csharp\n(?<code>.*?)```\s*<!-- quickstart:end -->", RegexOptions.Singleline)]
    private static partial Regex ReadmeBlock();

    [GeneratedRegex(@"// quickstart:start\n(?<code>.*?)\s*// quickstart:end", RegexOptions.Singleline)]
    private static partial Regex SourceSnippet();
}
