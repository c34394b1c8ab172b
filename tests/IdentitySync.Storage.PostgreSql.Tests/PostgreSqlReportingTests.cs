using System.Globalization;
using IdentitySync.ChangeSets;
using IdentitySync.Configuration;
using IdentitySync.Connections.Csv;
using IdentitySync.Model;
using IdentitySync.Reading;
using IdentitySync.Synchronization;
using IdentitySync.Testing;
using Npgsql;

namespace IdentitySync.Storage.PostgreSql.Tests;

/// <summary>The PostgreSQL store as reporting users and DBAs see it: values in plain SQL, reads in pages, the documented roles.</summary>
public sealed class PostgreSqlReportingTests
{
    private static readonly byte[] s_blob = [.. Enumerable.Range(0, 100).Select(static i => (byte)(i * 7))];
    private static readonly string s_longName = string.Concat(Enumerable.Repeat("é", 100));
    private string _schema = null!;
    private string _directory = null!;

    [SetUp]
    public void SetUp()
    {
        _schema = PostgresServer.NewSchema();
        _directory = Directory.CreateTempSubdirectory("identitysync-pg-reporting").FullName;
        File.WriteAllLines(Path.Combine(_directory, "users.csv"), [
            "id;name;count;big;active;born;uid;scores;blob;tags",
            $"u1;{s_longName};-42;-9007199254740993;true;2026-12-05T10:11:12.3456789Z;0f8fad5b-d9cb-469f-a165-70867728950e;0.1|-0|5e-324|1.7976931348623157e308|-1.5e-300;{Convert.ToBase64String(s_blob)};b|a|c",
            "u2;Zoë;2147483647;1;false;1601-01-01T00:00:00Z;;;;",
            "u3;;;;;;;;;",
        ]);
    }

    [TearDown]
    public async Task TearDown()
    {
        Directory.Delete(_directory, recursive: true);
        await PostgresServer.DropAsync(_schema);
    }

    [Test]
    public async Task ResourceValuesView_ReadsEveryTypeByPropertyName_AsTheReadApiDoes()
    {
        using var store = new PostgreSqlResourceStore(PostgresServer.ConnectionString, new PostgreSqlStoreOptions { Schema = _schema, MigrateOnOpen = true });
        await SynchronizeAsync(store);

        var rows = await QueryAsync($"SELECT key, property, item, value_type, value FROM \"{_schema}\".resource_values WHERE entity_type = 'User' ORDER BY key, property, item");

        var expected = new List<string>();
        var reader = new RepositoryReader(Model(), store);
        foreach (var key in new[] { "u1", "u2", "u3" })
        {
            var resource = (await reader.FindAsync("User", key))!;
            foreach (var (property, value) in resource.ToDictionary().OrderBy(static p => p.Key, StringComparer.Ordinal))
            {
                if (value is IReadOnlyList<object?> list)
                {
                    expected.AddRange(list.Select((v, i) => (v, i)).Where(static p => p.v is not null).Select(p => Row(key, property, p.i, p.v)));
                }
                else if (value is not null)
                {
                    expected.Add(Row(key, property, null, value));
                }
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(rows.Select(static r => $"{r[0]}|{r[1]}|{r[2]}|{r[3]}|{(r[3] == "double" ? Normalized(r[4]) : r[4])}"), Is.EqualTo(expected));
            Assert.That(rows, Has.Exactly(5).Matches<string?[]>(static r => r[1] == "Scores"), "one row per value of a multi-valued property");
            Assert.That(rows.Where(static r => r[0] == "u3").Select(static r => r[1]), Is.EqualTo(new[] { "Id" }), "no row for a value that is empty");
            Assert.That(rows.Single(static r => r[0] == "u1" && r[1] == "Born")[4], Is.EqualTo("2026-12-05T10:11:12.3456789Z"), "dates to the tick, in the round-trip format");
            Assert.That(rows.Single(static r => r[0] == "u1" && r[1] == "Name")[4], Is.EqualTo(s_longName), "text longer than 127 bytes (a two-byte length)");
        });
    }

