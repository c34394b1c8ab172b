using System.Text;
using IdentitySync.Configuration;
using IdentitySync.Connections;
using IdentitySync.Jobs;
using IdentitySync.Model;
using IdentitySync.Orders;
using IdentitySync.Provisioning;
using IdentitySync.Storage;
using IdentitySync.Storage.PostgreSql;
using IdentitySync.Storage.Sqlite;
using IdentitySync.Synchronization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace IdentitySync.Cli.Tests;

/// <summary>
/// Secrets stay secret: a package whose settings hold secrets, and which repeats them in every error it can
/// raise, is driven through each failure path of synchronization, jobs and fulfilment, on a SQLite and a
/// PostgreSQL store opened with a password; the command line is driven with an LDAP password and a
/// PostgreSQL password. The output, the logs, the reports and a dump of each store hold no secret, and the
/// test fails if fewer secrets were exercised than are declared.
/// </summary>
public sealed class SecretsTests
{
    private const string Token = "SECRET-TOKEN-7f3a9e";
    private const string Password = "SECRET-PASSWORD-91b2c4";
    private const string ConnectionPassword = "SECRET-CONNPW-55c1d8";
    private const string StorePassword = "SECRET-STOREPW-0e4f6a";
    private const string LdapPassword = "SECRET-LDAPPW-3b8d2f";

    private static readonly string[] s_markers = [Token, Password, ConnectionPassword, StorePassword, LdapPassword];

    private string _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("identitysync-secrets").FullName;

    [TearDown]
    public void DeleteDirectory()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public async Task Library_EveryFailurePath_OnSqliteAndPostgreSql_LeavesNoSecretAnywhere()
    {
        var package = new SecretivePackage();
        var seen = new StringBuilder();
        var server = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable("IDENTITYSYNC_TEST_POSTGRES")
            ?? throw new AssertionException("IDENTITYSYNC_TEST_POSTGRES is not set: run the tests through build/test.sh, which starts a PostgreSQL server on loopback."));
        var schema = "secrets" + Guid.NewGuid().ToString("N");
        server.Password = StorePassword;
        try
        {
            using (var sqlite = new SqliteResourceStore(Path.Combine(_directory, "secrets.db")))
            {
                await DriveAsync(sqlite, package, seen);
            }

            using (var postgres = new PostgreSqlResourceStore(server.ConnectionString, new PostgreSqlStoreOptions { Schema = schema, MigrateOnOpen = true }))
            {
                await DriveAsync(postgres, package, seen);
                seen.AppendLine(postgres.ToString());
            }

            seen.AppendLine(await DumpSqliteAsync(Path.Combine(_directory, "secrets.db")));
            seen.AppendLine(await DumpPostgresAsync(server.ConnectionString, schema));
        }
        finally
        {
            await using var connection = new NpgsqlConnection(server.ConnectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }

        var text = seen.ToString();
        Assert.Multiple(() =>
        {
            Assert.That(package.Exercised, Is.EquivalentTo(package.Settings.Where(static s => s.IsSecret).Select(static s => s.Name)), "every declared secret was put in an error at least once");
            Assert.That(text, Does.Contain(SecretRedactor.Mask), "the secrets were there to be masked");
            Assert.That(text, Does.Contain("orders"), "the store dumps were taken");
            foreach (var marker in s_markers[..4])
            {
                Assert.That(text.Contains(marker, StringComparison.Ordinal), Is.False, $"{marker} appears");
            }
        });
    }

