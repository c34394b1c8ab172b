using System.Diagnostics;
using IdentitySync.ChangeSets;
using Npgsql;

namespace IdentitySync.Storage.PostgreSql.Tests;

/// <summary>
/// Failures in the middle of an apply, on the real server: a client killed, its backend terminated, the
/// server stopped, the server's disk full. Each leaves the previous state, and the next run succeeds.
/// </summary>
public sealed class PostgreSqlDurabilityTests
{
    private string _schema = null!;
    private PostgreSqlResourceStore _store = null!;

    [SetUp]
    public async Task CreateStore()
    {
        _schema = PostgresServer.NewSchema();
        _store = new PostgreSqlResourceStore(PostgresServer.ConnectionString, new PostgreSqlStoreOptions { Schema = _schema, MigrateOnOpen = true });
        await using var writer = await _store.BeginApplyAsync("AD", 0, CancellationToken.None);
        await writer.InsertAsync("AD_User", [Change("before-1"), Change("before-2")], CancellationToken.None);
        await writer.CommitAsync(new ConnectorState(1, "b1", [], null), CancellationToken.None);
    }

    [TearDown]
    public async Task DropStore()
    {
        await _store.DisposeAsync();
        await PostgresServer.DropAsync(_schema);
    }

    [Test]
    public async Task Apply_ClientKilledWithSigkillMidTransaction_LeavesThePreviousStateAndFreesItsLock()
    {
        using var child = StartKillTarget(100_000);
        var progress = await WaitForAsync(child, "BEFORE-COMMIT", TimeSpan.FromMinutes(2));
        child.Kill(entireProcessTree: true);
        await child.WaitForExitAsync();

        await AssertPreviousStateThenNextRunWorksAsync();
        Assert.That(progress, Does.Contain("WROTE 100000"), "the child had written every insert before it was killed");
    }

    [Test]
    public async Task LockConnector_HeldByAnotherProcess_IsRefusedUntilThatProcessDies()
    {
        using var child = StartKillTarget(0);
        await WaitForAsync(child, "LOCKED", TimeSpan.FromMinutes(1));

        var refused = Assert.ThrowsAsync<ConnectorBusyException>(async () => await _store.LockConnectorAsync("AD", CancellationToken.None));
        child.Kill(entireProcessTree: true);
        await child.WaitForExitAsync();

        // The server frees a dead session's locks once it sees the connection closed.
        var acquired = await RetryAsync(() => _store.LockConnectorAsync("AD", CancellationToken.None).AsTask(), TimeSpan.FromSeconds(30));
        await using (acquired)
        {
            Assert.Multiple(() =>
            {
                Assert.That(refused!.Message, Does.StartWith("Connector 'AD' is already being synchronized (advisory lock in schema"));
                Assert.ThrowsAsync<ConnectorBusyException>(async () => await _store.LockConnectorAsync("AD", CancellationToken.None), "this run holds the lock now");
            });
        }
    }

    [Test]
    public async Task Apply_BackendTerminatedByAnAdministrator_IsAStoreFailureAndChangesNothing()
    {
        var application = "kill-" + Guid.NewGuid().ToString("N");
        var connectionString = new NpgsqlConnectionStringBuilder(PostgresServer.ConnectionString) { ApplicationName = application }.ConnectionString;
        using var store = new PostgreSqlResourceStore(connectionString, new PostgreSqlStoreOptions { Schema = _schema });
        var writer = await store.BeginApplyAsync("AD", 1, CancellationToken.None);
        await using (writer)
        {
            await writer.InsertAsync("AD_User", [.. Enumerable.Range(0, 20_000).Select(static i => Change($"terminated-{i}"))], CancellationToken.None);
            var terminated = await PostgresServer.ScalarAsync($"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '{application}'");

            var failure = Assert.ThrowsAsync<StoreUnavailableException>(async () => await writer.CommitAsync(new ConnectorState(2, "b2", [], null), CancellationToken.None));

            Assert.Multiple(() =>
            {
                Assert.That(terminated, Is.EqualTo(1L));
                Assert.That(failure!.Message, Does.Contain("while trying to commit the change set").And.Contain("nothing of it was applied"));
            });
        }

        await AssertPreviousStateThenNextRunWorksAsync();
    }