    [Test]
    public async Task ResourceKeysAndLinkKeysViews_AnswerAReportInPlainSql()
    {
        using var store = new PostgreSqlResourceStore(PostgresServer.ConnectionString, new PostgreSqlStoreOptions { Schema = _schema, MigrateOnOpen = true });
        await SynchronizeAsync(store);

        var rows = await QueryAsync($"""
            SELECT k.key, v.value FROM "{_schema}".resource_keys k
            JOIN "{_schema}".resource_values v ON v.resource_id = k.resource_id AND v.property = 'Active'
            WHERE k.entity_type = 'User' ORDER BY k.key
            """);

        Assert.That(rows.Select(static r => $"{r[0]}={r[1]}"), Is.EqualTo(new[] { "u1=true", "u2=false" }));
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(10_000)]
    public async Task Resources_ReadInKeysetPagesInOrder_AndLinksInOneCopy_EveryRowOnce(int pageSize)
    {
        // 3 users: pages of 1 and 3 end exactly at the last row, pages of 2 do not; 10,000 is one page. Links and
        // digests come in one binary COPY each, whatever the page size (decision 100), in no particular order.
        using var store = new PostgreSqlResourceStore(PostgresServer.ConnectionString, new PostgreSqlStoreOptions { Schema = _schema, MigrateOnOpen = true, ReadPageSize = pageSize });
        var ids = new Dictionary<string, long>();
        await using (var writer = await store.BeginApplyAsync("AD", 0, CancellationToken.None))
        {
            await writer.InsertAsync("User", [new("b", 1, ["b"], [], 1), new("B", 1, ["B"], [], 2), new("a", 1, ["a"], [], 3)], CancellationToken.None);
            await writer.InsertAsync("Group", [new("g1", 1, ["g1"], [], 4), new("g2", 1, ["g2"], [], 5)], CancellationToken.None);
            await writer.AddLinksAsync(new EntityAssociationKeys("Membership", "Group", "User"), [new("g1", "a"), new("g1", "b"), new("g2", "B"), new("g2", "a")], CancellationToken.None);
            await writer.CommitAsync(new ConnectorState(1, "b1", [], null), CancellationToken.None);
        }

        var users = new List<StoredResource>();
        await foreach (var user in store.GetResourcesAsync("User", CancellationToken.None))
        {
            users.Add(user);
            ids[user.Key] = user.Id;
        }

        await foreach (var group in store.GetResourcesToCompareAsync("group", CancellationToken.None))
        {
            ids[group.Key] = group.Id;
        }

        var links = new List<StoredLink>();
        await foreach (var link in store.GetLinksAsync("membership", CancellationToken.None))
        {
            links.Add(link);
        }

        var digests = new List<ResourceDigest>();
        await foreach (var digest in store.GetResourceDigestsAsync("user", CancellationToken.None))
        {
            digests.Add(digest);
        }

        var expectedLinks = new[] { ("g1", "a"), ("g1", "b"), ("g2", "B"), ("g2", "a") }.Select(p => new StoredLink(ids[p.Item1], ids[p.Item2]));
        Assert.Multiple(async () =>
        {
            Assert.That(users.Select(static u => u.Key), Is.EqualTo(new[] { "b", "B", "a" }), "in id order: as inserted");
            Assert.That(users.Select(static u => u.Id), Is.Ordered.Ascending);
            Assert.That(users.Select(static u => u.Values[0]), Is.EqualTo(new[] { "b", "B", "a" }));
            Assert.That(links, Is.EquivalentTo(expectedLinks), "every link once");
            Assert.That(digests, Is.EquivalentTo(users.Select(static u => new ResourceDigest(u.Id, u.Key, u.Digest))), "every digest once, the key's case kept");
            Assert.That(await Count(store.GetResourceDigestsAsync("Nobody", CancellationToken.None)), Is.Zero, "no digests of an entity type never written");
            Assert.That(await Count(store.GetResourcesAsync("Nobody", CancellationToken.None)), Is.Zero, "an entity type never written");
            Assert.That(await Count(store.GetLinksAsync("Nothing", CancellationToken.None)), Is.Zero, "an association never written");
        });
    }

