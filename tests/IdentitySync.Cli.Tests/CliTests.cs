using System.Diagnostics;
using System.Text.Json;
using IdentitySync.Storage;
using IdentitySync.Storage.Sqlite;

namespace IdentitySync.Cli.Tests;

/// <summary>The command line in-process: each command's happy path and its main error, with exit codes.</summary>
public sealed class CliTests
{
    private DemoDeployment _demo = null!;
    private string _directory = null!;

    private string Config => Path.Combine(_directory, "identitysync.json");

    private string Store => Path.Combine(_directory, "identitysync.db");

    [SetUp]
    public void CreateDirectory()
    {
        _demo = new DemoDeployment("identitysync-cli");
        _directory = _demo.Directory;
    }

    [TearDown]
    public void DeleteDirectory() => _demo.Dispose();

    [Test]
    public async Task Demo_NoArguments_RunsTheWholeCycleDeterministically()
    {
        var demo = Path.Combine(_directory, "demo");

        var first = await RunAsync("demo", "--directory", demo);
        var second = await RunAsync("demo", "--directory", demo);

        Assert.Multiple(() =>
        {
            Assert.That(first.ExitCode, Is.EqualTo(0), first.Error);
            Assert.That(first.Output, Does.Contain("Step 4."));
            Assert.That(first.Output, Does.Contain("AD complete synchronization: Blocked"));
            Assert.That(first.Output, Does.Contain("Zoë Nakamura joined IT."));
            Assert.That(first.Output, Does.Contain("Provisioning: 54 order(s)."));
            Assert.That(first.Output, Does.Contain("Verification: 11 verified, 0 still waiting, 0 timed out."));
            Assert.That(first.Output, Does.Contain("MemberOf -'CN=GG_IT,OU=Groups,DC=demo,DC=test': the rules gave it before and no longer do"));
            Assert.That(File.ReadAllLines(Path.Combine(demo, "app", "tickets.csv")), Has.Length.EqualTo(8), "a header and 7 tickets");
            Assert.That(File.Exists(Path.Combine(demo, "identitysync.db")), Is.True);
            Assert.That(second.Output.Replace(demo, "DIR", StringComparison.Ordinal), Is.EqualTo(first.Output.Replace(demo, "DIR", StringComparison.Ordinal)));
        });
    }

