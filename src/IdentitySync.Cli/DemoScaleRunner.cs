using System.Diagnostics;
using System.Globalization;
using IdentitySync.ChangeSets;
using IdentitySync.Connections.Csv;
using IdentitySync.Storage.Sqlite;
using IdentitySync.Synchronization;
using IdentitySync.SampleData;
using Spectre.Console;

namespace IdentitySync.Cli;

/// <summary>
/// The demo at a size of one's choosing: a generated company (IdentitySync.SampleData's generator, seed 42)
/// synchronized into a SQLite store, then again unchanged, then with 1 % changed, then HR, categorization
/// and orders for every person, each step timed on this machine.
/// </summary>
internal sealed class DemoScaleRunner(IAnsiConsole console, string directory, int accounts)
{
    /// <summary>The store file of the demo at scale, beside the generated exports.</summary>
    public const string StoreFile = "identitysync-scale.db";

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var original = Path.Combine(directory, "generated", "original");
        var changed = Path.Combine(directory, "generated", "changed");
        foreach (var old in Directory.Exists(directory) ? Directory.GetFiles(directory, StoreFile + "*") : [])
        {
            File.Delete(old);
        }

        console.MarkupLine($"[bold]IdentitySync demo at scale[/] in {Shown.Markup(directory)}");
        var clock = Stopwatch.StartNew();
        var generator = new DataGenerator(accounts);
        var counts = generator.Write(original);
        generator.Write(changed, changeRate: 0.01);
        console.MarkupLine(Shown.Markup(string.Create(CultureInfo.InvariantCulture,
            $"Generated {counts.Accounts:N0} accounts (20 Active Directory columns), {counts.Groups:N0} groups, {counts.Memberships:N0} memberships and {counts.Accounts:N0} HR people in {clock.Elapsed.TotalSeconds:F1} s (generated/original), and a version with 1 % changed (generated/changed).")));

        var timings = new List<(string Step, long Rows, long Changes, TimeSpan Time)>();
        using (var store = new SqliteResourceStore(Path.Combine(directory, StoreFile)))
        {
            var model = GeneratedDataModel.Create();
            var before = new SyncEngine(model, store, [new CsvConnectionPackage()], new SyncEngineOptions { BaseDirectory = original });
            var after = new SyncEngine(model, store, [new CsvConnectionPackage()], new SyncEngineOptions { BaseDirectory = changed });

            Step(1, "Load the directory into an empty store (initial mode).");
            if (!await SynchronizeAsync("directory, first load", () => before.SynchronizeAsync("AD", new SyncRunOptions { Mode = SyncMode.Initial }, cancellationToken)).ConfigureAwait(false))
            {
                return ExitCodes.Failure;
            }

            Step(2, "The same export again: its fingerprint matches the export applied, so nothing is read; then read and compared row by row anyway (--read-unchanged): nothing changes.");
            await SynchronizeAsync("directory, unchanged (skipped)", () => before.SynchronizeAsync("AD", cancellationToken: cancellationToken)).ConfigureAwait(false);
            await SynchronizeAsync("directory, unchanged (read)", () => before.SynchronizeAsync("AD", new SyncRunOptions { ReadUnchanged = true }, cancellationToken)).ConfigureAwait(false);

            Step(3, "1 % changed: updated, new and deleted accounts, memberships moved.");
            await SynchronizeAsync("directory, 1 % changed", () => after.SynchronizeAsync("AD", cancellationToken: cancellationToken)).ConfigureAwait(false);

            Step(4, "HR people, every account categorized against them, and the orders that give each person a conforming account.");
            await SynchronizeAsync("HR, first load", () => after.SynchronizeAsync("HR", new SyncRunOptions { Mode = SyncMode.Initial }, cancellationToken)).ConfigureAwait(false);
            clock.Restart();
            var categorized = await new Categorization.CategorizationEngine(model, store).CategorizeAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            timings.Add(("categorization", categorized.Considered + categorized.Kept, categorized.Considered, clock.Elapsed));
            console.MarkupLine(Shown.Markup(string.Create(CultureInfo.InvariantCulture, $"  {categorized.Considered:N0} accounts categorized in {clock.Elapsed.TotalSeconds:F1} s.")));
            clock.Restart();
            var generated = await new Provisioning.ProvisioningEngine(model, store).GenerateAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            timings.Add(("orders", generated.ResourceTypes.Sum(static t => t.Evaluated), generated.Orders.Count, clock.Elapsed));
            ProvisionCommands.PrintGeneration(console, generated);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var table = new Table().Border(TableBorder.Rounded).AddColumns("step", "rows", "changes", "seconds", "rows per second");
        foreach (var (step, rows, changes, time) in timings)
        {
            table.AddRow(
                Shown.Markup(step),
                rows.ToString("N0", CultureInfo.InvariantCulture),
                changes.ToString("N0", CultureInfo.InvariantCulture),
                time.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture),
                (rows / Math.Max(time.TotalSeconds, 0.001)).ToString("N0", CultureInfo.InvariantCulture));
        }

        console.MarkupLine(string.Empty);
        console.MarkupLine($"[bold]Timings on this machine[/] ({Environment.ProcessorCount} cores); the store is {Shown.Markup(StoreFile)}:");
        console.Write(table);
        return ExitCodes.Success;

        async Task<bool> SynchronizeAsync(string step, Func<Task<SyncReport>> run)
        {
            var report = await run().ConfigureAwait(false);
            ReportPrinter.Print(console, report);
            timings.Add((
                step,
                report.EntityTypes.Sum(static e => e.RowsRead) + report.Associations.Sum(static a => a.RowsRead),
                report.EntityTypes.Sum(static e => e.Inserted + e.Updated + e.Deleted) + report.Associations.Sum(static a => a.Inserted + a.Deleted),
                report.Durations.Total));
            return report.Outcome == SyncOutcome.Succeeded;
        }
    }

    private void Step(int number, string text) => console.MarkupLine($"[bold]Step {number}.[/] {Shown.Markup(text)}");
}
