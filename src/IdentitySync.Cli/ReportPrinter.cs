using System.Globalization;
using IdentitySync.Synchronization;
using Spectre.Console;

namespace IdentitySync.Cli;

/// <summary>Readable summaries of reports and resources.</summary>
internal static class ReportPrinter
{
    public static void Print(IAnsiConsole console, SyncReport report)
    {
        var outcome = report.Outcome switch
        {
            SyncOutcome.Succeeded => "[green]Succeeded[/]",
            SyncOutcome.Blocked => "[yellow]Blocked[/]",
            SyncOutcome.Failed => "[red]Failed[/]",
            _ => "[grey]Skipped[/]",
        };
        var flags = (report.DryRun ? " (dry run: nothing written)" : string.Empty) + (report.Forced ? " (forced)" : string.Empty);
        console.MarkupLine($"[bold]{Shown.Markup(report.Connector)}[/] {report.Mode.ToString().ToLowerInvariant()} synchronization: {outcome}{Shown.Markup(flags)}");
        if (report.Message is not null)
        {
            console.MarkupLine("  " + Shown.Markup(report.Message));
        }

        if (report.EntityTypes.Count + report.Associations.Count == 0)
        {
            return;
        }

        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("", "read", "inserted", "updated", "deleted", "unchanged", "quarantined");
        foreach (var e in report.EntityTypes)
        {
            table.AddRow(Shown.Markup(e.EntityType), N(e.RowsRead), N(e.Inserted), N(e.Updated), N(e.Deleted), N(e.Unchanged), N(e.QuarantinedCount));
        }

        foreach (var a in report.Associations)
        {
            table.AddRow(Shown.Markup(a.Association) + " (links)", N(a.RowsRead), N(a.Inserted), "", N(a.Deleted), N(a.Unchanged), N(a.QuarantinedCount));
        }

        console.Write(table);
        var quarantined = report.EntityTypes.SelectMany(static e => e.Quarantined).Concat(report.Associations.SelectMany(static a => a.Quarantined)).ToList();
        foreach (var row in quarantined.Take(10))
        {
            console.MarkupLine($"  quarantined {Shown.Markup(row.Source)}:{row.Line.ToString(CultureInfo.InvariantCulture)} {Shown.Markup(row.Key ?? "(no key)")}: {Shown.Markup(row.Reason)}");
        }

        var count = report.EntityTypes.Sum(static e => e.QuarantinedCount) + report.Associations.Sum(static a => a.QuarantinedCount);
        if (count > 10)
        {
            console.MarkupLine($"  ... and {N(count - 10)} more quarantined rows (see --report, or --quarantine for every one).");
        }

        foreach (var verdict in report.Thresholds.Where(static v => v.Exceeded))
        {
            var unit = verdict.IsPercent ? "%" : string.Empty;
            var line = verdict.Change == ThresholdChange.EmptyInput
                ? string.Create(CultureInfo.InvariantCulture, $"  threshold exceeded: {verdict.Scope} {verdict.Name}, {verdict.Change}: no rows read, {verdict.StoredCount} stored")
                : string.Create(CultureInfo.InvariantCulture, $"  threshold exceeded: {verdict.Scope} {verdict.Name}, {verdict.Change}: {verdict.Actual}{unit} > {verdict.Limit}{unit}");
            console.MarkupLine(Shown.Markup(line));
        }
    }

    public static void Print(IAnsiConsole console, Reading.RepositoryResource resource)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("property", "value");
        table.AddRow("(key)", Shown.Markup(resource.Key));
        table.AddRow("(id)", resource.Id.ToString(CultureInfo.InvariantCulture));
        foreach (var (property, value) in resource.ToDictionary())
        {
            table.AddRow(Shown.Markup(property), Shown.Markup(Format(value)));
        }

        console.Write(table);
    }

    public static string Format(object? value) => value switch
    {
        null => "",
        DateTime d => d.ToString(d.TimeOfDay == TimeSpan.Zero ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        object[] items => string.Join(" | ", items.Select(Format)),
        byte[] bytes => Convert.ToBase64String(bytes),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
