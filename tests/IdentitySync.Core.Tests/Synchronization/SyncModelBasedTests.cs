using System.Globalization;
using IdentitySync.Synchronization;

namespace IdentitySync.Tests.Synchronization;

/// <summary>
/// Random sequences of complete snapshots; after each run the store must equal the snapshot, except
/// keys quarantined in that run (conflicting duplicates, unparsable values), which keep their previous state.
/// </summary>
public sealed class SyncModelBasedTests
{
    private static readonly string[] s_dates = ["2024-01-01", "2024-06-30", "2025-12-31"];

    [TestCaseSource(nameof(Seeds))]
    public async Task Synchronize_RandomSnapshotSequence_StoreFollowsTheSnapshotExceptQuarantinedKeys(int seed)
    {
        var random = new Random(seed);
        var fixture = new SyncFixture();
        fixture.SetGroups();
        fixture.SetMembers();
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);

        for (var step = 0; step < 8; step++)
        {
            var rows = Snapshot(random, expected);
            fixture.SetUsers(rows.Select(static r => r.Row));

            var report = await fixture.RunAsync(force: true);

            Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Succeeded), $"seed {seed}, step {step}: {report.Message}");
            expected = Expect(rows, expected);
            Assert.That(await StoredAsync(fixture), Is.EqualTo(expected), $"seed {seed}, step {step}");
        }
    }

    private static IEnumerable<int> Seeds() => Enumerable.Range(1, 25);

    /// <summary>The next snapshot: most known keys kept (some changed), some dropped, new ones, and noise.</summary>
    private static List<(string Key, string Date, string Row)> Snapshot(Random random, Dictionary<string, string> current)
    {
        var rows = new List<(string Key, string Date, string Row)>();
        foreach (var key in current.Keys)
        {
            var roll = random.Next(10);
            if (roll == 0)
            {
                continue;
            }

            rows.Add(Row(key, roll == 1 ? s_dates[random.Next(s_dates.Length)] : current[key]));
        }

        for (var i = random.Next(4); i > 0; i--)
        {
            rows.Add(Row("k" + random.Next(30).ToString(CultureInfo.InvariantCulture), s_dates[random.Next(s_dates.Length)]));
        }

        for (var i = random.Next(3); i > 0 && rows.Count > 0; i--)
        {
            var copy = rows[random.Next(rows.Count)];
            rows.Add(random.Next(2) == 0 ? copy : Row(copy.Key, copy.Date == s_dates[0] ? s_dates[1] : s_dates[0]));
        }

        if (random.Next(3) == 0)
        {
            rows.Add(Row("k" + random.Next(30).ToString(CultureInfo.InvariantCulture), "not-a-date"));
        }

        if (random.Next(4) == 0)
        {
            rows.Add((string.Empty, s_dates[0], ";x;E;2024-01-01;"));
        }

        return [.. rows.OrderBy(_ => random.Next())];
    }

    private static (string Key, string Date, string Row) Row(string key, string date) => (key, date, $"{key};{key};E;{date};");

    /// <summary>What the store must hold after a complete run of the rows, computed independently of the engine.</summary>
    private static Dictionary<string, string> Expect(List<(string Key, string Date, string Row)> rows, Dictionary<string, string> previous)
    {
        var next = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in rows.Where(static r => r.Key.Length > 0).GroupBy(static r => r.Key))
        {
            var distinct = group.Select(static r => r.Date).Distinct().ToList();
            var quarantined = distinct.Count > 1 || distinct[0] == "not-a-date";
            if (!quarantined)
            {
                next[group.Key] = distinct[0];
            }
            else if (previous.TryGetValue(group.Key, out var kept))
            {
                next[group.Key] = kept;
            }
        }

        return next;
    }

    private static async Task<Dictionary<string, string>> StoredAsync(SyncFixture fixture)
    {
        var stored = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var resource in fixture.Store.GetResourcesAsync("AD_User", CancellationToken.None))
        {
            stored[resource.Key] = ((DateTime)fixture.ValueOf(resource, "Created")!).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        return stored;
    }
}
