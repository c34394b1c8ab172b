namespace IdentitySync.Cli.Tests;

/// <summary>
/// Plug-in connection packages named under <c>ConnectionPackages</c>: every way loading one can fail ends in a
/// message that names the setting and exit code 2, before anything runs. (A package built outside the solution
/// is loaded and run by build/package-apps.sh, from the packed tool.)
/// </summary>
public sealed class ConnectionPluginsTests
{
    private string _directory = null!;

    private string Config => Path.Combine(_directory, "identitysync.json");

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("identitysync-plugins").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task MissingFolder_IsNamed()
    {
        WriteConfig("JsonLines", "plugins/jsonlines");

        await RefusedAsync(Does.Contain($"ConnectionPackages.JsonLines: '{Path.Combine(_directory, "plugins", "jsonlines")}' does not exist; give the folder 'dotnet publish' wrote"));
    }

    [Test]
    public async Task FolderThatIsNotAPublishFolder_IsNamed()
    {
        Directory.CreateDirectory(Path.Combine(_directory, "plugins"));
        WriteConfig("JsonLines", "plugins");

        await RefusedAsync(Does.Contain("ConnectionPackages.JsonLines: ").And.Contain("is not a 'dotnet publish' folder of one connection package (no .deps.json files)"));
    }

    [Test]
    public async Task AssemblyThatIsNotAConnectionPackage_IsNamed()
    {
        // CsvHelper is a real assembly that knows nothing of IdentitySync.
        var plugin = Path.Combine(_directory, "plugins");
        Directory.CreateDirectory(plugin);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "CsvHelper.dll"), Path.Combine(plugin, "CsvHelper.dll"));
        WriteConfig("JsonLines", "plugins/CsvHelper.dll");

        await RefusedAsync(Does.Contain("ConnectionPackages.JsonLines: ").And.Contain("CsvHelper.dll' does not reference IdentitySync.Core, so it is not a connection package."));
    }

    [Test]
    public async Task NotAnAssembly_IsNamed()
    {
        File.WriteAllText(Path.Combine(_directory, "fake.dll"), "not an assembly");
        WriteConfig("JsonLines", "fake.dll");

        await RefusedAsync(Does.Contain("ConnectionPackages.JsonLines: ").And.Contain("fake.dll' cannot be loaded"));
    }

    [Test]
    public async Task BuiltInId_IsRefused()
    {
        WriteConfig("csv", "plugins/anything");

        await RefusedAsync(Does.Contain("ConnectionPackages.csv: 'csv' is built into the command line; give the plug-in's package another id."));
    }

    [Test]
    public async Task UnknownPackageIdInAConnection_ListsTheLoadedOnes()
    {
        WriteConfig(null, null);

        await RefusedAsync(Does.Contain("no connection package 'JsonLines' is registered; registered: Csv, OrderFile, Ldap, Sql"));
    }

    [Test]
    public async Task Connections_WithAConfiguration_LoadsItsPlugins_AndNamesAMissingOne()
    {
        WriteConfig("JsonLines", "plugins/jsonlines");

        var listed = await CliRunner.RunAsync("connections", "--config", Config);
        var builtIn = await CliRunner.RunAsync("connections", "csv");

        Assert.Multiple(() =>
        {
            Assert.That(listed.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), "the plug-in the file names is loaded, so its absence is an error");
            Assert.That(listed.Error, Does.Contain("ConnectionPackages.JsonLines: "));
            Assert.That(builtIn.ExitCode, Is.EqualTo(ExitCodes.Success), "without a configuration: the built-in packages");
            Assert.That(builtIn.Output, Does.Contain("Csv (").And.Not.Contain("plug-in"));
        });
    }

    [TestCase("0.2.0.0", "0.2.0.0", true)]
    [TestCase("0.2.0.0", "0.2.5.0", true)]
    [TestCase("0.1.0.0", "0.2.0.0", false)]
    [TestCase("0.3.0.0", "0.2.0.0", false)]
    [TestCase("1.0.0.0", "1.4.0.0", true)]
    [TestCase("1.9.0.0", "1.4.0.0", true)]
    [TestCase("1.0.0.0", "2.0.0.0", false)]
    public void SpiVersions_AreCompatible_WithinAMajor_OrA0xMinor(string built, string host, bool compatible) =>
        Assert.That(ConnectionPlugins.IsCompatible(Version.Parse(built), Version.Parse(host)), Is.EqualTo(compatible));

    /// <summary>Validates the configuration: refused with exit 2, and an error the constraint accepts.</summary>
    private async Task RefusedAsync(NUnit.Framework.Constraints.IResolveConstraint error)
    {
        var result = await CliRunner.RunAsync("validate", "--config", Config);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
            Assert.That(result.Error, error);
        });
    }

    private void WriteConfig(string? id, string? path) =>
        File.WriteAllText(Config, $$"""
            {
              {{(id is null ? string.Empty : $"\"ConnectionPackages\": {{ \"{id}\": \"{path}\" }},")}}
              "IdentitySync": {
                "EntityTypes": [ { "Name": "Person", "Properties": [ { "Name": "Id" } ] } ],
                "Connectors": [
                  {
                    "Name": "People",
                    "Connections": [ { "Name": "Lines", "Package": "JsonLines", "Settings": { "Directory": "data" } } ],
                    "Mappings": [ { "EntityType": "Person", "Connection": "Lines", "Table": "people", "Properties": [ { "Property": "Id", "Column": "id", "Key": "Primary" } ] } ]
                  }
                ]
              }
            }
            """);
}