    /// <summary>A reader that stops early (links, link batches, digests) ends the server's COPY: the connection goes back to the pool usable, and the next reads get every row.</summary>
    [Test]
    public async Task LinksAndDigests_ReadAndLeftEarly_LeaveTheStoreReadable()
    {
        using var store = new PostgreSqlResourceStore(PostgresServer.ConnectionString, new PostgreSqlStoreOptions { Schema = _schema, MigrateOnOpen = true });
        var users = Enumerable.Range(0, 20_000).Select(static i => new ResourceChange($"u{i}", 1, [$"user {i}"], [], i + 10)).ToList();
        await using (var writer = await store.BeginApplyAsync("AD", 0, CancellationToken.None))
        {
            await writer.InsertAsync("User", users, CancellationToken.None);
            await writer.InsertAsync("Group", [new("g1", 1, ["g1"], [], 1)], CancellationToken.None);
            await writer.AddLinksAsync(new EntityAssociationKeys("Membership", "Group", "User"), [.. users.Select(static u => new LinkChange("g1", u.Key))], CancellationToken.None);
            await writer.CommitAsync(new ConnectorState(1, "b1", [], null), CancellationToken.None);
        }

        for (var i = 0; i < 3; i++)
        {
            await foreach (var _ in store.GetLinksAsync("Membership", CancellationToken.None))
            {
                break;
            }

            await foreach (var _ in store.GetResourceDigestsAsync("User", CancellationToken.None))
            {
                break;
            }

            await foreach (var _ in store.GetLinkBatchesAsync("Membership", CancellationToken.None))
            {
                break;
            }
        }

        var batched = 0;
        await foreach (var batch in store.GetLinkBatchesAsync("Membership", CancellationToken.None))
        {
            batched += batch.Length;
        }

        Assert.Multiple(async () =>
        {
            Assert.That(await Count(store.GetLinksAsync("Membership", CancellationToken.None)), Is.EqualTo(20_000));
            Assert.That(await Count(store.GetResourceDigestsAsync("User", CancellationToken.None)), Is.EqualTo(20_000));
            Assert.That(batched, Is.EqualTo(20_000));
        });
    }

