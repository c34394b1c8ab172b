using System.Globalization;
using System.Text;
using IdentitySync.Configuration;
using IdentitySync.Connections;
using IdentitySync.Connections.Csv;
using IdentitySync.Model;
using IdentitySync.Synchronization;
using Microsoft.Extensions.Time.Testing;

namespace IdentitySync.Storage.Sqlite.Tests;

/// <summary>
/// Valid CSV exports mutated by structure-aware operators (truncations, quote storms, huge fields, wrong
/// types, invalid bytes, control characters, markup brackets, torn headers…), each run in process through
/// the package's check and a synchronization into one SQLite store. Every input must end synced,
/// quarantined with a reason, or refused with a message; nothing else may escape; a run that is not
/// applied leaves the store exactly as it was; and the store check passes after every input.
/// </summary>
/// <remarks>
/// <c>IDENTITYSYNC_FUZZ_INPUTS</c> sets the number of inputs (5,000 by default) and <c>IDENTITYSYNC_FUZZ_SEED</c>
/// the seed (printed at the start; random by default). An input that fails is written beside the test's
/// output with its seed and number; copy it into <c>FuzzRegressions/</c> (named after its table, such as
/// <c>users-….csv</c>), where every run replays it first.
/// </remarks>
public sealed class SyncFuzzTests : TemporaryDirectoryTests
{
    private const string UsersSeed = "dn,sam,employeeId,created,proxies\n\"CN=u1,OU=Users\",u1,E001,2024-01-02,smtp:u1@corp.test|sip:u1@corp.test\n\"CN=u2,OU=Users\",u2,E002,2024-01-03,smtp:u2@corp.test\n\"CN=Smith\\, Ann,OU=Users\",asmith,E003,2023-12-31T10:00:00Z,\n\"CN=u4,OU=Users\",u4,E004,2024-02-29,\"smtp:u4@corp.test|x400:c=US;a= ;p=Corp\"\n\"CN=u5,OU=Users\",u5,E005,2024-03-01,smtp:u5@corp.test\n";
    private const string GroupsSeed = "dn,cn\nCN=Staff,Staff\nCN=Admins,Admins\n\"CN=Sales, \"\"EU\"\"\",Sales EU\n";
    private const string MembersSeed = "group_dn,member_sam\nCN=Staff,u1\nCN=Staff,u2\nCN=Staff,asmith\nCN=Admins,u2\n\"CN=Sales, \"\"EU\"\"\",u4\nCN=Staff,u5\n";

    private static readonly string[] s_tables = ["users", "groups", "members"];

    private static readonly IdentityModel s_model = new IdentityModelBuilder()
        .AddEntityType("AD_User", static e => e
            .AddProperty("Dn").AddProperty("Sam").AddProperty("EmployeeId").AddProperty("Created", ScalarType.DateTime)
            .AddProperty("Proxies", isMultiValued: true).AddNavigationProperty("MemberOf", "AD_Group", isMultiValued: true))
        .AddEntityType("AD_Group", static e => e.AddProperty("Dn").AddProperty("Cn").AddNavigationProperty("Members", "AD_User", isMultiValued: true))
        .AddAssociation("AD_Membership", "AD_Group.Members", "AD_User.MemberOf")
        .AddConnector("AD", static c =>
        {
            c.AddConnection("Export", "Csv", [new("Path", "{table}.csv")])
                .MapEntityType("AD_User", "Export", "users", static m => m
                    .Map("Dn", "dn", PropertyKey.Primary).Map("Sam", "sam", PropertyKey.Unique).Map("EmployeeId", "employeeId")
                    .Map("Created", "created").Map("Proxies", "proxies"))
                .MapEntityType("AD_Group", "Export", "groups", static m => m.Map("Dn", "dn", PropertyKey.Primary).Map("Cn", "cn"))
                .MapAssociation("AD_Membership", "Export", "members", "group_dn", "member_sam", secondKey: "Sam");
            c.Options.MaxValueLength = 4_000;
            c.ConfigureThresholds(static t =>
            {
                t.Resources.MaxInserted = t.Resources.MaxUpdated = t.Resources.MaxDeleted = 0;
                t.Resources.MaxInsertedPercent = t.Resources.MaxUpdatedPercent = 0;
                t.Resources.MaxDeletedPercent = 60;
                t.Links.MaxInserted = t.Links.MaxDeleted = 0;
                t.Links.MaxInsertedPercent = t.Links.MaxDeletedPercent = 0;
            });
        })
        .Build();

