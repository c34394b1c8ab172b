using IdentitySync.ChangeSets;
using IdentitySync.Storage.PostgreSql;

// A process the durability tests kill with SIGKILL: it holds connector AD's run lock on the store in the
// given schema and, with a count above zero, writes that many inserts in one transaction, says how far it
// got, and waits before committing. Another host, as far as the server can tell.
var store = new PostgreSqlResourceStore(args[0], new PostgreSqlStoreOptions { Schema = args[1] });
var count = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
await using var runLock = await store.LockConnectorAsync("AD", CancellationToken.None);
Console.WriteLine("LOCKED");
if (count > 0)
{
    var state = await store.GetConnectorStateAsync("AD", CancellationToken.None);
    await using var writer = await store.BeginApplyAsync("AD", state.Version, CancellationToken.None);
    for (var start = 0; start < count; start += 10_000)
    {
        var chunk = Enumerable.Range(start, Math.Min(10_000, count - start))
            .Select(static i => new ResourceChange($"killed-{i:0000000}", (ulong)i, [$"User {i}", i], [], i + 2))
            .ToList();
        await writer.InsertAsync("AD_User", chunk, CancellationToken.None);
        Console.WriteLine($"WROTE {start + chunk.Count}");
    }

    Console.WriteLine("BEFORE-COMMIT");
    await Task.Delay(Timeout.Infinite);
}

Console.WriteLine("BEFORE-COMMIT");
await Task.Delay(Timeout.Infinite);
