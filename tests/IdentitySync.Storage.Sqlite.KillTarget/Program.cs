using IdentitySync.ChangeSets;
using IdentitySync.Storage.Sqlite;

// A process the durability test kills with SIGKILL in the middle of applying a large change set:
// it holds the connector lock, hands every insert to one transaction (a type the store holds none of is written
// on the writer's second lane while the calls go on), says how far it got, and
// waits before committing.
var store = new SqliteResourceStore(args[0]);
var count = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
await using var runLock = await store.LockConnectorAsync("AD", CancellationToken.None);
var state = await store.GetConnectorStateAsync("AD", CancellationToken.None);
await using var writer = await store.BeginApplyAsync("AD", state.Version, CancellationToken.None);
for (var start = 0; start < count; start += 1000)
{
    var chunk = Enumerable.Range(start, Math.Min(1000, count - start))
        .Select(static i => new ResourceChange($"killed-{i:0000000}", (ulong)i, [$"User {i}", i], [], i + 2))
        .ToList();
    await writer.InsertAsync("AD_User", chunk, CancellationToken.None);
    Console.WriteLine($"WROTE {start + chunk.Count}");
}

Console.WriteLine("BEFORE-COMMIT");
await Task.Delay(Timeout.Infinite);