    [Test]
    public async Task MutatedExports_EndSyncedQuarantinedOrRefused_AndTheStoreStaysConsistent()
    {
        var count = int.TryParse(Environment.GetEnvironmentVariable("IDENTITYSYNC_FUZZ_INPUTS"), CultureInfo.InvariantCulture, out var n) ? n : 5_000;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("IDENTITYSYNC_FUZZ_SEED"), CultureInfo.InvariantCulture, out var s) ? s : Random.Shared.Next();
        await TestContext.Progress.WriteLineAsync($"fuzz: seed {seed}, {count} inputs (IDENTITYSYNC_FUZZ_SEED, IDENTITYSYNC_FUZZ_INPUTS)");
        using var store = new SqliteResourceStore(TestDirectory.File("fuzz.db"));
        var engine = new SyncEngine(s_model, store, [new CsvConnectionPackage()], new SyncEngineOptions { BaseDirectory = TestDirectory.Path }, new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        var failures = new List<string>();
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);

        // Inputs that failed once are replayed first, then the generated ones.
        var inputs = Regressions().Concat(Generated(seed, count));
        foreach (var (name, table, bytes) in inputs)
        {
            WriteSeeds();
            await File.WriteAllBytesAsync(TestDirectory.File(table + ".csv"), bytes);
            var problem = await RunOneAsync(engine, store, outcomes);
            if (problem is not null)
            {
                failures.Add($"{name} ({table}.csv): {problem}");
                var kept = Path.Combine(TestContext.CurrentContext.WorkDirectory, "fuzz-failures", $"{table}-{name}.csv");
                Directory.CreateDirectory(Path.GetDirectoryName(kept)!);
                await File.WriteAllBytesAsync(kept, bytes);
                if (failures.Count >= 20)
                {
                    break;
                }
            }
        }