    [Test]
    public async Task Read_BackendTerminatedMidStream_IsAStoreFailure()
    {
        var application = "read-" + Guid.NewGuid().ToString("N");
        var value = new string('v', 1_000);
        await using (var writer = await _store.BeginApplyAsync("AD", 1, CancellationToken.None))
        {
            await writer.InsertAsync("AD_User", [.. Enumerable.Range(0, 50_000).Select(i => new ResourceChange($"many-{i:00000}", 1, [value + i], [], 2))], CancellationToken.None);
            await writer.CommitAsync(new ConnectorState(2, "b2", [], null), CancellationToken.None);
        }

        var connectionString = new NpgsqlConnectionStringBuilder(PostgresServer.ConnectionString) { ApplicationName = application }.ConnectionString;
        using var store = new PostgreSqlResourceStore(connectionString, new PostgreSqlStoreOptions { Schema = _schema });
        var read = 0;

        var failure = Assert.ThrowsAsync<StoreUnavailableException>(async () =>
        {
            await foreach (var resource in store.GetResourcesAsync("AD_User", CancellationToken.None))
            {
                if (++read == 1)
                {
                    await PostgresServer.ScalarAsync($"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '{application}'");
                }
            }
        });

        Assert.Multiple(() =>
        {
            Assert.That(read, Is.LessThan(50_002), "the stream stopped before its end");
            Assert.That(failure!.Message, Does.Contain("while trying to read"));
        });
    }

    [Test]
    [Category(ServerRestart)]
    public async Task Apply_ServerStoppedImmediatelyMidTransaction_LeavesThePreviousStateAfterRecovery()
    {
        var writer = await _store.BeginApplyAsync("AD", 1, CancellationToken.None);
        await using (writer)
        {
            await writer.InsertAsync("AD_User", [.. Enumerable.Range(0, 20_000).Select(static i => Change($"crashed-{i}"))], CancellationToken.None);
            await PgCtlAsync("restart", "-m", "immediate", "-w", "-t", "60");

            var failure = Assert.ThrowsAsync<StoreUnavailableException>(async () => await writer.CommitAsync(new ConnectorState(2, "b2", [], null), CancellationToken.None));

            Assert.That(failure!.Message, Does.Contain("nothing of it was applied"));
        }

        // The pool's connections died with the server; Npgsql notices and opens new ones.
        NpgsqlConnection.ClearAllPools();
        await AssertPreviousStateThenNextRunWorksAsync();
    }

    [Test]
    public async Task Apply_ServerDiskFull_IsAStoreFailureThatNamesItAndChangesNothing()
    {
        var tablespace = Environment.GetEnvironmentVariable("IDENTITYSYNC_TEST_POSTGRES_SMALL_TABLESPACE")
            ?? throw new AssertionException("IDENTITYSYNC_TEST_POSTGRES_SMALL_TABLESPACE is not set: build/test.sh creates it on a 16 MiB tmpfs when it runs as root.");
        await PostgresServer.ExecuteAsync($"ALTER TABLE \"{_schema}\".resources SET TABLESPACE {tablespace}");
        StoreUnavailableException? failure = null;
        await using (var writer = await _store.BeginApplyAsync("AD", 1, CancellationToken.None))
        {
            // Up to about 100 MiB of rows that do not compress, for a 16 MiB disk.
            var random = new Random(7);
            for (var start = 0; start < 20_000 && failure is null; start += 2_000)
            {
                var chunk = Enumerable.Range(start, 2_000).Select(i => new ResourceChange($"full-{i}", (ulong)i, [Convert.ToBase64String(RandomBytes(random, 4_000))], [], i + 2)).ToList();
                failure = await CatchAsync(() => writer.InsertAsync("AD_User", chunk, CancellationToken.None).AsTask());
            }
        }

        await PostgresServer.ExecuteAsync($"ALTER TABLE \"{_schema}\".resources SET TABLESPACE pg_default");
        Assert.Multiple(() =>
        {
            Assert.That(failure, Is.Not.Null, "the tablespace filled up");
            Assert.That(failure!.Kind, Is.EqualTo(FailureKind.StoreUnavailable));
            Assert.That(failure.Message, Does.Contain("is out of disk space").And.Contain("nothing of it was applied"));
        });
        await AssertPreviousStateThenNextRunWorksAsync();
    }

    /// <summary>
    /// An error the server raises that the store has no name for (here a trigger a DBA added, raising P0001 for one key)
    /// is a store failure naming the server's message and SQLSTATE, not a raw Npgsql exception; nothing is applied, and
    /// the next run succeeds.
    /// </summary>
    [Test]
    public async Task Apply_RefusedByATriggerTheServerRuns_IsAStoreFailureWithTheServersMessage()
    {
        await PostgresServer.ExecuteAsync($"""
            CREATE FUNCTION "{_schema}".refuse_key() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'key % is reserved by policy', NEW.key; END $$;
            CREATE TRIGGER refuse_key BEFORE INSERT ON "{_schema}".resources FOR EACH ROW WHEN (NEW.key = 'reserved') EXECUTE FUNCTION "{_schema}".refuse_key();
            """);
        StoreUnavailableException? failure;
        await using (var writer = await _store.BeginApplyAsync("AD", 1, CancellationToken.None))
        {
            failure = await CatchAsync(() => writer.InsertAsync("AD_User", [Change("fine"), Change("reserved")], CancellationToken.None).AsTask());
        }

        await PostgresServer.ExecuteAsync($"DROP TRIGGER refuse_key ON \"{_schema}\".resources");
        Assert.Multiple(() =>
        {
            Assert.That(failure, Is.Not.Null, "the trigger refused the insert");
            Assert.That(failure!.Kind, Is.EqualTo(FailureKind.Failed));
            Assert.That(failure.Message, Does.Contain("refused to apply the change set: key reserved is reserved by policy (SQLSTATE P0001").And.Contain("nothing of it was applied"));
            Assert.That(failure.InnerException, Is.InstanceOf<PostgresException>());
        });
        await AssertPreviousStateThenNextRunWorksAsync();
    }

