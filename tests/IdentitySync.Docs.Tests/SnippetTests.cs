using IdentitySync.Testing;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace IdentitySync.Docs.Tests;

/// <summary>
/// Every ```csharp block of the README, docs/ and the packages' READMEs is compiled as a user's code would
/// be: in its own namespace outside IdentitySync, with only the usings it shows (and a console app's
/// implicit ones), against the packages. A block is statements inside an async method, or, when it
/// declares a type, a file of its own. Variables it uses without declaring them are named in an HTML
/// comment just before it: <c>&lt;!-- snippet-context: Microsoft.Extensions.DependencyInjection.IServiceCollection services --&gt;</c>.
/// </summary>
public sealed partial class SnippetTests
{
    private static readonly string[] s_implicitUsings =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks"];

    private static readonly Lazy<MetadataReference[]> s_references = new(References);

    /// <summary>The blocks, one test case each, named by file and line.</summary>
    public static IEnumerable<TestCaseData> Snippets()
    {
        var root = RepositoryFiles.Root;
        var files = new[] { Path.Combine(root, "README.md") }
            .Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories))
            .Concat(Directory.GetFiles(Path.Combine(root, "src"), "README.md", SearchOption.AllDirectories))
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var text = File.ReadAllText(file).Replace("\r\n", "\n", StringComparison.Ordinal);
            foreach (Match block in Block().Matches(text))
            {
                var line = text.AsSpan(0, block.Index).Count('\n') + 1;
                var name = $"{Path.GetRelativePath(root, file).Replace('\\', '/')}:{line}";
                yield return new TestCaseData(name, block.Groups["context"].Value.Trim(), block.Groups["code"].Value).SetName(name);
            }
        }
    }

    /// <summary>There are blocks to compile: the discovery itself works.</summary>
    [Test]
    public void Snippets_AreFound_InTheReadmeAndDocs() =>
        Assert.That(Snippets().Select(static s => (string)s.Arguments[0]!), Has.Some.StartsWith("README.md:").And.Some.StartsWith("docs/").And.Some.StartsWith("src/"));

    /// <summary>A snippet compiles with the usings it shows.</summary>
    /// <param name="name">The file and line of the block.</param>
    /// <param name="context">The variables it uses without declaring them.</param>
    /// <param name="code">The block.</param>
    [TestCaseSource(nameof(Snippets))]
    public void Snippet_Compiles(string name, string context, string code)
    {
        var errors = Compile(name, context, code);

        Assert.That(errors, Is.Empty, $"{name} does not compile as a user's code:\n{Wrap(context, code)}");
    }

    /// <summary>A block marked as a file's copy is that file, verbatim: the minimal connection shown is the one CI builds and runs.</summary>
    [Test]
    public void MinimalConnection_IsTheFileCiBuilds()
    {
        var root = RepositoryFiles.Root;
        var text = File.ReadAllText(Path.Combine(root, "docs", "connections.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        var copies = CopyOf().Matches(text);

        Assert.That(copies, Is.Not.Empty, "docs/connections.md shows the minimal connection");
        foreach (Match copy in copies)
        {
            var file = File.ReadAllText(Path.Combine(root, copy.Groups["path"].Value)).Replace("\r\n", "\n", StringComparison.Ordinal);
            Assert.That(copy.Groups["code"].Value, Is.EqualTo(file), copy.Groups["path"].Value);
        }
    }

    /// <summary>The compile check can fail: a block that forgets a using does not compile.</summary>
    [Test]
    public void Compile_BlockWithoutItsUsing_Fails()
    {
        var errors = Compile("test", string.Empty, "var model = new IdentityModelBuilder().Build();\n");
        var fixedBlock = Compile("test", string.Empty, "using IdentitySync.Configuration;\n\nvar model = new IdentityModelBuilder().Build();\n");

        Assert.Multiple(() =>
        {
            Assert.That(errors, Has.Some.Contains("CS0246").And.Some.Contains("IdentityModelBuilder"));
            Assert.That(fixedBlock, Is.Empty);
        });
    }

    private static List<string> Compile(string name, string context, string code)
    {
        var source = Wrap(context, code);
        var compilation = CSharpCompilation.Create(
            "Snippet",
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Preview), path: name)],
            s_references.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        return [.. compilation.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Error).Select(static d => d.ToString())];
    }

    private static string Wrap(string context, string code)
    {
        var lines = code.Split('\n');
        var usings = lines.TakeWhile(static l => l.StartsWith("using ", StringComparison.Ordinal) || l.Trim().Length == 0).ToList();
        var body = string.Join('\n', lines.Skip(usings.Count));
        // A block that declares its own namespace keeps it; the others get one outside IdentitySync.
        var ownNamespace = body.TrimStart().StartsWith("namespace ", StringComparison.Ordinal);
        var preamble = string.Join('\n', s_implicitUsings.Select(static u => $"global using {u};")) + "\n" + string.Join('\n', usings) + (ownNamespace ? "\n" : "\nnamespace DocSnippets;\n");
        return DeclaresTypes().IsMatch(body)
            ? preamble + body
            : preamble + $"internal static class Snippet\n{{\n    internal static async Task RunAsync({context})\n    {{\n{body}\n        await Task.CompletedTask;\n    }}\n}}\n";
    }

    private static MetadataReference[] References()
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var beside = Directory.GetFiles(AppContext.BaseDirectory, "*.dll");
        return
        [
            .. beside.Concat(platform)
                .Where(static p => !Path.GetFileName(p).StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal)
                    && (!Path.GetFileName(p).StartsWith("nunit", StringComparison.OrdinalIgnoreCase) || Path.GetFileName(p).Equals("nunit.framework.dll", StringComparison.OrdinalIgnoreCase)))
                .DistinctBy(static p => Path.GetFileName(p), StringComparer.OrdinalIgnoreCase)
                .Select(static p => MetadataReference.CreateFromFile(p)),
        ];
    }

    [GeneratedRegex(@"<!-- minimal-connection: (?<path>[^ ]+) -->\n```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CopyOf();

    [GeneratedRegex(@"(?:<!-- snippet-context: (?<context>[^>]*?) -->\n(?:\s*\n)*)?```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex Block();

    [GeneratedRegex(@"^(public |internal |sealed |file )?(sealed |static |abstract )?(partial )?(class|record|struct|interface) ", RegexOptions.Multiline)]
    private static partial Regex DeclaresTypes();
}