        await TestContext.Progress.WriteLineAsync("fuzz outcomes: " + string.Join(", ", outcomes.OrderBy(static o => o.Key, StringComparer.Ordinal).Select(static o => $"{o.Key} {o.Value}")));
        Assert.That(failures, Is.Empty, $"seed {seed}; failing inputs are kept in {Path.Combine(TestContext.CurrentContext.WorkDirectory, "fuzz-failures")}: copy them into FuzzRegressions/");
        Assert.That(outcomes.Keys, Is.SupersetOf(new[] { "Succeeded", "Succeeded with quarantine", "Failed" }), "the operators reach every ending");
    }

    /// <summary>Runs one input; returns what went wrong, or null.</summary>
    private async Task<string?> RunOneAsync(SyncEngine engine, SqliteResourceStore store, Dictionary<string, int> outcomes)
    {
        var before = await DumpAsync(store);
        string outcome;
        try
        {
            // The package's own check (what `validate --connect` runs), then a synchronization.
            var connection = s_model.GetConnector("AD").Connections[0];
            var tables = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase)
            {
                ["users"] = ["dn", "sam", "employeeId", "created", "proxies"],
                ["groups"] = ["dn", "cn"],
                ["members"] = ["group_dn", "member_sam"],
            };
            var checks = await new CsvConnectionPackage().CheckAsync(connection, tables, new ConnectionContext("AD", TestDirectory.Path, TimeProvider.System), CancellationToken.None);
            if (checks.Any(static c => string.IsNullOrWhiteSpace(c)))
            {
                return "the package's check returned an empty problem";
            }

            var report = await engine.SynchronizeAsync("AD", new SyncRunOptions { ReadUnchanged = true });
            var quarantined = report.EntityTypes.SelectMany(static e => e.Quarantined).Concat(report.Associations.SelectMany(static a => a.Quarantined)).ToList();
            if (quarantined.Any(static q => string.IsNullOrWhiteSpace(q.Reason) || q.Line < 1))
            {
                return "a row was quarantined without a reason or a line";
            }

            if (report.Outcome != SyncOutcome.Succeeded && string.IsNullOrWhiteSpace(report.Message))
            {
                return $"a {report.Outcome} run has no message";
            }

            if (report.Outcome != SyncOutcome.Succeeded && !(await DumpAsync(store)).SequenceEqual(before))
            {
                return $"a {report.Outcome} run changed the store: {report.Message}";
            }

            if (report.Outcome == SyncOutcome.Blocked)
            {
                await engine.AbandonAsync("AD");
            }

            if (report.Outcome == SyncOutcome.Failed && Environment.GetEnvironmentVariable("IDENTITYSYNC_FUZZ_VERBOSE") is not null)
            {
                await TestContext.Progress.WriteLineAsync(report.Message);
            }

            outcome = report.Outcome == SyncOutcome.Succeeded && quarantined.Count > 0 ? "Succeeded with quarantine" : report.Outcome.ToString();
        }
        catch (IdentitySyncException exception) when (!string.IsNullOrWhiteSpace(exception.Message))
        {
            outcome = "Refused: " + exception.GetType().Name;
        }
        catch (Exception exception)
        {
            return $"unhandled {exception.GetType().Name}: {exception.Message}";
        }

        outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        if (await ReplacedAsync(store) is { } replaced)
        {
            return $"a value was stored with a replacement character: {replaced}";
        }

        var check = await StoreCheck.RunAsync(s_model, store);
        return check.IsConsistent ? null : "the store check failed: " + string.Join("; ", check.Problems);
    }

    private void WriteSeeds()
    {
        File.WriteAllText(TestDirectory.File("users.csv"), UsersSeed);
        File.WriteAllText(TestDirectory.File("groups.csv"), GroupsSeed);
        File.WriteAllText(TestDirectory.File("members.csv"), MembersSeed);
    }

    private static IEnumerable<(string Name, string Table, byte[] Bytes)> Regressions()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "FuzzRegressions");
        if (!Directory.Exists(folder))
        {
            yield break;
        }

        foreach (var file in Directory.EnumerateFiles(folder, "*.csv").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            yield return ("regression " + name, name.Split('-')[0], File.ReadAllBytes(file));
        }
    }

    private static IEnumerable<(string Name, string Table, byte[] Bytes)> Generated(int seed, int count)
    {
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var table = s_tables[random.Next(s_tables.Length)];
            var bytes = Encoding.UTF8.GetBytes(table switch { "users" => UsersSeed, "groups" => GroupsSeed, _ => MembersSeed });
            var operators = 1 + random.Next(3);
            for (var k = 0; k < operators; k++)
            {
                bytes = Mutate(random, bytes);
            }

            yield return (string.Create(CultureInfo.InvariantCulture, $"{seed}-{i}"), table, bytes);
        }
    }

    private static byte[] Mutate(Random random, byte[] input)
    {
        var text = new List<byte>(input);
        switch (random.Next(14))
        {
            case 0: // a truncated file
                return input[..random.Next(input.Length + 1)];
            case 1: // a quote storm
                for (var q = random.Next(1, 12); q > 0; q--)
                {
                    text.Insert(random.Next(text.Count + 1), (byte)'"');
                }

                break;
            case 2: // a huge field: over MaxValueLength, now and then far over
                InsertInField(random, text, Encoding.UTF8.GetBytes(new string('x', random.Next(10) == 0 ? 3_000_000 : random.Next(3_000, 9_000))));
                break;
            case 3: // a wrong type: text where a date or a key is
                InsertInField(random, text, "not-a-date ' 31/02/2024 1e309 -0"u8.ToArray()[..random.Next(1, 33)]);
                break;
            case 4: // bytes that are not UTF-8
                for (var b = random.Next(1, 5); b > 0; b--)
                {
                    text.Insert(random.Next(text.Count + 1), (byte)random.Next(0x80, 0x100));
                }

                break;
            case 5: // control characters
                InsertInField(random, text, Encoding.UTF8.GetBytes(new[] { "\0", "\u001b[2J", "\t", "\r", "\u0085", "\u202E", "\u007f" }[random.Next(7)]));
                break;
            case 6: // console markup
                InsertInField(random, text, Encoding.UTF8.GetBytes(new[] { "[red]", "[/]", "[[", "]]", "[link=http://x]y[/]" }[random.Next(5)]));
                break;
            case 7: // a line repeated, with or without a change
                {
                    var lines = Lines(text);
                    var line = lines[random.Next(lines.Count)];
                    lines.Insert(random.Next(lines.Count + 1), random.Next(2) == 0 ? line : line.Replace("u", "v", StringComparison.Ordinal));
                    return Join(lines);
                }

            case 8: // a line dropped, or the header
                {
                    var lines = Lines(text);
                    lines.RemoveAt(random.Next(2) == 0 ? 0 : random.Next(lines.Count));
                    return Join(lines);
                }

            case 9: // separators added or removed
                for (var c = random.Next(1, 4); c > 0; c--)
                {
                    var at = text.IndexOf((byte)',', random.Next(text.Count));
                    if (at >= 0 && random.Next(2) == 0)
                    {
                        text.RemoveAt(at);
                    }
                    else
                    {
                        text.Insert(random.Next(text.Count + 1), (byte)',');
                    }
                }

                break;
            case 10: // line endings mixed, or the last one dropped
                for (var l = 0; l < text.Count; l++)
                {
                    if (text[l] == (byte)'\n' && random.Next(3) == 0)
                    {
                        text.Insert(l++, (byte)'\r');
                    }
                }

                if (text.Count > 0 && random.Next(2) == 0)
                {
                    text.RemoveAt(text.Count - 1);
                }

                break;
            case 11: // a byte order mark, or one of another encoding
                text.InsertRange(0, random.Next(2) == 0 ? [0xEF, 0xBB, 0xBF] : [0xFF, 0xFE]);
                break;
            case 12: // a header column renamed or doubled
                {
                    var lines = Lines(text);
                    lines[0] = random.Next(2) == 0 ? lines[0].Replace("dn", "DN ", StringComparison.Ordinal) : lines[0] + "," + lines[0].Split(',')[0];
                    return Join(lines);
                }

            default: // emptied
                return random.Next(2) == 0 ? [] : "\n\n"u8.ToArray();
        }

        return [.. text];
    }

    /// <summary>Inserts bytes after a random separator or quote, so that they land inside a field more often than not.</summary>
    private static void InsertInField(Random random, List<byte> text, byte[] bytes)
    {
        var start = random.Next(text.Count + 1);
        var at = text.FindIndex(start, b => b is (byte)',' or (byte)'"');
        text.InsertRange(at < 0 ? start : at + 1, bytes);
    }

    private static List<string> Lines(List<byte> text) => [.. Encoding.Latin1.GetString([.. text]).Split('\n')];

    private static byte[] Join(List<string> lines) => Encoding.Latin1.GetBytes(string.Join('\n', lines));

    /// <summary>The key of a resource holding U+FFFD, which only a repaired byte can have put there here, or null.</summary>
    private static async Task<string?> ReplacedAsync(SqliteResourceStore store)
    {
        foreach (var entityType in s_model.EntityTypes)
        {
            await foreach (var resource in store.GetResourcesAsync(entityType.Name, CancellationToken.None))
            {
                if (resource.Key.Contains('\uFFFD', StringComparison.Ordinal)
                    || resource.Values.SelectMany(static v => v as object?[] ?? [v]).OfType<string>().Any(static v => v.Contains('\uFFFD', StringComparison.Ordinal)))
                {
                    return PrintableText.Escape(resource.Key);
                }
            }
        }

        return null;
    }

    private static async Task<List<string>> DumpAsync(SqliteResourceStore store)
    {
        var lines = new List<string>();
        foreach (var entityType in s_model.EntityTypes)
        {
            await foreach (var resource in store.GetResourcesAsync(entityType.Name, CancellationToken.None))
            {
                lines.Add($"{resource.Id}|{resource.Key}|{resource.Digest}");
            }
        }

        await foreach (var link in store.GetLinksAsync("AD_Membership", CancellationToken.None))
        {
            lines.Add($"{link.FirstId}->{link.SecondId}");
        }

        var state = await store.GetConnectorStateAsync("AD", CancellationToken.None);
        lines.Add($"{state.Version}|{state.LastBatchId}");
        return lines;
    }
}