    [Test]
    public async Task CommandLine_LdapAndStorePasswords_AreNeverPrintedWrittenOrStored()
    {
        var url = Environment.GetEnvironmentVariable("IDENTITYSYNC_TEST_LDAP")
            ?? throw new AssertionException("IDENTITYSYNC_TEST_LDAP is not set: run the tests through build/test.sh, which starts slapd on loopback.");
        var sample = Path.Combine(TestContext.CurrentContext.TestDirectory, "Samples", "ldap");
        Directory.CreateDirectory(Path.Combine(_directory, "hr"));
        File.Copy(Path.Combine(sample, "hr", "people.csv"), Path.Combine(_directory, "hr", "people.csv"));
        var config = Path.Combine(_directory, "identitysync.json");
        var json = File.ReadAllText(Path.Combine(sample, "identitysync.json"))
            .Replace("\"PasswordVariable\": \"IDENTITYSYNC_LDAP_PASSWORD\"", $"\"Password\": \"{LdapPassword}\"", StringComparison.Ordinal)
            .Replace("/etc/identitysync/ca", Environment.GetEnvironmentVariable("IDENTITYSYNC_TEST_LDAP_CA_DIR"), StringComparison.Ordinal);
        Assert.That(json, Does.Contain(LdapPassword), "the sample's password setting was replaced");
        var report = Path.Combine(_directory, "report.json");
        var outputs = new StringBuilder();
        var codes = new List<int>();
        var previous = Environment.GetEnvironmentVariable("PGPASSWORD");
        Environment.SetEnvironmentVariable("PGPASSWORD", StorePassword);
        try
        {
            // A directory that refuses the password, then one that is not there.
            foreach (var server in new[] { url.TrimEnd('/'), "ldap://127.0.0.1:1" })
            {
                File.WriteAllText(config, json.Replace("ldap://ldap.example.org:389", server, StringComparison.Ordinal));
                foreach (var args in new[]
                {
                    new[] { "validate", "--connect" },
                    ["sync", "--connector", "Directory", "--mode", "initial", "--report", report],
                    ["sync", "--connector", "Directory", "--verbose"],
                    ["jobs", "run"],
                    ["jobs", "list"],
                    ["orders", "fulfill"],
                    ["store", "check"],
                })
                {
                    var result = await CliRunner.RunAsync([.. args, "--config", config]);
                    codes.Add(result.ExitCode);
                    outputs.AppendLine(result.Output).AppendLine(result.Error);
                }

                outputs.AppendLine(File.Exists(report) ? await File.ReadAllTextAsync(report) : string.Empty);
            }

            var postgres = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable("IDENTITYSYNC_TEST_POSTGRES")!);
            var address = $"postgres://{postgres.Username}@{postgres.Host}:{postgres.Port}/{postgres.Database}?schema=secretscli{Guid.NewGuid():N}";
            var migrated = await CliRunner.RunAsync("store", "check", "--config", config, "--store", address);
            outputs.AppendLine(migrated.Output).AppendLine(migrated.Error);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PGPASSWORD", previous);
        }

