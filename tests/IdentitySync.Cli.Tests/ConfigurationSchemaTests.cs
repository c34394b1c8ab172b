using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace IdentitySync.Cli.Tests;

/// <summary>
/// The published JSON Schema is the one the command line generates, accepts every configuration the
/// project ships, and flags what the strict check refuses: a misspelled key, a percentage with a unit,
/// a store kind that does not exist.
/// </summary>
public sealed class ConfigurationSchemaTests
{
    private static readonly JsonDocumentOptions s_jsonc = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    [Test]
    public void PublishedSchema_IsTheGeneratedOne()
    {
        var published = PublishedPath();
        var generated = ConfigurationSchema.Generate();
        if (!File.Exists(published) || File.ReadAllText(published) != generated)
        {
            File.WriteAllText(Path.ChangeExtension(published, ".received.json"), generated);
        }

        Assert.That(File.Exists(published) ? File.ReadAllText(published) : null, Is.EqualTo(generated),
            "docs/identitysync.schema.json differs from what 'identitysync schema' prints; if the change is meant, move identitysync.schema.received.json over it");
    }

    [Test]
    public async Task SchemaCommand_PrintsIt()
    {
        var result = await CliRunner.RunAsync("schema");

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
            Assert.That(result.Output, Is.EqualTo(ConfigurationSchema.Generate()));
        });
    }

    private static IEnumerable<TestCaseData> ShippedConfigurations()
    {
        yield return new TestCaseData("demo").SetName("Schema_AcceptsTheDemoConfiguration");
        yield return new TestCaseData(Path.Combine(RepositoryRoot(), "docs", "samples", "ldap", "identitysync.json")).SetName("Schema_AcceptsTheLdapSample");
        yield return new TestCaseData(Path.Combine(RepositoryRoot(), "tests", "IdentitySync.Core.Tests", "Samples", "three-connectors.json")).SetName("Schema_AcceptsTheThreeConnectorSample");
    }

    [TestCaseSource(nameof(ShippedConfigurations))]
    public void Schema_AcceptsShippedConfigurations(string file)
    {
        var text = file == "demo" ? DemoConfiguration.Json : File.ReadAllText(file);

        var result = Evaluate(JsonNode.Parse(text, documentOptions: s_jsonc)!);

        Assert.That(result.IsValid, Is.True, Describe(result));
    }

    [TestCase("IdentitySync.ResourceTypes.0.RequireRevew", "true")]
    [TestCase("IdentitySync.Connectors.0.Thresholds.Resources.MaxDeletedPercent", "\"5%\"")]
    [TestCase("Store.Kind", "\"Mongo\"")]
    [TestCase("Exports.BaseDirectory", "[\"a\"]")]
    [TestCase("IdentitySinc", "{}")]
    public void Schema_FlagsWhatTheStrictCheckRefuses(string path, string value)
    {
        var root = JsonNode.Parse(DemoConfiguration.Json, documentOptions: s_jsonc)!;
        var steps = path.Split('.');
        var parent = steps[..^1].Aggregate(root, static (node, step) => int.TryParse(step, out var i) ? node[i]! : node[step] ??= new JsonObject());
        parent[steps[^1]] = JsonNode.Parse(value);

        Assert.That(Evaluate(root).IsValid, Is.False);
    }

    private static EvaluationResults Evaluate(JsonNode instance) =>
        JsonSchema.FromText(ConfigurationSchema.Generate()).Evaluate(JsonSerializer.SerializeToElement(instance), new EvaluationOptions { OutputFormat = OutputFormat.List });

    private static string Describe(EvaluationResults result) =>
        string.Join(Environment.NewLine, (result.Details ?? []).Where(static d => d.Errors is { Count: > 0 }).Select(static d => $"{d.InstanceLocation}: {string.Join("; ", d.Errors!.Values)}"));

    private static string PublishedPath() => Path.Combine(RepositoryRoot(), "docs", "identitysync.schema.json");

    private static string RepositoryRoot([CallerFilePath] string source = "") => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source)!, "..", ".."));
}
