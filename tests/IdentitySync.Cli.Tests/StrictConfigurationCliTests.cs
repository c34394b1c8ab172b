using System.Text.Json;
using System.Text.Json.Nodes;

namespace IdentitySync.Cli.Tests;

/// <summary>
/// The configuration file is read strictly: a key that names no setting or a value that does not bind
/// stops every command with exit 2 and the setting's path, before anything is written. Before, a
/// percentage written "5%" silently dropped its connector and validate said the file was valid.
/// </summary>
public sealed class StrictConfigurationCliTests
{
    private DemoDeployment _demo = null!;
    private string _directory = null!;

    private string Config => _demo.Config;

    [SetUp]
    public void CreateDirectory()
    {
        _demo = new DemoDeployment("identitysync-strict");
        _directory = _demo.Directory;
    }

    [TearDown]
    public void DeleteDirectory() => _demo.Dispose();

    [TestCase("validate")]
    [TestCase("sync")]
    public async Task AValueOfTheWrongType_StopsTheCommand_NamingThePathAndWhatIsExpected(string command)
    {
        Edit(root => root["IdentitySync"]!["Connectors"]![0]!["Thresholds"]!["Resources"]!["MaxDeletedPercent"] = "5%");

        var result = await CliRunner.RunAsync(command, "--config", Config);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2), result.Output);
            Assert.That(result.Error, Does.Contain("is invalid (1 error):"));
            Assert.That(result.Error, Does.Contain("IdentitySync.Connectors[HR].Thresholds.Resources.MaxDeletedPercent: '5%' is not a number (such as 5 or 2.5, without a unit or %)"));
            Assert.That(File.Exists(Path.Combine(_directory, "identitysync.db")), Is.False, "nothing is written");
        });
    }

    [Test]
    public async Task AMisspelledKey_IsAnError_NamingTheClosestSetting()
    {
        Edit(root => root["IdentitySync"]!["ResourceTypes"]![0]!["RequireRevew"] = true);

        var result = await CliRunner.RunAsync("validate", "--config", Config);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2));
            Assert.That(result.Error, Does.Contain("IdentitySync.ResourceTypes[HR_Identity].RequireRevew: unknown setting; did you mean RequireReview?"));
        });
    }

    private static IEnumerable<TestCaseData> FileSections()
    {
        static TestCaseData Case(string name, Action<JsonObject> edit, params string[] problems) =>
            new TestCaseData(edit, problems).SetName($"Validate_{name}_ReportsAnUnknownKeyAndAValueThatDoesNotBind");

        yield return Case(
            "TopLevel",
            static root => { root["IdentitySinc"] = new JsonObject(); root["Exports"] = "exports"; },
            "IdentitySinc: unknown setting; did you mean IdentitySync?",
            "Exports: 'exports' is a single value; expected a section { … }");
        yield return Case(
            "Store",
            static root => { root["Store"]!["Pth"] = "x.db"; root["Store"]!["Kind"] = "Mongo"; },
            "Store.Pth: unknown setting; did you mean Path?",
            "Store.Kind: 'Mongo' is not one of Sqlite, PostgreSql");
        yield return Case(
            "Exports",
            static root => root["Exports"] = new JsonObject { ["BaseDir"] = "exports", ["BaseDirectory"] = new JsonArray("a", "b") },
            "Exports.BaseDir: unknown setting; did you mean BaseDirectory?",
            "Exports.BaseDirectory: expected a text, not a section or a list");
    }

    [TestCaseSource(nameof(FileSections))]
    public async Task Validate_FileSections(Action<JsonObject> edit, string[] problems)
    {
        Edit(edit);

        var result = await CliRunner.RunAsync("validate", "--config", Config);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2));
            Assert.That(result.Error, Does.Contain($"is invalid ({problems.Length} errors):"));
            Assert.That(result.Error.Split(Environment.NewLine), Is.SupersetOf(problems.Select(static p => "  " + p)));
        });
    }

    [Test]
    public async Task SchemaReference_AtTheTop_IsAllowed()
    {
        Edit(static root => root.Insert(0, "$schema", "https://example.org/identitysync.schema.json"));

        var result = await CliRunner.RunAsync("validate", "--config", Config);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
    }

    /// <summary>Rewrites the configuration file through a JSON tree (its comments are dropped).</summary>
    [Test]
    public async Task BaseDirectory_OneFolderForEveryRelativePath_AndNotTwo()
    {
        Directory.CreateDirectory(Path.Combine(_directory, "data"));
        Directory.Move(Path.Combine(_directory, "hr"), Path.Combine(_directory, "data", "hr"));
        Edit(static root => root["IdentitySync"]!["BaseDirectory"] = "data");

        var synced = await CliRunner.RunAsync("sync", "--connector", "HR", "--mode", "initial", "--config", Config);
        Edit(static root => root["Exports"] = new JsonObject { ["BaseDirectory"] = "elsewhere" });
        var twice = await CliRunner.RunAsync("validate", "--config", Config);

        Assert.Multiple(() =>
        {
            Assert.That(synced.ExitCode, Is.EqualTo(0), synced.Output + synced.Error);
            Assert.That(twice.ExitCode, Is.EqualTo(2));
            Assert.That(twice.Error, Does.Contain("IdentitySync.BaseDirectory and Exports.BaseDirectory: two base directories ('data', 'elsewhere'); keep IdentitySync.BaseDirectory only"));
        });
    }

    [Test]
    public async Task Connections_ListsEachPackagesSettings_WithTypeDefaultAndFlags()
    {
        var csv = await CliRunner.RunAsync("connections", "csv");
        var ldap = await CliRunner.RunAsync("connections", "Ldap");
        var unknown = await CliRunner.RunAsync("connections", "Scim");

        Assert.Multiple(() =>
        {
            Assert.That(csv.ExitCode, Is.EqualTo(0), csv.Error);
            Assert.That(csv.Output, Does.Contain("│ Quotes            │ Strict | Lenient │ Strict  │"));
            Assert.That(csv.Output, Does.Contain("│ LinesToSkip       │ whole number     │ 0       │"));
            Assert.That(ldap.Output, Does.Match(@"│ Password\s+│ text\s+│\s+│ secret\s+│"));
            Assert.That((unknown.ExitCode, unknown.Error.Trim()), Is.EqualTo((2, "No connection package 'Scim'; this command line knows Csv, OrderFile, Ldap, Sql.")));
        });
    }

    [Test]
    public async Task Validate_HoldsAPackagesSettingsToTheirDeclaredTypes()
    {
        Edit(static root => root["IdentitySync"]!["Connectors"]![0]!["Connections"]![0]!["Settings"]!["Quotes"] = "Loose");

        var result = await CliRunner.RunAsync("validate", "--config", Config);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2));
            Assert.That(result.Error, Does.Contain("Connectors[HR].Connections[People].Settings.Quotes: 'Loose' is not a quoting rule; give Strict or Lenient"));
        });
    }

    private void Edit(Action<JsonObject> edit)
    {
        var root = JsonNode.Parse(File.ReadAllText(Config), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })!.AsObject();
        edit(root);
        File.WriteAllText(Config, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
