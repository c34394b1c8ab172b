using System.Diagnostics;
using IdentitySync.ChangeSets;

namespace IdentitySync.Storage.Sqlite.Tests;

public sealed class SqliteDurabilityTests : TemporaryDirectoryTests
{
    [Test]
    public Task Apply_ProcessKilledMidTransaction_LeavesThePreviousStateAndTheNextRunWorks() =>
        KillMidApplyAsync("killed.db", [new ResourceChange("before-1", 1, ["kept", 1], [], 2), new ResourceChange("before-2", 2, ["kept", 2], [], 3)], 60_000);

    /// <summary>
    /// A type the store holds none of is written on the writer's second lane (decision 102): a process killed while
    /// 300,000 such rows are queued and written leaves the previous state, and the next run works.
    /// </summary>
    [Test]
    public Task Apply_ProcessKilledWhileANewTypesRowsAreWrittenOnTheLane_LeavesThePreviousStateAndTheNextRunWorks() =>
        KillMidApplyAsync("killed-lane.db", [], 300_000);

    /// <summary>
    /// Commits the users given as version 1, has a child process hand <paramref name="count"/> more to one write and
    /// kills it before it commits; then the store holds version 1 and those users only, passes its check, and the
    /// next run commits.
    /// </summary>
    private async Task KillMidApplyAsync(string file, ResourceChange[] before, int count)
    {
        var path = TestDirectory.File(file);
        var store = new SqliteResourceStore(path);
        await using (var writer = await store.BeginApplyAsync("AD", 0, CancellationToken.None))
        {
            if (before.Length > 0)
            {
                await writer.InsertAsync("AD_User", before, CancellationToken.None);
            }

            await writer.CommitAsync(new ConnectorState(1, "b1", [], null), CancellationToken.None);
        }

        using var child = StartKillTarget(path, count);
        var progress = await WaitForAsync(child, "BEFORE-COMMIT", TimeSpan.FromMinutes(2));
        child.Kill(entireProcessTree: true);
        await child.WaitForExitAsync();

        var reopened = new SqliteResourceStore(path);
        var state = await reopened.GetConnectorStateAsync("AD", CancellationToken.None);
        Assert.Multiple(async () =>
        {
            Assert.That(progress, Does.Contain($"WROTE {count}"), "the child had handed over every insert before it was killed");
            Assert.That(await reopened.CountResourcesAsync("AD_User", CancellationToken.None), Is.EqualTo(before.Length));
            Assert.That(await reopened.FindResourceAsync("AD_User", "killed-0000000", CancellationToken.None), Is.Null);
            Assert.That((state.Version, state.LastBatchId), Is.EqualTo((1L, "b1")));
            Assert.That((await StoreCheck.RunAsync(ConformanceTests.KillTestModel.Instance, reopened)).Problems, Is.Empty, "the killed run left a consistent store");
        });

        await using (await reopened.LockConnectorAsync("AD", CancellationToken.None))
        await using (var writer = await reopened.BeginApplyAsync("AD", 1, CancellationToken.None))
        {
            await writer.InsertAsync("AD_User", [new ResourceChange("after", 3, ["new", 3], [], 2)], CancellationToken.None);
            await writer.CommitAsync(new ConnectorState(2, "b2", [], null), CancellationToken.None);
        }

        Assert.That(await reopened.CountResourcesAsync("AD_User", CancellationToken.None), Is.EqualTo(before.Length + 1));
    }

    [Test]
    public async Task LockConnector_HeldByAnotherProcess_IsRefusedUntilThatProcessDies()
    {
        var path = TestDirectory.File("locked.db");
        var store = new SqliteResourceStore(path);
        using var child = StartKillTarget(path, 1_000);
        await WaitForAsync(child, "BEFORE-COMMIT", TimeSpan.FromMinutes(2));

        var exception = Assert.ThrowsAsync<ConnectorBusyException>(async () => await store.LockConnectorAsync("AD", CancellationToken.None));
        child.Kill(entireProcessTree: true);
        await child.WaitForExitAsync();

        Assert.That(exception!.Message, Does.StartWith("Connector 'AD' is already being synchronized (lock "));
        await using var acquired = await store.LockConnectorAsync("AD", CancellationToken.None);
        Assert.ThrowsAsync<ConnectorBusyException>(async () => await store.LockConnectorAsync("AD", CancellationToken.None), "this run holds the lock now");
    }

    private static Process StartKillTarget(string path, int count)
    {
        var baseDirectory = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var configuration = Path.GetFileName(baseDirectory);
        var target = Path.GetFullPath(Path.Combine(baseDirectory, "..", "..", "IdentitySync.Storage.Sqlite.KillTarget", configuration, "IdentitySync.Storage.Sqlite.KillTarget.dll"));
        Assert.That(File.Exists(target), Is.True, $"the kill target is built at {target}");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(target);
        start.ArgumentList.Add(path);
        start.ArgumentList.Add(count.ToString(System.Globalization.CultureInfo.InvariantCulture));
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
