namespace IdentitySync.Cli.Tests;

/// <summary>
/// What an export holds is shown, never obeyed: control characters print escaped, brackets print as they
/// are, and rows that are not text are quarantined with file, line and column.
/// </summary>
public sealed class InputHygieneCliTests
{
    private DemoDeployment _demo = null!;

    private string People => Path.Combine(_demo.Directory, "hr", "people.csv");

    [SetUp]
    public void CreateDirectory() => _demo = new DemoDeployment("identitysync-hygiene");

    [TearDown]
    public void DeleteDirectory() => _demo.Dispose();

    [Test]
    public async Task ValuesWithEscapesAndBrackets_PrintAsTheyAre_AndBadRowsAreQuarantinedWithTheirPlace()
    {
        var initial = await CliRunner.RunAsync("sync", "--connector", "HR", "--mode", "initial", "--config", _demo.Config);
        Assert.That(initial.ExitCode, Is.EqualTo(0), initial.Output + initial.Error);
        byte[] rows =
        [
            .. "9001;\u001b[31mRed\u001b[0m;[red]x[/];01/01/2024;1;N;EXEC;\n"u8,
            .. "9002\u001b[2J;Clear;Screen;01/01/2024;1;N;EXEC;\n"u8,
            .. "9003;Zo"u8, 0xEB, .. ";Latin;01/01/2024;1;N;EXEC;\n"u8,
        ];
        var lines = File.ReadAllLines(People).Length;
        await using (var file = new FileStream(People, FileMode.Append))
        {
            await file.WriteAsync(rows);
        }

        var sync = await CliRunner.RunAsync("sync", "--connector", "HR", "--force", "--config", _demo.Config);
        var show = await CliRunner.RunAsync("resources", "show", "--entity-type", "HR_Person", "--key", "9001", "--config", _demo.Config);
        var list = await CliRunner.RunAsync("resources", "list", "--entity-type", "HR_Person", "--after", "9000", "--columns", "FirstName", "LastName", "--config", _demo.Config);

        Assert.Multiple(() =>
        {
            Assert.That(sync.ExitCode, Is.EqualTo(0), sync.Output + sync.Error);
            Assert.That(Flat(sync.Output), Does.Contain($"quarantined hr/people.csv:{lines + 2} 9002\\u001B[2J: primary key (column 'employee_id') holds the control character U+001B at character 5"));
            Assert.That(Flat(sync.Output), Does.Contain($"quarantined hr/people.csv:{lines + 3} 9003: column 'first_name': byte 0xEB at character 3 (after 'Zo') is not text in the export's encoding"));
            Assert.That(show.ExitCode + list.ExitCode, Is.EqualTo(0), show.Error + list.Error);
            Assert.That(show.Output, Does.Contain("\\u001B[31mRed\\u001B[0m").And.Contain("[red]x[/]"));
            Assert.That(list.Output, Does.Contain("\\u001B[31mRed\\u001B[0m").And.Contain("[red]x[/]").And.Not.Contain("9003"));
            Assert.That((sync.Output + show.Output + list.Output).IndexOf('\u001b', StringComparison.Ordinal), Is.EqualTo(-1), "no escape character reaches the terminal");
        });
    }

    [Test]
    public async Task Sync_WithQuarantine_WritesEveryQuarantinedRowToTheFileAsJsonLines()
    {
        var initial = await CliRunner.RunAsync("sync", "--connector", "HR", "--mode", "initial", "--config", _demo.Config);
        Assert.That(initial.ExitCode, Is.EqualTo(0), initial.Output + initial.Error);
        var lines = File.ReadAllLines(People).Length;
        File.AppendAllText(People, ";NoKey;Person;01/01/2024;1;N;EXEC;\n9004;Bad;Date;31/31/2024;1;N;EXEC;\n");
        var file = Path.Combine(_demo.Directory, "quarantine.jsonl");
        File.WriteAllText(file, "a file of an earlier run\n");

        var sync = await CliRunner.RunAsync("sync", "--connector", "HR", "--force", "--quarantine", file, "--config", _demo.Config);
        var missingFolder = await CliRunner.RunAsync("sync", "--connector", "HR", "--quarantine", Path.Combine(_demo.Directory, "nope", "q.jsonl"), "--config", _demo.Config);

        var written = File.ReadAllLines(file).Select(static l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(sync.ExitCode, Is.EqualTo(0), sync.Output + sync.Error);
            Assert.That(written.Select(static j => (j.GetProperty("connector").GetString(), j.GetProperty("source").GetString(), j.GetProperty("line").GetInt64())),
                Is.EqualTo(new[] { ("HR", "hr/people.csv", (long)lines + 1), ("HR", "hr/people.csv", (long)lines + 2), ("HR", "hr/people.csv", (long)lines + 2) }), "the earlier file replaced, every row written (9004's department link too)");
            Assert.That(written[0].GetProperty("reason").GetString(), Does.Contain("empty primary key"));
            Assert.That(written.Skip(1).Select(static j => j.GetProperty("key").GetString()), Is.EqualTo(new[] { "9004", "9004 -> EXEC" }));
            Assert.That(missingFolder.ExitCode, Is.EqualTo(2));
            Assert.That(missingFolder.Error, Does.Contain("--quarantine").And.Contain("does not exist"));
        });
    }

    private static string Flat(string text) => text.Replace(Environment.NewLine, string.Empty, StringComparison.Ordinal);
}