    [Test]
    public async Task Demo_WithAccounts_GeneratesADirectoryOfThatSizeAndTimesEachStep()
    {
        var demo = Path.Combine(_directory, "scale");
        var expected = new SampleData.DataGenerator(500).Write(Path.Combine(_directory, "expected"), changeRate: 0.01);
        var distinctMemberships = File.ReadLines(Path.Combine(_directory, "expected", "members.csv")).Skip(1).Distinct().Count();

        var result = await RunAsync("demo", "--directory", demo, "--accounts", "500");

        var store = new Storage.Sqlite.SqliteResourceStore(Path.Combine(demo, "identitysync-scale.db"));
        Assert.Multiple(async () =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
            Assert.That(result.Output, Does.Contain("Generated 500 accounts (20 Active Directory columns), 10 groups"));
            Assert.That(result.Output, Does.Contain("Step 4."));
            Assert.That(result.Output, Does.Contain("Timings on this machine"));
            Assert.That(result.Output, Does.Contain("directory, 1 % changed"));
            Assert.That(await store.CountResourcesAsync("AD_User", CancellationToken.None), Is.EqualTo(expected.Accounts), "the changed export is what the store holds");
            Assert.That(await store.CountLinksAsync("AD_Membership", CancellationToken.None), Is.EqualTo(distinctMemberships), "a moved membership can repeat one the account had");
            Assert.That(await store.GetCategorizationsAsync("AD_User", CancellationToken.None), Has.Count.EqualTo(expected.Accounts), "every account categorized");
        });
    }

    [Test]
    public async Task Demo_IntoAFolderHoldingADeployment_IsRefusedUnlessForced()
    {
        // The test's folder holds a deployment: an identitysync.json, its exports and a store.
        await RunAsync("sync", "--config", Config, "--mode", "initial");
        var before = File.ReadAllBytes(Store);

        var refused = await RunAsync("demo", "--directory", _directory);
        var unchanged = File.ReadAllBytes(Store);
        var forced = await RunAsync("demo", "--directory", _directory, "--force");

        Assert.Multiple(() =>
        {
            Assert.That(refused.ExitCode, Is.EqualTo(2));
            Assert.That(refused.Error.Trim(), Is.EqualTo(
                $"--directory: '{_directory}' already holds files the demo did not write (it has an identitysync.json); the demo would replace its identitysync.json and store. "
                + "Give an empty or new folder, or add --force to replace them."));
            Assert.That(unchanged, Is.EqualTo(before), "the store was left alone");
            Assert.That(forced.ExitCode, Is.EqualTo(0), forced.Error);
            Assert.That(File.Exists(Path.Combine(_directory, ".identitysync-demo")), Is.True);
        });
    }

    [TestCase("99")]
    [TestCase("10000001")]
    public async Task Demo_AccountsOutOfRange_IsRefusedNamingTheRange(string accounts)
    {
        var result = await RunAsync("demo", "--directory", Path.Combine(_directory, "scale"), "--accounts", accounts);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2));
            Assert.That(result.Error, Does.Contain($"--accounts {accounts}: give a number of accounts from 100 to 10,000,000."));
            Assert.That(Directory.Exists(Path.Combine(_directory, "scale")), Is.False, "nothing written");
        });
    }

    [Test]
    public async Task Validate_DemoConfiguration_SaysItIsValid()
    {
        var result = await RunAsync("validate", "--config", Config);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
            Assert.That(result.Output, Does.Contain("is valid: 6 entity types, 3 connectors, 4 resource types."));
        });
    }

    [Test]
    public async Task Validate_InvalidConfiguration_ListsEveryErrorAndExits2()
    {
        File.WriteAllText(Config, File.ReadAllText(Config)
            .Replace("\"Key\": \"Primary\", \"Format\": \"ObjectGuid\"", "\"Format\": \"ObjectGuid\"", StringComparison.Ordinal)
            .Replace("\"Package\": \"Csv\", \"Settings\": { \"Path\": \"app/accounts.csv\" }", "\"Package\": \"Scim\"", StringComparison.Ordinal));

        var result = await RunAsync("validate", "--config", Config);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2));
            Assert.That(result.Error, Does.Contain("is invalid (2 errors):"));
            Assert.That(result.Error, Does.Contain("Connectors[AD].Mappings[AD_User].PrimaryKey: exactly one property must be the primary key (Key: Primary); found none"));
            Assert.That(result.Error, Does.Contain("Connectors[App].Connections[Accounts].Package: no connection package 'Scim' is registered; registered: Csv"));
            Assert.That(File.Exists(Store), Is.False, "nothing is written");
        });
    }

    /// <summary>Each connection's package checks its settings at validate, not only when a run opens it.</summary>
    [Test]
    public async Task Validate_BadConnectionSettings_AreReportedByTheirPackage()
    {
        File.WriteAllText(Config, File.ReadAllText(Config)
            .Replace(
                "\"Package\": \"Csv\", \"Settings\": { \"Path\": \"app/accounts.csv\" }",
                "\"Package\": \"Ldap\", \"Settings\": { \"Servers\": \"ldaps://dc1.example.org\", \"PageSzie\": \"10\", \"accounts.BaseDn\": \"OU=Apps,DC=example,DC=org\", \"accounts.Scope\": \"Tree\" }",
                StringComparison.Ordinal)
            .Replace("\"Separator\": \";\"", "\"Separator\": \";;\"", StringComparison.Ordinal));

        var result = await RunAsync("validate", "--config", Config);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2), result.Output);
            Assert.That(result.Error, Does.Contain("Connectors[App].Connections[Accounts].Settings.PageSzie: unknown setting"));
            Assert.That(result.Error, Does.Contain("Connectors[App].Connections[Accounts].Settings.accounts.Scope: 'Tree' is not allowed; give Subtree, OneLevel or Base"));
            Assert.That(result.Error, Does.Contain("Connectors[HR].Connections[People].Settings.Separator: ';;' is not a separator"));
        });
    }

    /// <summary>validate --connect opens each export: a column the file lacks is reported by its file and table.</summary>
    [Test]
    public async Task ValidateConnect_ColumnMissingFromAFile_IsReported()
    {
        var good = await RunAsync("validate", "--connect", "--config", Config);
        var people = Path.Combine(_directory, "hr", "people.csv");
        File.WriteAllText(people, File.ReadAllText(people).Replace("first_name", "firstname", StringComparison.Ordinal));

        var bad = await RunAsync("validate", "--connect", "--config", Config);

        Assert.Multiple(() =>
        {
            Assert.That(good.ExitCode, Is.EqualTo(0), good.Error);
            Assert.That(bad.ExitCode, Is.EqualTo(2), bad.Output);
            Assert.That(bad.Error, Does.Contain("Connectors[HR].Connections[People]: people.first_name: ").And.Contain("has no column 'first_name'"));
        });
    }

    [Test]
    public async Task Validate_MalformedJson_NamesTheFile()
    {
        File.WriteAllText(Config, "{ \"IdentitySync\": { ");

        var result = await RunAsync("validate", "--config", Config);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2));
            Assert.That(result.Error, Does.StartWith(Config + ": "));
        });
    }

    [Test]
    public async Task AnyCommand_MissingConfiguration_Exits2WithAHint()
    {
        var result = await RunAsync("sync", "--config", Path.Combine(_directory, "nope.json"));

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2));
            Assert.That(result.Error.Trim(), Is.EqualTo($"The configuration file '{Path.Combine(_directory, "nope.json")}' does not exist."));
        });
    }

    [Test]
    public async Task Sync_AllConnectors_SucceedsAndWritesTheReport()
    {
        var report = Path.Combine(_directory, "report.json");

        var result = await RunAsync("sync", "--config", Config, "--mode", "initial", "--report", report);

        using var json = JsonDocument.Parse(File.ReadAllText(report));
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
            Assert.That(result.Output, Does.Contain("HR initial synchronization: Succeeded"));
            Assert.That(result.Output, Does.Contain("HR: reading people" + Environment.NewLine + "HR: reading organizations" + Environment.NewLine
                + "HR: computing the change set and checking thresholds" + Environment.NewLine + "HR: applying the change set in one transaction"), "plain progress lines when not on a terminal");
            Assert.That(json.RootElement.EnumerateArray().Select(static r => r.GetProperty("connector").GetString()), Is.EqualTo(new[] { "HR", "AD", "App" }));
            Assert.That(json.RootElement[1].GetProperty("entityTypes")[0].GetProperty("inserted").GetInt32(), Is.EqualTo(41));
        });
    }

    [Test]
    public async Task Sync_TruncatedExport_Exits3AndResumeThenApplies()
    {
        await RunAsync("sync", "--config", Config, "--mode", "initial");
        new DemoCompany().WriteDirectory(_directory, limit: 20);

        var blocked = await RunAsync("sync", "--config", Config, "--connector", "ad");
        var resumed = await RunAsync("resume", "--config", Config, "--connector", "AD");
        var listed = await RunAsync("resources", "list", "--config", Config, "--entity-type", "AD_User", "--limit", "50");

        Assert.Multiple(() =>
        {
            Assert.That(blocked.ExitCode, Is.EqualTo(3));
            Assert.That(blocked.Output, Does.Contain("AD complete synchronization: Blocked"));
            Assert.That(resumed.ExitCode, Is.EqualTo(0), resumed.Error);
            Assert.That(listed.Output, Does.Contain("20 resource(s)."));
        });
    }

    [Test]
    public async Task Abandon_BlockedAndThenNothingBlocked_SaysSoAndExits0()
    {
        await RunAsync("sync", "--config", Config, "--mode", "initial");
        new DemoCompany().WriteDirectory(_directory, limit: 20);
        await RunAsync("sync", "--config", Config, "--connector", "AD");

        var first = await RunAsync("abandon", "--config", Config, "--connector", "AD");
        var second = await RunAsync("abandon", "--config", Config, "--connector", "AD");

        Assert.Multiple(() =>
        {
            Assert.That(first.ExitCode, Is.EqualTo(0));
            Assert.That(first.Output, Does.Contain("Abandoned the blocked synchronization of AD"));
            Assert.That(second.ExitCode, Is.EqualTo(0), "nothing to do is not a failure, as for resume");
            Assert.That(second.Output, Does.Contain("AD has no blocked synchronization; there is nothing to abandon."));
        });
    }

    [Test]
    public async Task Sync_DryRunOnANewStore_WritesNoFile()
    {
        var result = await RunAsync("sync", "--config", Config, "--mode", "initial", "--dry-run");

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
            Assert.That(result.Output, Does.Contain("(dry run: nothing written)"));
            Assert.That(Directory.GetFiles(_directory, "identitysync.db*"), Is.Empty);
        });
    }

    [Test]
    public async Task Sync_UnknownConnector_Exits2NamingTheKnownOnes()
    {
        var result = await RunAsync("sync", "--config", Config, "--connector", "LDAP");

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2));
            Assert.That(result.Error.Trim(), Is.EqualTo("--connector: unknown connector 'LDAP'; the configuration has HR, AD, App."));
        });
    }

    [Test]
    public async Task Sync_UnknownOption_Exits2()
    {
        var result = await RunAsync("sync", "--config", Config, "--forse");

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2));
            Assert.That(result.Error, Does.Contain("--forse"));
        });
    }

    [Test]
    public async Task Blocked_ShowsCountsPerScope_AndTheRowsAPageAtATime()
    {
        await RunAsync("sync", "--connector", "HR", "--config", Config);
        var people = Path.Combine(_directory, "hr", "people.csv");
        var lines = File.ReadAllLines(people);
        lines[1] = lines[1].Replace(";Carol;", ";Caroline;", StringComparison.Ordinal);
        File.WriteAllLines(people, lines.Take(21));
        var sync = await RunAsync("sync", "--connector", "HR", "--config", Config);

        var counts = await RunAsync("blocked", "--connector", "HR", "--config", Config);
        var page = await RunAsync("blocked", "--connector", "HR", "--scope", "hr_person", "--skip", "17", "--limit", "3", "--config", Config);
        var last = await RunAsync("blocked", "--connector", "HR", "--scope", "hr_person", "--skip", "20", "--config", Config);
        var unknown = await RunAsync("blocked", "--connector", "HR", "--scope", "Nope", "--config", Config);

        Assert.Multiple(() =>
        {
            Assert.That(sync.ExitCode, Is.EqualTo(3), "blocked by the deletion threshold");
            Assert.That(counts.ExitCode, Is.EqualTo(0), counts.Error);
            Assert.That(counts.Output, Does.Contain("│ HR_Person                     │ 0                │ 1       │ 20                │ 19        │"));
            Assert.That(counts.Output, Does.Contain("│ HR_PersonManager (links)      │ 0                │         │ 20                │ 19        │"));
            Assert.That(page.Output, Does.Contain("│ deleted │ 1040 │"));
            Assert.That(page.Output, Does.Contain("Rows 18 to 20 of 21; next: --skip 20."));
            Assert.That(last.Output, Does.Contain("│ updated │ 1001 │ FirstName: Carol → Caroline │"));
            Assert.That(last.Output, Does.Contain("Rows 21 to 21 of 21."));
            Assert.That(unknown.ExitCode, Is.EqualTo(2));
            Assert.That(unknown.Error, Does.Contain("--scope Nope: not in the blocked change set of HR; its scopes are HR_Person, HR_Organization, HR_PersonOrganization, HR_PersonManager."));
        });
    }

    [Test]
    public async Task ResourcesList_ShowsTheColumnsAsked_AndNamesAMisspelledOne()
    {
        await RunAsync("sync", "--connector", "HR", "--config", Config);

        var chosen = await RunAsync("resources", "list", "--entity-type", "HR_Person", "--columns", "lastname", "FirstName", "--limit", "1", "--config", Config);
        var misspelled = await RunAsync("resources", "list", "--entity-type", "HR_Person", "--columns", "LastName,FirstNam", "--config", Config);

        Assert.Multiple(() =>
        {
            Assert.That(chosen.ExitCode, Is.EqualTo(0), chosen.Error);
            Assert.That(chosen.Output, Does.Contain("│ key  │ LastName │ FirstName │"));
            Assert.That(chosen.Output, Does.Contain("│ 1001 │ Graham   │ Carol     │"));
            Assert.That(misspelled.ExitCode, Is.EqualTo(2));
            Assert.That(misspelled.Error.Trim(), Is.EqualTo("--columns FirstNam: HR_Person has no such property; did you mean FirstName?"));
        });
    }

    [Test]
    public async Task ResourcesList_Where_KeepsMatchingResources_AndNamesAnUnknownProperty()
    {
        await RunAsync("sync", "--connector", "HR", "--config", Config);

        var graham = await RunAsync("resources", "list", "--entity-type", "HR_Person", "--columns", "LastName", "--where", "LastName=Graham", "--config", Config);
        var none = await RunAsync("resources", "list", "--entity-type", "HR_Person", "--where", "LastName=Graham", "--where", "FirstName=Nobody", "--config", Config);
        var unknown = await RunAsync("resources", "list", "--entity-type", "HR_Person", "--where", "Surname=Graham", "--config", Config);
        var malformed = await RunAsync("resources", "list", "--entity-type", "HR_Person", "--where", "Graham", "--config", Config);

        Assert.Multiple(() =>
        {
            Assert.That(graham.ExitCode, Is.EqualTo(0), graham.Error);
            Assert.That(graham.Output, Does.Contain("│ 1001 │ Graham   │"));
            Assert.That(graham.Output, Does.Contain("1 resource(s)."));
            Assert.That(none.Output, Does.Contain("0 resource(s)."));
            Assert.That(unknown.ExitCode, Is.EqualTo(2));
            Assert.That(unknown.Error.Trim(), Does.StartWith("--where Surname=Graham: HR_Person has no property 'Surname'"));
            Assert.That(malformed.ExitCode, Is.EqualTo(2));
            Assert.That(malformed.Error.Trim(), Is.EqualTo("--where Graham: give Property=Value, such as Department=Sales."));
        });
    }

    [Test]
    public async Task Sync_UnreadableStore_Exits4AndLeavesTheFileAlone()
    {
        File.WriteAllText(Store, "not a database".PadRight(200, '!'));

        var result = await RunAsync("sync", "--config", Config);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(4), "store unavailable");
            Assert.That(result.Error.Trim(), Is.EqualTo($"'{Store}' is not an IdentitySync database (it is not a SQLite file); give a new file or an IdentitySync store."));
            Assert.That(File.ReadAllText(Store), Does.StartWith("not a database"));
        });
    }

    [Test]
    public async Task Discover_ListsTheTablesAndColumnsEachConnectionReads()
    {
        var result = await RunAsync("discover", "--config", Config, "--connector", "HR");

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
            Assert.That(result.Output, Does.Contain("HR.People (Csv)"));
            Assert.That(result.Output, Does.Match(@"\* \(hr[/\\]people\.csv\): employee_id, first_name"));
        });
    }

    [Test]
    public async Task Discover_UnknownConnector_IsAUsageError()
    {
        var result = await RunAsync("discover", "--config", Config, "--connector", "Payroll");

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
            Assert.That(result.Error, Does.Contain("--connector: unknown connector 'Payroll'"));
        });
    }

    [Test]
    public void ExitCodes_EveryFailureKind_HasItsOwnCodeAndOnlyNoneIsSuccess()
    {
        var codes = Enum.GetValues<FailureKind>().ToDictionary(static k => k, static k => ExitCodes.Of(k));

        Assert.Multiple(() =>
        {
            Assert.That(codes.Where(static c => c.Value == 0).Select(static c => c.Key), Is.EqualTo(new[] { FailureKind.None }));
            Assert.That(codes.Values.Distinct().Count(), Is.EqualTo(codes.Count), "no two kinds share a code");
            Assert.That(codes.Values, Has.None.EqualTo(ExitCodes.Blocked), "3 is for blocked runs only");
        });
    }

    [Test]
    public async Task Sync_ConnectorLockedByAnotherRun_Exits5()
    {
        await RunAsync("sync", "--config", Config, "--mode", "initial");
        using var other = new SqliteResourceStore(Store);
        await using var held = await other.LockConnectorAsync("HR", CancellationToken.None);

        var result = await RunAsync("sync", "--config", Config, "--connector", "HR");

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(5), result.Error);
            Assert.That(result.Output, Does.Contain("is already being synchronized"));
        });
    }

    [Test]
    public async Task Sync_ExportFileMissing_Exits7NamingTheFile()
    {
        File.Delete(Path.Combine(_directory, "hr", "people.csv"));

        var result = await RunAsync("sync", "--config", Config, "--connector", "HR", "--mode", "initial");

        Assert.Multiple(async () =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(7), "input unreadable");
            Assert.That(result.Output, Does.Contain("people.csv"));
            Assert.That(File.Exists(Store) ? await CountPeopleAsync() : 0, Is.Zero);
        });
    }

    [Test]
    public async Task Sync_Cancelled_Exits130AndAppliesNothing()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var result = await RunAsync(cancelled.Token, "sync", "--config", Config, "--mode", "initial");

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(130));
            Assert.That(result.Error.Trim(), Is.EqualTo("Cancelled; nothing of the interrupted run was applied."));
        });
    }

    [Test]
    public async Task PostgresStore_RefusedUntilMigrated_ThenSyncsAndReads()
    {
        var server = new Npgsql.NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable("IDENTITYSYNC_TEST_POSTGRES")
            ?? throw new AssertionException("IDENTITYSYNC_TEST_POSTGRES is not set: run the tests through build/test.sh, which starts a PostgreSQL server on loopback."));
        var schema = "cli" + Guid.NewGuid().ToString("N");
        var address = $"postgres://{server.Username}@{server.Host}:{server.Port}/{server.Database}?schema={schema}";
        try
        {
            var beforeMigrate = await RunAsync("sync", "--config", Config, "--store", address);
            var migrated = await RunAsync("store", "migrate", "--config", Config, "--store", address);
            var again = await RunAsync("store", "migrate", "--config", Config, "--store", address);
            var synced = await RunAsync("sync", "--config", Config, "--store", address, "--mode", "initial");
            var types = await RunAsync("resources", "types", "--config", Config, "--store", address);
            await using var versionConnection = new Npgsql.NpgsqlConnection(server.ConnectionString);
            await versionConnection.OpenAsync();
            await using var versionQuery = new Npgsql.NpgsqlCommand($"SELECT max(version) FROM \"{schema}\".schema_version", versionConnection);
            var version = (int)(await versionQuery.ExecuteScalarAsync())!;

            var described = $"PostgreSQL {server.Host}:{server.Port}/{server.Database} (schema '{schema}')";
            Assert.Multiple(() =>
            {
                Assert.That(beforeMigrate.ExitCode, Is.EqualTo(4), beforeMigrate.Error);
                Assert.That(version, Is.GreaterThanOrEqualTo(5), "the version the migration recorded in the schema");
                Assert.That(beforeMigrate.Error.Trim(), Is.EqualTo($"{described} holds no IdentitySync store; create it with 'identitysync store migrate' (or MigrateOnOpen) as a role that may create tables."));
                Assert.That(migrated.Output.Trim(), Is.EqualTo($"{described}: store version 0 → {version}."));
                Assert.That(again.Output.Trim(), Is.EqualTo($"{described}: already at store version {version}; nothing to do."));
                Assert.That(synced.ExitCode, Is.EqualTo(0), synced.Error + synced.Output);
                Assert.That(types.Output, Does.Contain("HR_Person"));
                Assert.That(File.Exists(Store), Is.False, "nothing was written to a SQLite file");
            });
        }
        finally
        {
            await using var connection = new Npgsql.NpgsqlConnection(server.ConnectionString);
            await connection.OpenAsync();
            await using var drop = new Npgsql.NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    [TestCase("postgres://alice:Marker-3e9@127.0.0.1/iga", "--store: the address holds a password, which would show in the process list; remove it and give it through PGPASSWORD or a passfile.")]
    [TestCase("postgres://127.0.0.1/iga?schema=1x", "--store: Schema: '1x' may hold only ASCII letters, digits and underscores, and not start with a digit.")]
    [TestCase("postgres://127.0.0.1/iga?sslmode=disable", "--store: unknown parameter 'sslmode' in the PostgreSQL address; only schema is read there.")]
    public async Task PostgresAddress_Invalid_Exits2WithoutEchoingASecret(string address, string message)
    {
        var result = await RunAsync("sync", "--config", Config, "--store", address);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2));
            Assert.That(result.Error.Trim(), Is.EqualTo(message));
            Assert.That(result.Error + result.Output, Does.Not.Contain("Marker-3e9"));
        });
    }

    [Test]
    public async Task PostgresConnectionStringWithAPassword_InTheConfiguration_IsRefused()
    {
        var json = File.ReadAllText(Config).Replace(
            "\"Store\": { \"Path\": \"identitysync.db\" }",
            "\"Store\": { \"Kind\": \"PostgreSql\", \"ConnectionString\": \"Host=127.0.0.1;Username=alice;Password=Marker-51a\" }",
            StringComparison.Ordinal);
        Assert.That(json, Does.Contain("Marker-51a"), "the sample configuration has the Store section this test replaces");
        File.WriteAllText(Config, json);

        var result = await RunAsync("sync", "--config", Config);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2));
            Assert.That(result.Error.Trim(), Is.EqualTo("Store:ConnectionString: holds a password; remove it and give it through PGPASSWORD or a passfile (PGPASSFILE), so the configuration file holds no secret."));
            Assert.That(result.Error + result.Output, Does.Not.Contain("Marker-51a"));
        });
    }

    [Test]
    public async Task StoreChangeFeedRetention_NegativeIsRefused_ZeroKeepsOnlyTheNewestVersion()
    {
        var sample = File.ReadAllText(Config);
        void Retention(string value) => File.WriteAllText(Config, sample.Replace(
            "\"Store\": { \"Path\": \"identitysync.db\" }",
            "\"Store\": { \"Path\": \"identitysync.db\", \"ChangeFeedRetention\": \"" + value + "\" }",
            StringComparison.Ordinal));
        Retention("-1.00:00:00");
        var negative = await RunAsync("sync", "--config", Config);
        Retention("00:00:00");

        var synchronized = await RunAsync("sync", "--config", Config, "--mode", "initial");
        var categorized = await RunAsync("categorize", "--config", Config);
        ChangeFeedHead head;
        using (var store = new SqliteResourceStore(Store))
        {
            head = await store.GetChangeFeedHeadAsync(CancellationToken.None);
        }

        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(Config), Does.Contain("\"ChangeFeedRetention\": \"00:00:00\""), "the sample configuration has the Store section this test replaces");
            Assert.That(negative.ExitCode, Is.EqualTo(2));
            Assert.That(negative.Error.Trim(), Is.EqualTo("Store:ChangeFeedRetention: '-1.00:00:00' is not a duration of zero or more, such as 7.00:00:00 (seven days) or 12:00:00 (twelve hours)."));
            Assert.That((synchronized.ExitCode, categorized.ExitCode), Is.EqualTo((0, 0)), synchronized.Error + categorized.Error);
            Assert.That(head.Version, Is.GreaterThanOrEqualTo(2), "the synchronization and the categorization each took a version");
            Assert.That(head.PrunedThrough, Is.EqualTo(head.Version - 1), "with no retention, each write pruned the versions before it");
        });
    }

    [Test]
    public async Task ResourcesShow_PersonWithLinks_PrintsValuesAndBothDirections()
    {
        await RunAsync("sync", "--config", Config, "--mode", "initial");

        var manager = await RunAsync("resources", "show", "--config", Config, "--entity-type", "HR_Person", "--key", "1002");
        var missing = await RunAsync("resources", "show", "--config", Config, "--entity-type", "HR_Person", "--key", "9999");

        Assert.Multiple(() =>
        {
            Assert.That(manager.ExitCode, Is.EqualTo(0), manager.Error);
            Assert.That(manager.Output, Does.Contain("│ EmployeeId   │ 1002"));
            Assert.That(manager.Output, Does.Contain("Organization: FIN"));
            Assert.That(manager.Output, Does.Contain("Manager: 1001"));
            Assert.That(manager.Output, Does.Match(@"DirectReports: (10\d\d, ){8}10\d\d"));
            Assert.That(missing.ExitCode, Is.EqualTo(2));
            Assert.That(missing.Error.Trim(), Is.EqualTo("--key: no HR_Person has the key '9999'."));
        });
    }

    [Test]
    public async Task Jobs_RunBlockedListShowResume_FollowTheRun()
    {
        var initial = await RunAsync("jobs", "run", "--config", Config, "--mode", "initial");
        new DemoCompany().WriteDirectory(_directory, limit: 20);

        var blocked = await RunAsync("jobs", "run", "--config", Config);
        var id = System.Text.RegularExpressions.Regex.Match(blocked.Output, @"Job run (\S+) \(sync\): Blocked").Groups[1].Value;
        var listed = await RunAsync("jobs", "list", "--config", Config);
        var shown = await RunAsync("jobs", "show", id, "--config", Config);
        var resumed = await RunAsync("jobs", "resume", id, "--config", Config);
        var forced = await RunAsync("jobs", "resume", id, "--config", Config);
        var again = await RunAsync("jobs", "resume", id, "--config", Config);

        Assert.Multiple(() =>
        {
            Assert.That(initial.ExitCode, Is.EqualTo(0), initial.Error);
            Assert.That(initial.Output, Does.Contain("[1/7] synchronize HR (initial): Succeeded"));
            Assert.That(initial.Output, Does.Contain("[4/7] categorize: Succeeded"), "no identity exists before the first provisioning");
            Assert.That(initial.Output, Does.Contain("52 accounts categorized: 0 correlated, 2 classified, 0 to review"));
            Assert.That(initial.Output, Does.Contain("54 orders: 51 added, 1 modified, 0 deleted, 2 non-conforming"));
            Assert.That(initial.Output, Does.Contain("0 executed, 5 handed over, 7 tickets opened"));
            Assert.That(blocked.ExitCode, Is.EqualTo(3));
            Assert.That(blocked.Output, Does.Contain("[2/7] synchronize AD: Blocked"));
            Assert.That(blocked.Output, Does.Not.Contain("[3/7]"), "a blocked task stops the job");
            Assert.That(id, Is.Not.Empty);
            Assert.That(listed.Output, Does.Contain(id));
            Assert.That(shown.Output, Does.Contain("synchronize App │ Pending"));
            Assert.That(resumed.ExitCode, Is.EqualTo(3), "applying the truncated export leaves 24 owners without an account: provisioning thresholds stop their orders");
            Assert.That(resumed.Output, Does.Contain("resumed from task 2, synchronize AD."));
            Assert.That(resumed.Output, Does.Contain("[3/7] synchronize App: Succeeded"));
            Assert.That(resumed.Output, Does.Contain("[6/7] provision: Blocked"));
            Assert.That(forced.ExitCode, Is.EqualTo(0), forced.Error);
            Assert.That(forced.Output, Does.Contain("resumed from task 6, provision."));
            Assert.That(forced.Output, Does.Contain("[7/7] fulfill: Succeeded"));
            Assert.That(again.ExitCode, Is.EqualTo(2));
            Assert.That(again.Error.Trim(), Is.EqualTo($"Job run {id} ended Succeeded; only a blocked, failed or cancelled run can be resumed."));
        });
    }

    [Test]
    public async Task Categorize_ThenReview_SettlesTheSuggestion()
    {
        await RunAsync("sync", "--config", Config, "--mode", "initial");
        await RunAsync("provision", "--config", Config);
        var report = Path.Combine(_directory, "categorization.json");

        var categorized = await RunAsync("categorize", "--full", "--config", Config, "--report", report);
        var suggestions = await RunAsync("categorize", "suggestions", "--config", Config);
        var orphans = await RunAsync("categorize", "orphans", "--config", Config);
        var accepted = await RunAsync("categorize", "accept", "--config", Config, "--entity-type", "AD_User", "--key", "0000000e-2026-0042-0000-000000000001");
        var unknownOwner = await RunAsync("categorize", "accept", "--config", Config, "--entity-type", "AD_User", "--key", "0000000e-2026-0042-0000-000000000001", "--owner", "9999");
        var after = await RunAsync("categorize", "suggestions", "--config", Config);

        Assert.Multiple(() =>
        {
            Assert.That(categorized.ExitCode, Is.EqualTo(0), categorized.Error);
            Assert.That(categorized.Output, Does.Contain("Categorization: 92 accounts categorized, 0 kept as they were, 4 uncategorized."));
            Assert.That(File.ReadAllText(report), Does.Contain("\"considered\": 92"));
            Assert.That(suggestions.Output, Does.Contain("│ Suggested │ AD_NominativeUser │ 1014"));
            Assert.That(suggestions.Output, Does.Contain("1 account(s)."));
            Assert.That(orphans.Output, Does.Contain("2 account(s)."));
            Assert.That(accepted.ExitCode, Is.EqualTo(0), accepted.Error);
            Assert.That(accepted.Output.Trim(), Is.EqualTo("AD_User 0000000e-2026-0042-0000-000000000001: Reviewed as AD_NominativeUser."));
            Assert.That(unknownOwner.ExitCode, Is.EqualTo(2));
            Assert.That(unknownOwner.Error.Trim(), Is.EqualTo("--owner: no Identity has the key '9999'."));
            Assert.That(after.Output, Does.Contain("0 account(s)."));
        });
    }

    [Test]
    public async Task Provision_DryRunThenReal_ListShowAndReviewOrders()
    {
        await RunAsync("sync", "--config", Config, "--mode", "initial");
        await RunAsync("categorize", "--config", Config);

        var dry = await RunAsync("provision", "--dry-run", "--config", Config);
        var afterDry = await RunAsync("orders", "list", "--config", Config);
        var real = await RunAsync("provision", "--config", Config, "--report", Path.Combine(_directory, "provision.json"));
        var awaiting = await RunAsync("orders", "list", "--state", "AwaitingApproval", "--config", Config);
        var awaitingOfType = await RunAsync("orders", "list", "--state", "AwaitingApproval", "--type", "ad_nominativeuser", "--config", Config);
        var ofOtherType = await RunAsync("orders", "list", "--state", "AwaitingApproval", "--type", "App_User", "--config", Config);
        var unknownType = await RunAsync("orders", "list", "--type", "AD_Usr", "--config", Config);
        var shown = await RunAsync("orders", "show", "41", "--config", Config);
        var declined = await RunAsync("orders", "decline", "41", "--note", "kept on purpose", "--config", Config);
        var again = await RunAsync("orders", "approve", "41", "--config", Config);
        var missing = await RunAsync("orders", "show", "999", "--config", Config);
        var postponed = await RunAsync("orders", "postpone", "43", "--until", "2099-01-01T09:00Z", "--config", Config);
        var badDate = await RunAsync("orders", "postpone", "43", "--until", "someday", "--config", Config);

        Assert.Multiple(() =>
        {
            Assert.That(dry.ExitCode, Is.EqualTo(0), dry.Error);
            Assert.That(dry.Output, Does.Contain("Provisioning (dry run: nothing saved): 40 order(s)."));
            Assert.That(afterDry.Output, Does.Contain("0 order(s);"));
            Assert.That(real.ExitCode, Is.EqualTo(0), real.Error);
            Assert.That(File.ReadAllText(Path.Combine(_directory, "provision.json")), Does.Contain("\"nonConforming\": 2"));
            Assert.That(awaiting.Output, Does.Contain("2 order(s);"));
            Assert.That(awaitingOfType.Output, Is.EqualTo(awaiting.Output), "both orders awaiting review are AD_NominativeUser's; the type matches in any case");
            Assert.That(ofOtherType.Output, Does.Contain("0 order(s);"));
            Assert.That(unknownType.ExitCode, Is.EqualTo(2));
            Assert.That(unknownType.Error, Does.Contain("--type: 'AD_Usr' is not a resource type of ").And.EndWith("its resource types: HR_Identity, AD_NominativeUser, AD_AdminUser, App_User.\n"));
            Assert.That(JsonDocument.Parse(shown.Output).RootElement.GetProperty("kind").GetString(), Is.EqualTo("NonConforming"));
            Assert.That(declined.Output.Trim(), Is.EqualTo("Order 41: Declined."));
            Assert.That(again.ExitCode, Is.EqualTo(2));
            Assert.That(again.Error.Trim(), Is.EqualTo("Order 41 is Declined; only orders awaiting approval can be reviewed."));
            Assert.That(missing.ExitCode, Is.EqualTo(2));
            Assert.That(missing.Error.Trim(), Is.EqualTo("There is no order 999; list them with 'orders list'."));
            Assert.That(postponed.Output.Trim(), Is.EqualTo("Order 43: AwaitingApproval, postponed until 2099-01-01 09:00 UTC."));
            Assert.That(badDate.ExitCode, Is.EqualTo(2));
            Assert.That(badDate.Error.Trim(), Is.EqualTo("--until: 'someday' is not a date and time; give one such as 2026-12-01T09:00Z."));
        });
    }

    [Test]
    public async Task OrdersArchived_ListsInPages_ShowReadsAnArchivedOrder_AndReviewRefusesIt()
    {
        await RunAsync("sync", "--config", Config, "--mode", "initial");
        await RunAsync("categorize", "--config", Config);
        await RunAsync("provision", "--config", Config);
        await RunAsync("orders", "decline", "41", "--config", Config);
        await RunAsync("orders", "decline", "43", "--config", Config);
        var before = await RunAsync("orders", "archived", "--config", Config);
        using (var store = new SqliteResourceStore(Store))
        {
            // What generation does after ArchiveAfter, with a time past every order.
            await store.ArchiveOrdersAsync("AD_NominativeUser", DateTimeOffset.MaxValue, CancellationToken.None);
        }

        var firstPage = await RunAsync("orders", "archived", "--type", "ad_nominativeuser", "--limit", "1", "--config", Config);
        var secondPage = await RunAsync("orders", "archived", "--after", "41", "--config", Config);
        var shown = await RunAsync("orders", "show", "41", "--config", Config);
        var approve = await RunAsync("orders", "approve", "41", "--config", Config);
        var working = await RunAsync("orders", "list", "--state", "Declined", "--config", Config);
        var badLimit = await RunAsync("orders", "archived", "--limit", "0", "--config", Config);
        var badType = await RunAsync("orders", "archived", "--type", "AD_Usr", "--config", Config);

        Assert.Multiple(() =>
        {
            Assert.That(before.ExitCode, Is.EqualTo(0), before.Error);
            Assert.That(before.Output, Does.Contain("0 order(s);"));
            Assert.That(firstPage.ExitCode, Is.EqualTo(0), firstPage.Error);
            Assert.That(firstPage.Output, Does.Contain("│ 41 │ Declined").And.Contain("1 order(s);").And.Contain("More may follow: add --after 41."));
            Assert.That(secondPage.Output, Does.Contain("│ 43 │ Declined").And.Contain("1 order(s);").And.Not.Contain("│ 41 │"));
            Assert.That(shown.ExitCode, Is.EqualTo(0), shown.Error);
            Assert.That(JsonDocument.Parse(shown.Output).RootElement.GetProperty("state").GetString(), Is.EqualTo("Declined"));
            Assert.That(approve.ExitCode, Is.EqualTo(2));
            Assert.That(approve.Error.Trim(), Is.EqualTo("Order 41 is archived: it ended Declined and can no longer change; 'orders show 41' reads it."));
            Assert.That(working.Output, Does.Contain("0 order(s);"));
            Assert.That(badLimit.ExitCode, Is.EqualTo(2));
            Assert.That(badLimit.Error.Trim(), Is.EqualTo("--limit: 0 is out of range; give 1 to 10000."));
            Assert.That(badType.ExitCode, Is.EqualTo(2));
            Assert.That(badType.Error, Does.Contain("--type: 'AD_Usr' is not a resource type of "));
        });
    }

    [Test]
    public async Task Provision_OverTheApplicationsThreshold_Exits3AndForceGoesThrough()
    {
        File.WriteAllText(Config, File.ReadAllText(Config).Replace("\"MaxOrders\": 30", "\"MaxOrders\": 2", StringComparison.Ordinal));
        await RunAsync("sync", "--config", Config, "--mode", "initial");
        await RunAsync("categorize", "--config", Config);

        var blocked = await RunAsync("provision", "--config", Config);
        var forced = await RunAsync("provision", "--force", "--config", Config);

        Assert.Multiple(() =>
        {
            Assert.That(blocked.ExitCode, Is.EqualTo(3));
            Assert.That(blocked.Output, Does.Contain("Provisioning: 54 order(s), blocked by thresholds."));
            Assert.That(forced.ExitCode, Is.EqualTo(0), forced.Error);
            Assert.That(forced.Output, Does.Contain("Provisioning: 7 order(s)."), "the directory's orders were saved by the first run");
        });
    }

    [Test]
    public async Task OrdersFulfil_TheFormerSpelling_StillFulfills()
    {
        await RunAsync("sync", "--config", Config, "--mode", "initial");
        await RunAsync("categorize", "--config", Config);
        await RunAsync("provision", "--config", Config);

        var fulfilled = await RunAsync("orders", "fulfil", "--config", Config);

        Assert.Multiple(() =>
        {
            Assert.That(fulfilled.ExitCode, Is.EqualTo(0), fulfilled.Error);
            Assert.That(fulfilled.Output, Does.Contain("Fulfillment: 0 executed, 5 handed over, 7 ticket(s) opened"));
        });
    }

    [Test]
    public async Task Tickets_ListExportDoneAndFail()
    {
        await RunAsync("sync", "--config", Config, "--mode", "initial");
        await RunAsync("categorize", "--config", Config);
        var provisioned = await RunAsync("provision", "--fulfill", "--config", Config);
        var csv = Path.Combine(_directory, "tickets.csv");
        var json = Path.Combine(_directory, "tickets.json");

        var listed = await RunAsync("tickets", "list", "--config", Config);
        var exported = await RunAsync("tickets", "export", "--out", csv, "--config", Config);
        var exportedJson = await RunAsync("tickets", "export", "--format", "json", "--out", json, "--config", Config);
        var done = await RunAsync("tickets", "done", "48", "--note", "alice", "--config", Config);
        var failed = await RunAsync("tickets", "fail", "49", "--message", "no licence", "--config", Config);
        var notATicket = await RunAsync("tickets", "done", "44", "--config", Config);
        var badFormat = await RunAsync("tickets", "export", "--format", "xlsx", "--out", csv, "--config", Config);

        Assert.Multiple(() =>
        {
            Assert.That(provisioned.Output, Does.Contain("Fulfillment: 0 executed, 5 handed over, 7 ticket(s) opened"));
            Assert.That(listed.Output, Does.Contain("7 order(s);"));
            Assert.That(exported.Output.Trim(), Is.EqualTo($"7 ticket(s) written to {csv}."));
            Assert.That(File.ReadAllLines(csv)[0], Does.StartWith("id,createdAt,state,connector,resourceType,changeType"));
            Assert.That(JsonDocument.Parse(File.ReadAllText(json)).RootElement.GetArrayLength(), Is.EqualTo(7));
            Assert.That(done.Output.Trim(), Is.EqualTo("Order 48: Executed."));
            Assert.That(failed.Output.Trim(), Is.EqualTo("Order 49: Error."));
            Assert.That(notATicket.ExitCode, Is.EqualTo(2));
            Assert.That(notATicket.Error.Trim(), Is.EqualTo("Order 44 is not an open ticket (it is Transmitted, fulfilled by a connection); list them with 'tickets list'."));
            Assert.That(badFormat.ExitCode, Is.EqualTo(2));
            Assert.That(Directory.GetFiles(Path.Combine(_directory, "ad", "orders"), "orders-AD-*.json").Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.GetArrayLength()),
                Is.EqualTo(new[] { 5 }), "the directory's orders went to its order file, not to tickets");
        });
    }

    [Test]
    public async Task Resources_TypesSetAndShow_FollowAnIdentityFromHr()
    {
        await RunAsync("jobs", "run", "--config", Config, "--mode", "initial");

        var types = await RunAsync("resources", "types", "--config", Config);
        var set = await RunAsync("resources", "set", "--entity-type", "Identity", "--key", "1005", "--property", "Login", "--value", "my.login", "--by", "alice", "--note", "asked", "--config", Config);
        var shown = await RunAsync("resources", "show", "--entity-type", "Identity", "--key", "1005", "--config", Config);
        var person = await RunAsync("resources", "show", "--entity-type", "HR_Person", "--key", "1005", "--config", Config);
        var refused = await RunAsync("resources", "set", "--entity-type", "AD_User", "--key", "x", "--property", "Dn", "--value", "y", "--config", Config);

        Assert.Multiple(() =>
        {
            Assert.That(types.Output, Does.Contain("│ HR_Person       │ HR                     │ 40        │ Organization → HR_Organization, Manager → HR_Person,"));
            Assert.That(types.Output, Does.Contain("│ Identity        │ HR_Identity (workflow) │ 40        │"));
            Assert.That(set.ExitCode, Is.EqualTo(0), set.Error);
            Assert.That(set.Output.Trim(), Is.EqualTo("Identity 1005: Login set by alice."));
            Assert.That(shown.Output, Does.Contain("│ Login            │ my.login"));
            Assert.That(shown.Output, Does.Contain("Login set by hand, alice on "));
            Assert.That(shown.Output, Does.Contain("FirstName set by HR / HR_Identity (order 5) on "));
            Assert.That(person.Output, Does.Contain("Organization: SAL"));
            Assert.That(person.Output, Does.Contain("Manager: 1001"));
            Assert.That(refused.ExitCode, Is.EqualTo(2));
            Assert.That(refused.Error.Trim(), Is.EqualTo("AD_User is synchronized from connector AD: change it in the managed system, not in the repository."));
        });
    }

    [Test]
    public async Task JobsShow_UnknownId_Exits2()
    {
        var result = await RunAsync("jobs", "show", "nope", "--config", Config);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2));
            Assert.That(result.Error.Trim(), Is.EqualTo("No job run has the id 'nope'; 'identitysync jobs list' shows them."));
        });
    }

    [Test]
    public async Task Tool_AsARealProcess_RunsTheDemo()
    {
        var tool = Path.Combine(AppContext.BaseDirectory, "identitysync.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _directory,
        };
        start.ArgumentList.Add(tool);
        start.ArgumentList.Add("demo");
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Multiple(() =>
        {
            Assert.That(process.ExitCode, Is.EqualTo(0), error);
            Assert.That(output, Does.Contain($"IdentitySync demo in {Path.Combine(_directory, "identitysync-demo")}"));
            Assert.That(File.Exists(Path.Combine(_directory, "identitysync-demo", "identitysync.db")), Is.True);
        });
    }

    private async Task<long> CountPeopleAsync()
    {
        using var store = new SqliteResourceStore(Store);
        return await store.CountResourcesAsync("HR_Person", CancellationToken.None);
    }

    private static Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) => CliRunner.RunAsync(CancellationToken.None, args);

    private static Task<(int ExitCode, string Output, string Error)> RunAsync(CancellationToken cancellationToken, params string[] args) => CliRunner.RunAsync(cancellationToken, args);
}

/// <summary>Runs the command line in process, capturing what it writes.</summary>
internal static class CliRunner
{
    public static Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) => RunAsync(CancellationToken.None, args);

    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(CancellationToken cancellationToken, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CliApplication.RunAsync(args, output, error, cancellationToken);
        return (exitCode, output.ToString(), error.ToString());
    }
}
