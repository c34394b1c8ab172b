using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using IdentitySync.ChangeSets;
using IdentitySync.Connections.Csv;
using IdentitySync.Storage.Sqlite;
using IdentitySync.Synchronization;
using IdentitySync.SampleData;

namespace IdentitySync.Benchmarks.Scenarios;

/// <summary>
/// The end-to-end scenarios of the speed budget: G1 a complete load into an empty SQLite store,
/// G2 the same files again (skipped by their fingerprint), G2r the same files read row by row anyway, G3 1 % changed; then G4, orders for every HR person (after loading HR and
/// categorizing), and again after 1 % of HR changed (skip with --no-provisioning); G5 is G1 at ten times
/// the size (run it with a larger --accounts). <c>--data DIR</c> keeps the generated files there for the next run;
/// G1a and G1b are G1's baselines (the files through the CSV reader alone; G1's store copied into a fresh file).
/// <c>--stop-after ID</c> ends after that phase (G5 needs only G1); <c>--after-g1 FILE</c> keeps the SQLite
/// store G1 left in FILE and, when FILE exists, starts from a copy of it instead of running G1. <c>--allocations N</c>
/// writes each phase's N most allocated types (sampled by the runtime; see <see cref="AllocationSampler"/>).
/// Each phase reports wall time, rows (or owners evaluated)
/// per second, peak working set, allocations and GCs.
/// </summary>
public static class ScenarioRunner
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static async Task<int> RunAsync(string[] args)
    {
        var accounts = Option(args, "--accounts", 100_000);
        var perAccount = Option(args, "--memberships-per-account", 10);
        var output = OptionText(args, "--out");
        using var sampler = OptionText(args, "--allocations") is not null ? new AllocationSampler() : null;
        s_allocations = sampler is null ? null : (sampler, Option(args, "--allocations", 15));
        var work = Path.Combine(Path.GetTempPath(), $"identitysync-bench-{accounts}-{Environment.ProcessId}");
        var data = OptionText(args, "--data") is { } kept ? Path.GetFullPath(kept) : work;
        var original = Path.Combine(data, "original");
        var changed = Path.Combine(data, "changed");
        try
        {
            var counts = Generate(data, accounts, perAccount);

            Directory.CreateDirectory(work);
            var database = Path.Combine(work, "bench.db");
            var phases = new List<PhaseResult>();
            var stopAfter = OptionText(args, "--stop-after");
            bool Continue() => stopAfter is null || !phases.Exists(p => string.Equals(p.Id, stopAfter, StringComparison.OrdinalIgnoreCase));
            Storage.IResourceStore? store = null;
            async Task Phase(Func<Task<PhaseResult>> measure)
            {
                if (Continue())
                {
                    phases.Add(await SettledAsync(args.Contains("--no-settle") ? null : store, await measure().ConfigureAwait(false)).ConfigureAwait(false));
                }
            }

            // --postgres CONNECTION-STRING: the PostgreSQL store, in a schema of its own that is dropped afterwards.
            var postgres = OptionText(args, "--postgres");
            var schema = string.Create(CultureInfo.InvariantCulture, $"bench_{Environment.ProcessId}");
            var storeName = postgres is null ? "SQLite" : "PostgreSQL";

            // --after-g1 FILE: a SQLite store that G1 left (saved there by the first run that names it), so that
            // the phases after G1 can be measured again without loading a million accounts each time.
            var afterG1 = postgres is null ? OptionText(args, "--after-g1") : null;
            var reuse = afterG1 is not null && File.Exists(afterG1);
            if (reuse)
            {
                CopyStore(afterG1!, database);
                Console.WriteLine($"G1 skipped: starting from the store it left in {afterG1}.");
            }

            store = postgres is null
                ? new SqliteResourceStore(database)
                : new Storage.PostgreSql.PostgreSqlResourceStore(postgres, new Storage.PostgreSql.PostgreSqlStoreOptions { Schema = schema, MigrateOnOpen = true });
            using ((IDisposable)store)
            {
                var model = GeneratedDataModel.Create();
                var engineOriginal = new SyncEngine(model, store, [new CsvConnectionPackage()], new SyncEngineOptions { BaseDirectory = original });
                var engineChanged = new SyncEngine(model, store, [new CsvConnectionPackage()], new SyncEngineOptions { BaseDirectory = changed });
                if (!reuse)
                {
                    await Phase(() => MeasureAsync(postgres is null ? "G1" : "G6", $"complete load into an empty {storeName} store", () => engineOriginal.SynchronizeAsync("AD", new SyncRunOptions { Mode = SyncMode.Initial }))).ConfigureAwait(false);
                    if (afterG1 is not null)
                    {
                        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                        CopyStore(database, afterG1);
                    }

                    // G1's two floors, measured in the same run (issue 18: G1 ≤ 1.5 × (a + b)).
                    await Phase(() => MeasureAsync("G1a", "baseline (a): the same files through the CSV reader, no other work", () => Baselines.ReadFilesAsync(model, "AD", original))).ConfigureAwait(false);
                    if (postgres is null)
                    {
                        await Phase(() => MeasureAsync("G1b", "baseline (b): G1's store copied into a fresh store file (INSERT … SELECT per table)", () => Baselines.CopyStoreAsync(database, Path.Combine(work, "copy.db")))).ConfigureAwait(false);
                        File.Delete(Path.Combine(work, "copy.db"));
                    }
                }

                await Phase(() => MeasureAsync("G2", "the same files again (no change; skipped by their fingerprint)", () => engineOriginal.SynchronizeAsync("AD"))).ConfigureAwait(false);
                await Phase(() => MeasureAsync("G2r", "the same files again, read and compared row by row (ReadUnchanged)", () => engineOriginal.SynchronizeAsync("AD", new SyncRunOptions { ReadUnchanged = true }))).ConfigureAwait(false);
                await Phase(() => MeasureAsync("G3", "1 % changed", () => engineChanged.SynchronizeAsync("AD"))).ConfigureAwait(false);

                if (!args.Contains("--no-provisioning") && Continue())
                {
                    // G4: orders for every HR person: categorize the directory against HR, then generate (a full
                    // recompute), then the changed HR file (about 1 % moved, joined or left) and an incremental generation.
                    var categorization = new Categorization.CategorizationEngine(model, store);
                    var provisioning = new Provisioning.ProvisioningEngine(model, store);
                    await Phase(() => MeasureAsync("H1", "HR people, complete load", () => engineOriginal.SynchronizeAsync("HR", new SyncRunOptions { Mode = SyncMode.Initial }))).ConfigureAwait(false);
                    await Phase(() => MeasureAsync("C1", "categorize every account", async () => Outcome(await categorization.CategorizeAsync().ConfigureAwait(false)))).ConfigureAwait(false);
                    await Phase(() => MeasureAsync("G4", "orders for every person, full recompute", async () => Outcome(await provisioning.GenerateAsync(new Provisioning.ProvisioningRunOptions { Full = true }).ConfigureAwait(false)))).ConfigureAwait(false);
                    await Phase(() => MeasureAsync("H2", "HR people, 1 % changed", () => engineChanged.SynchronizeAsync("HR"))).ConfigureAwait(false);
                    await Phase(() => MeasureAsync("C2", "categorize the changed accounts", async () => Outcome(await categorization.CategorizeAsync().ConfigureAwait(false)))).ConfigureAwait(false);
                    await Phase(() => MeasureAsync("G4b", "orders after 1 % changed (only changed owners evaluated)", async () => Outcome(await provisioning.GenerateAsync().ConfigureAwait(false)))).ConfigureAwait(false);

                }
            }

            // --keep-schema: leave the PostgreSQL schema for a look at its tables and plans.
            if (postgres is not null && !args.Contains("--keep-schema"))
            {
                await using var connection = new Npgsql.NpgsqlConnection(postgres);
                await connection.OpenAsync().ConfigureAwait(false);
                await using var drop = new Npgsql.NpgsqlCommand($"DROP SCHEMA \"{schema}\" CASCADE", connection);
                await drop.ExecuteNonQueryAsync().ConfigureAwait(false);
            }

            var result = new ScenarioResult(Machine(), accounts, counts.Groups, counts.Memberships, new FileInfo(Path.Combine(original, "users.csv")).Length, phases) { Store = storeName };
            Console.WriteLine(Markdown(result));
            if (output is not null)
            {
                Directory.CreateDirectory(output);
                var stem = Path.Combine(output, string.Create(CultureInfo.InvariantCulture, $"scenario-{accounts}"));
                await File.WriteAllTextAsync(stem + ".json", JsonSerializer.Serialize(result, s_json)).ConfigureAwait(false);
                await File.WriteAllTextAsync(stem + ".md", Markdown(result)).ConfigureAwait(false);
            }

            return phases.All(static p => p.Outcome == nameof(SyncOutcome.Succeeded)) ? 0 : 1;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    /// <summary>Copies a SQLite store file with its write-ahead log, if it has one.</summary>
    /// <summary>
    /// Copies a store file (and its WAL) and flushes the copy to disk: otherwise the kernel writes a gigabyte back
    /// while the next phases run, and they measure that too (runs of the same code spread by half).
    /// </summary>
    private static void CopyStore(string from, string to)
    {
        File.Copy(from, to, overwrite: true);
        File.Delete(to + "-wal");
        if (File.Exists(from + "-wal"))
        {
            File.Copy(from + "-wal", to + "-wal");
        }

        foreach (var file in new[] { to, to + "-wal" }.Where(File.Exists))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite);
            stream.Flush(flushToDisk: true);
        }
    }

    /// <summary>
    /// Writes the original and the 1 % changed files under <paramref name="data"/>, or reuses them when an
    /// earlier run with the same sizes left them there (<c>--data DIR</c>: generating ten million accounts takes minutes).
    /// </summary>
    private static GeneratedCounts Generate(string data, int accounts, int perAccount)
    {
        var marker = Path.Combine(data, "generated.json");
        var generator = new DataGenerator(accounts, perAccount);
        var version = typeof(DataGenerator).Assembly.GetName().Version?.ToString() ?? "?";
        if (File.Exists(marker) && JsonSerializer.Deserialize<GeneratedData>(File.ReadAllText(marker), s_json) is { } previous
            && previous == new GeneratedData(accounts, perAccount, generator.Seed, version, previous.Counts))
        {
            Console.WriteLine($"Reusing the data generated in {data}.");
            return previous.Counts;
        }

        Directory.CreateDirectory(data);
        File.Delete(marker);
        var clock = Stopwatch.StartNew();
        var counts = generator.Write(Path.Combine(data, "original"));
        generator.Write(Path.Combine(data, "changed"), changeRate: 0.01);
        File.WriteAllText(marker, JsonSerializer.Serialize(new GeneratedData(accounts, perAccount, generator.Seed, version, counts), s_json));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Generated {counts.Accounts:N0} accounts, {counts.Groups:N0} groups, {counts.Memberships:N0} memberships in {clock.Elapsed.TotalSeconds:F1} s."));
        return counts;
    }

    /// <summary>What a data directory was generated with: the same sizes, seed and generator version reuse it.</summary>
    private sealed record GeneratedData(int Accounts, int MembershipsPerAccount, int Seed, string Version, GeneratedCounts Counts);

    private static (string Outcome, long Rows, long Changes) Outcome(Categorization.CategorizationReport report) =>
        ("Succeeded", report.Considered + report.Kept, report.Considered);

    private static (string Outcome, long Rows, long Changes) Outcome(Provisioning.ProvisioningReport report) =>
        (report.IsBlocked ? "Blocked" : "Succeeded", report.ResourceTypes.Sum(static t => t.Evaluated), report.Orders.Count);

    private static Task<PhaseResult> MeasureAsync(string id, string description, Func<Task<SyncReport>> run) =>
        MeasureAsync(id, description, async () =>
        {
            var report = await run().ConfigureAwait(false);
            if (report.Outcome != SyncOutcome.Succeeded)
            {
                Console.Error.WriteLine($"{id}: {report.Outcome}: {report.Message}");
            }

            return (report.Outcome.ToString(),
                report.EntityTypes.Sum(static e => e.RowsRead) + report.Associations.Sum(static a => a.RowsRead),
                report.EntityTypes.Sum(static e => e.Inserted + e.Updated + e.Deleted) + report.Associations.Sum(static a => a.Inserted + a.Deleted),
                report.Durations);
        });

    private static Task<PhaseResult> MeasureAsync(string id, string description, Func<Task<(string Outcome, long Rows, long Changes)>> run) =>
        MeasureAsync(id, description, async () =>
        {
            var (outcome, rows, changes) = await run().ConfigureAwait(false);
            return (outcome, rows, changes, (SyncDurations?)null);
        });

    /// <summary>Set by <c>--allocations N</c>: each phase's sampled allocations by type, its top N written after it.</summary>
    private static (AllocationSampler Sampler, int Count)? s_allocations;

    private static async Task<PhaseResult> MeasureAsync(string id, string description, Func<Task<(string Outcome, long Rows, long Changes, SyncDurations? Durations)>> run)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var gcs = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var paused = GC.GetTotalPauseDuration();
        var jitted = System.Runtime.JitInfo.GetCompilationTime();
        using var process = Process.GetCurrentProcess();
        s_allocations?.Sampler.Reset();
        var clock = Stopwatch.StartNew();
        var (outcome, rows, changes, durations) = await run().ConfigureAwait(false);
        clock.Stop();
        process.Refresh();
        if (s_allocations is var (sampler, count))
        {
            sampler.Report(id, count);
        }

        return new PhaseResult(
            id,
            description,
            outcome,
            Math.Round(clock.Elapsed.TotalSeconds, 2),
            rows,
            changes,
            (long)(rows / clock.Elapsed.TotalSeconds),
            process.PeakWorkingSet64 / (1024 * 1024),
            (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (1024 * 1024),
            GC.CollectionCount(0) - gcs.Item1,
            GC.CollectionCount(1) - gcs.Item2,
            GC.CollectionCount(2) - gcs.Item3,
            durations)
        {
            GcPauseSeconds = Math.Round((GC.GetTotalPauseDuration() - paused).TotalSeconds, 2),
            JitSeconds = Math.Round((System.Runtime.JitInfo.GetCompilationTime() - jitted).TotalSeconds, 2),
        };
    }

    /// <summary>
    /// Waits for the checkpoint a SQLite phase left to the background (decision 103) before the next phase starts,
    /// and notes how long that took: the phase's own figure does not include it, and the next phase's does not either.
    /// </summary>
    private static async Task<PhaseResult> SettledAsync(Storage.IResourceStore? store, PhaseResult phase)
    {
        if (store is not SqliteResourceStore sqlite)
        {
            return phase;
        }

        var clock = Stopwatch.StartNew();
        await sqlite.CheckpointAsync().ConfigureAwait(false);
        return phase with { CheckpointSeconds = Math.Round(clock.Elapsed.TotalSeconds, 2) };
    }

    private static string Markdown(ScenarioResult result)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Scenario: {result.Accounts:N0} accounts x 20 columns ({result.UsersFileBytes / (1024 * 1024):N0} MiB), {result.Groups:N0} groups, {result.Memberships:N0} memberships, CSV into {result.Store}.\n");
        text.Append(CultureInfo.InvariantCulture, $"Machine: {result.Machine}\n\n");
        text.Append("| Phase | What | Outcome | Wall time (s) | Rows read | Changes | Rows/s | Peak working set (MiB, process so far) | Allocated (MiB) | GC 0/1/2 | GC pause (s) | JIT (s) | Read / diff / apply (s) | Checkpoint after (s) |\n");
        text.Append("|---|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---|---:|\n");
        foreach (var p in result.Phases)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"| {p.Id} | {p.Description} | {p.Outcome} | {p.Seconds:F2} | {p.RowsRead:N0} | {p.Changes:N0} | {p.RowsPerSecond:N0} | {p.PeakWorkingSetMiB:N0} | {p.AllocatedMiB:N0} | {p.Gen0}/{p.Gen1}/{p.Gen2} | {p.GcPauseSeconds:F1} | {p.JitSeconds:F2} | {(p.Durations is { } d ? $"{d.Read.TotalSeconds:F1} / {d.Diff.TotalSeconds:F1} / {d.Apply.TotalSeconds:F1}" : "—")} | {(p.CheckpointSeconds is { } c ? c.ToString("F2", CultureInfo.InvariantCulture) : "—")} |\n");
        }

        if (result.G1AgainstBaselines is { } ratio)
        {
            text.Append(CultureInfo.InvariantCulture, $"\nG1 against its baselines measured in this run: G1 / (G1a + G1b) = {ratio:F2} (target ≤ 1.5).\n");
            if (result.G1WithCheckpointAgainstBaselines is { } settled)
            {
                // Baseline (b) pays the checkpoint of its own commit; G1 leaves its checkpoint to the background.
                text.Append(CultureInfo.InvariantCulture, $"With the checkpoint G1 left to the background: (G1 + its checkpoint) / (G1a + G1b) = {settled:F2}.\n");
            }
        }

        return text.ToString();
    }

    private static string Machine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(static l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024 * 1024 * 1024.0);
        return string.Create(CultureInfo.InvariantCulture,
            $"{cpu ?? RuntimeInformation.ProcessArchitecture.ToString()}, {Environment.ProcessorCount} cores, {memory:F0} GiB, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
    }

    private static int Option(string[] args, string name, int fallback) =>
        OptionText(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static string? OptionText(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}

public sealed record ScenarioResult(string Machine, int Accounts, int Groups, long Memberships, long UsersFileBytes, IReadOnlyList<PhaseResult> Phases)
{
    /// <summary>Gets the store the scenario ran on: SQLite, or PostgreSQL with <c>--postgres</c>.</summary>
    public string Store { get; init; } = "SQLite";

    /// <summary>Gets G1's time over the sum of its two baselines (the CSV read alone, the store copied), when all three ran.</summary>
    public double? G1AgainstBaselines => AgainstBaselines(static g1 => g1.Seconds);

    /// <summary>Gets G1's time with the checkpoint it left to the background over the sum of its baselines (baseline (b) includes its own checkpoint).</summary>
    public double? G1WithCheckpointAgainstBaselines => AgainstBaselines(static g1 => g1.CheckpointSeconds is { } checkpoint ? g1.Seconds + checkpoint : null);

    /// <summary>A time of G1's over the sum of its two baselines, when all three ran (and the time is known).</summary>
    private double? AgainstBaselines(Func<PhaseResult, double?> timeOf) =>
        Phases.FirstOrDefault(static p => p.Id == "G1") is { } g1 && timeOf(g1) is { } time
        && Phases.FirstOrDefault(static p => p.Id == "G1a") is { } a
        && Phases.FirstOrDefault(static p => p.Id == "G1b") is { } b
        && a.Seconds + b.Seconds > 0
            ? Math.Round(time / (a.Seconds + b.Seconds), 2)
            : null;
}

public sealed record PhaseResult(
    string Id,
    string Description,
    string Outcome,
    double Seconds,
    long RowsRead,
    long Changes,
    long RowsPerSecond,
    long PeakWorkingSetMiB,
    long AllocatedMiB,
    int Gen0,
    int Gen1,
    int Gen2,
    SyncDurations? Durations)
{
    /// <summary>Gets the time the garbage collector paused the process during the phase (<see cref="GC.GetTotalPauseDuration"/>).</summary>
    public double GcPauseSeconds { get; init; }

    /// <summary>
    /// Gets the time the process spent compiling code during the phase, on every thread (<see cref="System.Runtime.JitInfo.GetCompilationTime"/>):
    /// code a phase is the first to run is compiled inside its wall time, as it is in a command run once.
    /// </summary>
    public double JitSeconds { get; init; }

    /// <summary>Gets how long the runner waited, after the phase, for the checkpoint it left to the background (SQLite only; not part of <see cref="Seconds"/>).</summary>
    public double? CheckpointSeconds { get; init; }
}