        outputs.AppendLine(await DumpSqliteAsync(Path.Combine(_directory, "identitysync.db")));
        var text = outputs.ToString();
        Assert.Multiple(() =>
        {
            Assert.That(codes, Has.Some.EqualTo(6), "the directory refused the password");
            Assert.That(codes.Distinct().Count(), Is.GreaterThan(2), "several failure paths ran");
            Assert.That(text, Does.Contain("job_runs"), "the store was dumped");
            Assert.That(text.Contains(LdapPassword, StringComparison.Ordinal), Is.False, "the LDAP password appears");
            Assert.That(text.Contains(StorePassword, StringComparison.Ordinal), Is.False, "the store password appears");
        });
    }

    /// <summary>Every failure path of the library the package can reach, on one store.</summary>
    private async Task DriveAsync(IResourceStore store, SecretivePackage package, StringBuilder seen)
    {
        var model = Model();
        var logger = new CapturingLogger();
        var engine = new SyncEngine(model, store, [package], new SyncEngineOptions { BaseDirectory = _directory }, logger: logger);
        foreach (var scenario in new[] { Scenario.Settings, Scenario.ConnectionError, Scenario.Bug, Scenario.Rows })
        {
            package.Scenario = scenario;
            try
            {
                var report = await engine.SynchronizeAsync("Vault");
                seen.AppendLine(report.ToJson());
            }
            catch (IdentitySyncException exception)
            {
                seen.AppendLine(exception.ToString());
            }
        }

        package.Scenario = Scenario.Bug;
        var runner = new JobRunner(store, secrets: SecretRedactor.For(model, [package]));
        var run = await runner.RunAsync("nightly", [new SynchronizeTask(engine, "Vault")]);
        seen.AppendLine(string.Join("\n", run.Log)).AppendLine(string.Join("\n", run.Tasks.Select(static t => t.Message)));

        var provisioning = new ProvisioningEngine(model, store, [package], new ProvisioningEngineOptions { RetryDelay = TimeSpan.Zero });
        foreach (var scenario in new[] { Scenario.FulfilFails, Scenario.FulfilThrows })
        {
            package.Scenario = scenario;
            await store.SaveOrdersAsync(
                [new ProvisioningOrder { ChangeType = OrderChangeType.Added, Connector = "Vault", ResourceType = "Vault_Account", Reason = "test", State = OrderState.Pending, Changes = new Dictionary<string, object?> { ["Login"] = "jdoe" }, CreatedAt = DateTimeOffset.UtcNow }],
                [],
                CancellationToken.None);
            await provisioning.FulfillAsync();
        }

        foreach (var order in await store.GetOrdersAsync(null, null, CancellationToken.None))
        {
            seen.AppendLine(order.Message).AppendLine(string.Join("\n", order.History.Select(static h => h.Note)));
        }

        seen.AppendLine(string.Join("\n", logger.Lines));
    }

    private static IdentityModel Model() => new IdentityModelBuilder()
        .AddEntityType("Person", static e => e.AddProperty("EmployeeId"))
        .AddEntityType("Vault_Account", static e => e.AddProperty("Login").AddProperty("Role"))
        .AddConnector("Vault", static c => c
            .AddConnection("Api", SecretivePackage.PackageId, [new("ApiToken", Token), new("Password", Password), new("ConnectionString", $"Server=vault;User Id=svc;Password={ConnectionPassword}")])
            .MapEntityType("Vault_Account", "Api", "accounts", static m => m.Map("Login", "login", PropertyKey.Primary).Map("Role", "role"))
            .ConfigureThresholds(static t => t.MaxQuarantinedPercent = 0))
        .AddResourceType("Vault_Account", "Vault", "Person", "Vault_Account", static r =>
            r.CorrelationRules.Add(new CorrelationRuleOptions { Owner = "Owner.EmployeeId", Account = "Account.Login" }))
        .Build();

    private static async Task<string> DumpSqliteAsync(string path)
    {
        var dump = new StringBuilder();
        await using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        foreach (var table in tables)
        {
            dump.AppendLine(table);
            await using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    dump.Append(reader.GetValue(i) switch
                    {
                        byte[] bytes => Encoding.UTF8.GetString(bytes) + Encoding.Latin1.GetString(bytes),
                        var value => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
                    }).Append('|');
                }

                dump.AppendLine();
            }
        }

        return dump.ToString();
    }

    private static async Task<string> DumpPostgresAsync(string connectionString, string schema)
    {
        var dump = new StringBuilder();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = @s AND table_type = 'BASE TABLE'", connection))
        {
            list.Parameters.AddWithValue("s", schema);
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        foreach (var table in tables)
        {
            dump.AppendLine(table);
            await using var select = new NpgsqlCommand($"SELECT t::text FROM \"{schema}\".\"{table}\" t", connection);
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                // Row text shows bytea as hex: decode it, so that a secret in a blob is found too.
                var row = reader.GetString(0);
                dump.AppendLine(row);
                foreach (System.Text.RegularExpressions.Match hex in System.Text.RegularExpressions.Regex.Matches(row, @"\\\\x([0-9a-f]+)"))
                {
                    dump.AppendLine(Encoding.Latin1.GetString(Convert.FromHexString(hex.Groups[1].Value)));
                }
            }
        }

        return dump.ToString();
    }

    private enum Scenario
    {
        Rows,
        Settings,
        ConnectionError,
        Bug,
        FulfilFails,
        FulfilThrows,
    }

    /// <summary>A connection package that puts its secrets in every error it raises, and records which it used.</summary>
    private sealed class SecretivePackage : IConnectionPackage, IFulfillConnection
    {
        public const string PackageId = "Secretive";

        private Connection? _connection;

        public Scenario Scenario { get; set; }

        public HashSet<string> Exercised { get; } = new(StringComparer.Ordinal);

        public string Id => PackageId;

        public ConnectionCapabilities Capabilities => ConnectionCapabilities.ExportComplete | ConnectionCapabilities.Fulfill;

        public IReadOnlyList<ConnectionSetting> Settings { get; } =
        [
            new("ApiToken", "The API token.", isRequired: true, isSecret: true),
            new("Password", "The service password.", isSecret: true),
            new("ConnectionString", "The back end, with credentials.", isSecret: true),
        ];

        public IReadOnlyList<string> ValidateSettings(Connection connection) =>
            Scenario == Scenario.Settings ? [$"ApiToken: the token {Use(connection, "ApiToken")} has expired"] : [];

        public IExportConnection CreateExportConnection(Connection connection, ConnectionContext context)
        {
            _connection = connection;
            return Scenario switch
            {
                Scenario.ConnectionError => throw new ConnectionException($"login as svc with {Use(connection, "Password")} refused") { Kind = FailureKind.AuthenticationFailed },
                Scenario.Bug => throw new InvalidOperationException($"cannot parse '{Use(connection, "ConnectionString")}'"),
                _ => new Export(),
            };
        }

        public IFulfillConnection CreateFulfillConnection(Connection connection, ConnectionContext context)
        {
            _connection = connection;
            return this;
        }

        public ValueTask<IReadOnlyList<FulfillmentResult>> FulfillAsync(IReadOnlyList<FulfillmentRequest> requests, CancellationToken cancellationToken) => Scenario switch
        {
            Scenario.FulfilThrows => throw new IOException($"the order file for {Use(_connection!, "Password")} cannot be written"),
            _ => ValueTask.FromResult<IReadOnlyList<FulfillmentResult>>([.. requests.Select(r => new FulfillmentResult(r.Order.Id, FulfillmentStatus.Failed, $"rejected: token {Use(_connection!, "ApiToken")} lacks the right"))]),
        };

        private string Use(Connection connection, string setting)
        {
            Exercised.Add(setting);
            return connection.Settings[setting];
        }

        private sealed class Export : IExportConnection
        {
            public ValueTask<IExportTableReader> OpenTableAsync(ExportRequest request, CancellationToken cancellationToken) => ValueTask.FromResult<IExportTableReader>(new Reader(request));

            public ValueTask<string?> GetFingerprintAsync(ExportRequest request, CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }

        private sealed class Reader(ExportRequest request) : IExportTableReader
        {
            private bool _done;

            public string Source => "vault:accounts";

            public IReadOnlyList<string> MissingColumns => [];

            public ValueTask<bool> ReadAsync(RowBatch batch, CancellationToken cancellationToken)
            {
                batch.Clear();
                if (_done)
                {
                    return ValueTask.FromResult(false);
                }

                _done = true;
                batch.BeginRow(2);
                foreach (var column in request.Columns)
                {
                    batch.AddField(Encoding.UTF8.GetBytes(column == "login" ? "jdoe" : "reader"));
                }

                batch.EndRow();
                return ValueTask.FromResult(true);
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

    private sealed class CapturingLogger : ILogger<SyncEngine>
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines)
            {
                Lines.Add(formatter(state, exception) + exception);
            }
        }
    }
}