    /// <summary>Tests that restart the shared server run on their own, after the rest (build/test.sh).</summary>
    public const string ServerRestart = "ServerRestart";

    private static ResourceChange Change(string key) => new(key, 1, [key, 1], [], 2);

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private static async Task<StoreUnavailableException?> CatchAsync(Func<Task> write)
    {
        try
        {
            await write();
            return null;
        }
        catch (StoreUnavailableException exception)
        {
            return exception;
        }
    }

    private static async Task<T> RetryAsync<T>(Func<Task<T>> attempt, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return await attempt();
            }
            catch (ConnectorBusyException) when (DateTime.UtcNow < until)
            {
                await Task.Delay(100);
            }
        }
    }

    private static async Task PgCtlAsync(params string[] arguments)
    {
        var bin = Environment.GetEnvironmentVariable("IDENTITYSYNC_TEST_POSTGRES_BIN") ?? throw new AssertionException("IDENTITYSYNC_TEST_POSTGRES_BIN is not set: run the tests through build/test.sh.");
        var data = Environment.GetEnvironmentVariable("IDENTITYSYNC_TEST_POSTGRES_DATA") ?? throw new AssertionException("IDENTITYSYNC_TEST_POSTGRES_DATA is not set: run the tests through build/test.sh.");
        var asRoot = Environment.UserName == "root";

        // The server pg_ctl starts keeps its standard streams: they go to the log, never to a pipe of this process.
        var start = new ProcessStartInfo(asRoot ? "runuser" : Path.Combine(bin, "pg_ctl"));
        if (asRoot)
        {
            foreach (var argument in (string[])["-u", "postgres", "--", Path.Combine(bin, "pg_ctl")])
            {
                start.ArgumentList.Add(argument);
            }
        }

        start.ArgumentList.Add("-D");
        start.ArgumentList.Add(data);
        start.ArgumentList.Add("-l");
        start.ArgumentList.Add(Path.Combine(Path.GetDirectoryName(data)!, "server.log"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        await process.WaitForExitAsync();
        Assert.That(process.ExitCode, Is.Zero, "pg_ctl " + string.Join(' ', arguments) + " failed; see server.log beside the data directory");
    }

    private async Task AssertPreviousStateThenNextRunWorksAsync()
    {
        using var reopened = new PostgreSqlResourceStore(PostgresServer.ConnectionString, new PostgreSqlStoreOptions { Schema = _schema });
        var state = await reopened.GetConnectorStateAsync("AD", CancellationToken.None);
        Assert.Multiple(async () =>
        {
            Assert.That(await reopened.CountResourcesAsync("AD_User", CancellationToken.None), Is.EqualTo(2));
            Assert.That((state.Version, state.LastBatchId), Is.EqualTo((1L, "b1")));
            Assert.That((await StoreCheck.RunAsync(ConformanceTests.KillTestModel.Instance, reopened)).Problems, Is.Empty, "the interrupted run left a consistent store");
        });

        await using (await reopened.LockConnectorAsync("AD", CancellationToken.None))
        await using (var writer = await reopened.BeginApplyAsync("AD", 1, CancellationToken.None))
        {
            await writer.InsertAsync("AD_User", [Change("after")], CancellationToken.None);
            await writer.CommitAsync(new ConnectorState(2, "b2", [], null), CancellationToken.None);
        }

        Assert.That(await reopened.CountResourcesAsync("AD_User", CancellationToken.None), Is.EqualTo(3));
    }

    private Process StartKillTarget(int count)
    {
        var baseDirectory = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var configuration = Path.GetFileName(baseDirectory);
        var target = Path.GetFullPath(Path.Combine(baseDirectory, "..", "..", "IdentitySync.Storage.PostgreSql.KillTarget", configuration, "IdentitySync.Storage.PostgreSql.KillTarget.dll"));
        Assert.That(File.Exists(target), Is.True, $"the kill target is built at {target}");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[target, PostgresServer.ConnectionString, _schema, count.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }

    private static async Task<string> WaitForAsync(Process process, string marker, TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        var seen = new System.Text.StringBuilder();
        while (await process.StandardOutput.ReadLineAsync(cancellation.Token) is { } line)
        {
            seen.AppendLine(line);
            if (line == marker)
            {
                return seen.ToString();
            }
        }

        Assert.Fail($"The child process ended before '{marker}': {seen} {await process.StandardError.ReadToEndAsync()}");
        return seen.ToString();
    }
}
