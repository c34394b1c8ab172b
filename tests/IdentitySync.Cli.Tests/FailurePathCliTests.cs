namespace IdentitySync.Cli.Tests;

/// <summary>
/// Bad input and failing outputs end in one message and a documented exit code, never an unhandled
/// exception, and never lose a result: a report path that cannot be written is refused before the run,
/// and a report that fails after the commit is printed instead.
/// </summary>
public sealed class FailurePathCliTests
{
    private DemoDeployment _demo = null!;
    private string _directory = null!;

    private string Config => _demo.Config;

    private string People => Path.Combine(_directory, "hr", "people.csv");

    private string Store => _demo.Store;

    [SetUp]
    public void CreateDirectory()
    {
        _demo = new DemoDeployment("identitysync-failures");
        _directory = _demo.Directory;
    }

    [TearDown]
    public void DeleteDirectory() => _demo.Dispose();

    [TestCase("first_name", "\"first_name", "hr/people.csv: the header row cannot be read: Malformed CSV in record 1 (line 1): a quoted field that is never closed", TestName = "Sync_UnterminatedQuoteInTheHeader_Exits7")]
    [TestCase(";fte;", ";;", "hr/people.csv: the header has no name for column 5, and the mappings need 'fte'; name every column in the first line.", TestName = "Sync_UnnamedColumnTheMappingsNeed_Exits7")]
    [TestCase("last_name", "first_name", "hr/people.csv: column 'first_name' appears 2 times in the header; each column must be named once.", TestName = "Sync_DuplicateColumnName_Exits7")]
    public async Task Sync_MalformedHeader(string find, string replace, string message)
    {
        var lines = File.ReadAllLines(People);
        lines[0] = lines[0].Replace(find, replace, StringComparison.Ordinal);
        File.WriteAllLines(People, lines);

        var result = await CliRunner.RunAsync("sync", "--connector", "HR", "--config", Config);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(7), result.Error);
            Assert.That(Flat(result.Output), Does.Contain(message));
            Assert.That(result.Error, Does.Not.Contain("   at "), "no stack trace");
        });
    }

    [Test]
    public async Task Sync_InputPathIsAFolder_SaysSo()
    {
        File.Delete(People);
        Directory.CreateDirectory(People);

        var result = await CliRunner.RunAsync("sync", "--connector", "HR", "--config", Config);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(7));
            Assert.That(Flat(result.Output), Does.Contain($"'{People}' is a folder, not a CSV file (connector 'HR', connection 'People')"));
        });
    }

    [TestCase("sync", "--report")]
    [TestCase("categorize", "--report")]
    [TestCase("provision", "--report")]
    [TestCase("tickets export", "--out")]
    public async Task OutputInAFolderThatDoesNotExist_IsRefusedBeforeTheRun(string command, string option)
    {
        var path = Path.Combine(_directory, "missing", "report.json");

        var result = await CliRunner.RunAsync([.. command.Split(' '), option, path, "--config", Config]);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2), result.Error);
            Assert.That(result.Error, Does.Contain($"{option} {path}: the folder {Path.GetDirectoryName(path)} does not exist; create it or give another path. Nothing was run."));
            Assert.That(File.Exists(Store), Is.False, "nothing ran");
        });
    }

    [Test]
    public async Task ReportPathThatIsAFolder_IsRefusedBeforeTheRun()
    {
        var result = await CliRunner.RunAsync("sync", "--report", _directory, "--config", Config);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2));
            Assert.That(result.Error, Does.Contain($"--report {_directory}: is a folder; give a file's path. Nothing was run."));
        });
    }

    [Test]
    public async Task ReportOnAFullDisk_IsPrinted_AndTheAppliedRunKept()
    {
        // Linux's /dev/full refuses every write with ENOSPC: a full disk, for real.
        var result = await CliRunner.RunAsync("sync", "--connector", "HR", "--report", "/dev/full", "--config", Config);
        var list = await CliRunner.RunAsync("resources", "list", "--entity-type", "HR_Person", "--config", Config);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(1), "applied, but the report was lost from its file");
            Assert.That(result.Error, Does.Contain("--report /dev/full could not be written (No space left on device"));
            Assert.That(result.Error, Does.Contain("\"outcome\": \"Succeeded\""), "the report follows the message");
            Assert.That(list.Output, Does.Contain("1001"), "the synchronization was applied");
        });
    }

    [Test]
    public async Task JobsRun_TaskWithAnUnreadableExport_ExitsWithThatTasksCode_AndResumesOnceFixed()
    {
        File.Move(People, People + ".away");

        var failed = await CliRunner.RunAsync("jobs", "run", "--config", Config, "--mode", "initial");
        var id = System.Text.RegularExpressions.Regex.Match((await CliRunner.RunAsync("jobs", "list", "--config", Config)).Output, @"\d{8}T\d{6}-[0-9a-f]{8}").Value;
        File.Move(People + ".away", People);
        var resumed = await CliRunner.RunAsync("jobs", "resume", id, "--config", Config);

        Assert.Multiple(() =>
        {
            Assert.That(failed.ExitCode, Is.EqualTo(7), failed.Output + failed.Error);
            Assert.That(Flat(failed.Output + failed.Error), Does.Contain("people.csv' does not exist"));
            Assert.That(resumed.ExitCode, Is.EqualTo(0), resumed.Output + resumed.Error);
        });
    }

    [Test]
    public async Task Resume_WithNothingBlocked_SaysSoPlainly()
    {
        await CliRunner.RunAsync("sync", "--connector", "HR", "--config", Config);

        var result = await CliRunner.RunAsync("resume", "--connector", "HR", "--config", Config);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(0));
            Assert.That(Flat(result.Output), Does.Contain("HR complete synchronization: Skipped"));
            Assert.That(Flat(result.Output), Does.Contain("Connector 'HR' has no blocked synchronization; there is nothing to resume."));
            Assert.That(Flat(result.Output), Does.Not.Contain("Failed"));
        });
    }

    [Test]
    public async Task UnexpectedFailure_IsOneMessage_AndTheStackTraceOnlyWithVerbose()
    {
        static Task<int> Fail() => throw new InvalidOperationException("the thing broke");

        using var quiet = new StringWriter();
        using var verbose = new StringWriter();
        CliApplication.Verbose = false;
        var quietCode = await CliApplication.GuardAsync(quiet, Fail);
        CliApplication.Verbose = true;
        var verboseCode = await CliApplication.GuardAsync(verbose, Fail);
        CliApplication.Verbose = false;

        Assert.Multiple(() =>
        {
            Assert.That(quietCode, Is.EqualTo(1));
            Assert.That(quiet.ToString().Trim(), Is.EqualTo("Failed: the thing broke (InvalidOperationException). Nothing of an unfinished run was applied; run the command again with --verbose for the technical details."));
            Assert.That(verboseCode, Is.EqualTo(1));
            Assert.That(verbose.ToString(), Does.Contain("   at ").And.Contain("System.InvalidOperationException: the thing broke"));
        });
    }

    [Test]
    public async Task Verbose_IsAcceptedByEveryCommand()
    {
        var result = await CliRunner.RunAsync("validate", "--verbose", "--config", Config);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
    }

    /// <summary>The console wraps long lines at 120 columns; messages are compared unwrapped.</summary>
    [Test]
    public async Task StoreCheck_Consistent_Damaged_Missing()
    {
        var missing = await CliRunner.RunAsync("store", "check", "--config", Config);
        var sync = await CliRunner.RunAsync("sync", "--connector", "HR", "--mode", "initial", "--config", Config);
        var sound = await CliRunner.RunAsync("store", "check", "--config", Config);
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Store};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM resources WHERE key = '1002'";
            command.ExecuteNonQuery();
        }

        var damaged = await CliRunner.RunAsync("store", "check", "--config", Config);

        Assert.Multiple(() =>
        {
            Assert.That((missing.ExitCode, missing.Error.Trim()), Is.EqualTo((4, $"There is no store at {Store}; nothing to check (a synchronization creates it).")));
            Assert.That(sync.ExitCode, Is.EqualTo(0), sync.Output);
            Assert.That(sound.ExitCode, Is.EqualTo(0), sound.Output);
            Assert.That(sound.Output, Does.Contain(": consistent (").And.Contain(" resources, "));
            Assert.That(damaged.ExitCode, Is.EqualTo(8), damaged.Output);
            Assert.That(damaged.Output, Does.Match(@"HR_PersonOrganization link \d+ → \d+: no HR_Person has id \d+"));
        });
    }

    private static string Flat(string text) => text.Replace(Environment.NewLine, string.Empty, StringComparison.Ordinal);
}