    [Test]
    public async Task DocumentedRoles_OwnerMigrates_RuntimeSynchronizes_ReportingOnlyReads()
    {
        // The roles and grants exactly as docs/storage.md shows them, for this test's schema and role names.
        var sql = DocumentedRolesSql();
        var (owner, app, report) = ($"{_schema}_owner", $"{_schema}_app", $"{_schema}_report");
        await PostgresServer.ExecuteAsync(sql);
        try
        {
            var migrated = await PostgreSqlResourceStore.MigrateAsync(As(owner), _schema);
            using var runtime = new PostgreSqlResourceStore(As(app), new PostgreSqlStoreOptions { Schema = _schema });
            await SynchronizeAsync(runtime);
            await runtime.SaveJobRunAsync(new JobRuns.JobRun("r1", "nightly", DateTimeOffset.UnixEpoch, JobRuns.JobStatus.Succeeded, [], []), CancellationToken.None);
            await using (await runtime.LockJobAsync("nightly", CancellationToken.None))
            {
            }

            // A new association needs a partition: the runtime role gets one through the owner's functions.
            await using (var writer = await runtime.BeginApplyAsync("Groups", 0, CancellationToken.None))
            {
                await writer.InsertAsync("Group", [new("g1", 1, ["g1"], [], 1)], CancellationToken.None);
                await writer.AddLinksAsync(new EntityAssociationKeys("Membership", "Group", "User"), [new("g1", "u1")], CancellationToken.None);
                await writer.CommitAsync(new ConnectorState(1, "b1", [], null), CancellationToken.None);
            }

            using var reporting = new PostgreSqlResourceStore(As(report), new PostgreSqlStoreOptions { Schema = _schema });
            var read = await new RepositoryReader(Model(), reporting).FindAsync("User", "u2");
            File.WriteAllLines(Path.Combine(_directory, "users.csv"), ["id;name;count;big;active;born;uid;scores;blob;tags", "u9;Nine;;;;;;;;"]);
            var refused = Assert.ThrowsAsync<StoreUnavailableException>(() => new SyncEngine(Model(), reporting, [new CsvConnectionPackage()], new SyncEngineOptions { BaseDirectory = _directory })
                .SynchronizeAsync("AD", new SyncRunOptions()));

            Assert.Multiple(async () =>
            {
                Assert.That(migrated, Is.EqualTo((0, PostgreSqlSchema.CurrentVersion)), "the owner creates the tables in the schema the DBA made");
                Assert.That(read!.Get<string>("Name"), Is.EqualTo("Zoë"), "the reporting role reads through the read API");
                Assert.That(await ScalarAsAsync(report, $"SELECT count(*) FROM \"{_schema}\".resource_values WHERE property = 'Tags'"), Is.EqualTo(3L));
                Assert.That(refused!.Message, Does.Contain("does not let this role").And.Contain("permission denied"), "a missing privilege is the store's clear refusal, not a driver exception");
                Assert.That(await runtime.CountResourcesAsync("User", CancellationToken.None), Is.EqualTo(3), "nothing of the refused run was applied");
                Assert.That(await SqlStateAsAsync(report, $"UPDATE \"{_schema}\".resources SET key = 'x'"), Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege), "reporting cannot change data");
                Assert.That(await ScalarAsAsync(report, $"SELECT first_key || '>' || second_key FROM \"{_schema}\".link_keys"), Is.EqualTo("g1>u1"));
                Assert.That(await SqlStateAsAsync(report, $"SELECT \"{_schema}\".begin_link_partition(1)"), Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege), "reporting cannot add partitions through the owner's functions");
                Assert.That(await SqlStateAsAsync(report, $"DELETE FROM \"{_schema}\".job_runs"), Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege));
                Assert.That(await SqlStateAsAsync(app, $"CREATE TABLE \"{_schema}\".extra (x integer)"), Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege), "the runtime cannot change the schema");
                Assert.That(await SqlStateAsAsync(app, $"DROP TABLE \"{_schema}\".links"), Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege));
            });
        }
        finally
        {
            await PostgresServer.DropAsync(_schema);
            await PostgresServer.ExecuteAsync($"DROP OWNED BY {owner}, {app}, {report}; DROP ROLE {owner}, {app}, {report}");
        }
    }

    [Test]
    public void ReadPageSize_BelowOne_IsRefusedNamingTheSetting()
    {
        var exception = Assert.Throws<StoreUnavailableException>(() => _ = new PostgreSqlResourceStore(PostgresServer.ConnectionString, new PostgreSqlStoreOptions { Schema = _schema, ReadPageSize = 0 }));

        Assert.Multiple(() =>
        {
            Assert.That(exception!.Kind, Is.EqualTo(FailureKind.InvalidInput));
            Assert.That(exception.Message, Is.EqualTo("ReadPageSize: 0 rows per page; give at least 1 (the default is 10,000)."));
        });
    }

    /// <summary>The SQL block of docs/storage.md's "Database, roles and schema", for this test's names, without the database lines.</summary>
    private string DocumentedRolesSql()
    {
        var docs = RepositoryFiles.Read("docs/storage.md");
        var section = docs[docs.IndexOf("### Database, roles and schema", StringComparison.Ordinal)..];
        var block = section[(section.IndexOf("```sql\n", StringComparison.Ordinal) + 7)..];
        block = block[..block.IndexOf("```", StringComparison.Ordinal)];
        var statements = block.Split('\n')
            .Where(static l => !l.StartsWith("CREATE DATABASE", StringComparison.Ordinal) && !l.StartsWith("\\c", StringComparison.Ordinal))
            .Select(static l => l.Split("--")[0]);
        return System.Text.RegularExpressions.Regex.Replace(string.Join('\n', statements), @"\bidentitysync(?=_owner|_app|_report|\b)", _schema);
    }

    private static string As(string role) => new NpgsqlConnectionStringBuilder(PostgresServer.ConnectionString) { Username = role }.ConnectionString;

    private static async Task<object?> ScalarAsAsync(string role, string sql)
    {
        await using var connection = new NpgsqlConnection(As(role));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private static async Task<string?> SqlStateAsAsync(string role, string sql)
    {
        try
        {
            await ScalarAsAsync(role, sql);
            return null;
        }
        catch (PostgresException exception)
        {
            return exception.SqlState;
        }
    }

    private static async Task<int> Count<T>(IAsyncEnumerable<T> items)
    {
        var count = 0;
        await foreach (var item in items)
        {
            count++;
        }

        return count;
    }

    private async Task SynchronizeAsync(IResourceStore store)
    {
        var report = await new SyncEngine(Model(), store, [new CsvConnectionPackage()], new SyncEngineOptions { BaseDirectory = _directory })
            .SynchronizeAsync("AD", new SyncRunOptions { Mode = SyncMode.Initial });
        Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Succeeded), report.Message);
    }

    private static IdentityModel Model() => new IdentityModelBuilder()
        .AddEntityType("User", static e => e
            .AddProperty("Id").AddProperty("Name").AddProperty("Count", ScalarType.Int32).AddProperty("Big", ScalarType.Int64)
            .AddProperty("Active", ScalarType.Bool).AddProperty("Born", ScalarType.DateTime).AddProperty("Uid", ScalarType.Guid)
            .AddProperty("Scores", ScalarType.Double, isMultiValued: true).AddProperty("Blob", ScalarType.Binary).AddProperty("Tags", isMultiValued: true))
        .AddConnector("AD", static c => c
            .AddConnection("Files", "Csv", [new("Path", "users.csv"), new("Separator", ";")])
            .MapEntityType("User", "Files", "users", static m => m
                .Map("Id", "id", PropertyKey.Primary).Map("Name", "name").Map("Count", "count").Map("Big", "big").Map("Active", "active")
                .Map("Born", "born").Map("Uid", "uid").Map("Scores", "scores").Map("Blob", "blob").Map("Tags", "tags")))
        .Build();

    /// <summary>A row as the view should show it, from the value the read API gives.</summary>
    private static string Row(string key, string property, int? item, object? value) => $"{key}|{property}|{item}|" + value switch
    {
        string s => "text|" + s,
        int i => "int32|" + i.ToString(CultureInfo.InvariantCulture),
        long l => "int64|" + l.ToString(CultureInfo.InvariantCulture),
        bool b => "boolean|" + (b ? "true" : "false"),
        DateTime d => "datetime|" + d.ToString("O", CultureInfo.InvariantCulture),
        Guid g => "guid|" + g.ToString(),
        double d => "double|" + Normalized(d.ToString("R", CultureInfo.InvariantCulture)),
        byte[] bytes => "binary|" + Convert.ToBase64String(bytes),
        _ => throw new ArgumentException($"unexpected value {value}"),
    };

    /// <summary>A double's text as the bits it parses to: .NET and PostgreSQL spell exponents differently.</summary>
    private static string? Normalized(string? text) =>
        text is null ? null : BitConverter.DoubleToInt64Bits(double.Parse(text, CultureInfo.InvariantCulture)).ToString("X16", CultureInfo.InvariantCulture);

    private static async Task<List<string?[]>> QueryAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(PostgresServer.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string?[]>();
        while (await reader.ReadAsync())
        {
            rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))]);
        }

        return rows;
    }
}
