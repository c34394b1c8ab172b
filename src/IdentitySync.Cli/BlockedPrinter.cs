using System.Globalization;
using IdentitySync.ChangeSets;
using Spectre.Console;

namespace IdentitySync.Cli;

/// <summary>Prints a blocked change set: counts per scope, or one scope's rows a page at a time.</summary>
internal static class BlockedPrinter
{
    public static void PrintCounts(IAnsiConsole console, ChangeSet blocked)
    {
        console.MarkupLine($"{Shown.Markup(blocked.Connector)}: a {blocked.Mode.ToString().ToLowerInvariant()} synchronization blocked on {blocked.CreatedAt:yyyy-MM-dd HH:mm:ss'Z'} (batch {Shown.Markup(blocked.BatchId)}); resume or abandon it.");
        var table = new Table().Border(TableBorder.Rounded).AddColumns("scope", "inserted / added", "updated", "deleted / removed", "unchanged");
        foreach (var entityType in blocked.EntityTypes)
        {
            table.AddRow(Shown.Markup(entityType.EntityType), N(entityType.Inserted.Count), N(entityType.Updated.Count), N(entityType.Deleted.Count), N(entityType.Unchanged));
        }

        foreach (var association in blocked.Associations)
        {
            table.AddRow(Shown.Markup(association.Association.Association) + " (links)", N(association.Added.Count), string.Empty, N(association.Removed.Count), N(association.Unchanged));
        }

        console.Write(table);
        console.MarkupLine("The rows of one scope: [bold]identitysync blocked --connector C --scope NAME[/] (--skip, --limit).");
    }

    /// <summary>Prints the page of a scope's rows: deletions first, then updates, then insertions; links removed, then added.</summary>
    /// <returns>Whether the change set has that scope.</returns>
    public static bool TryPrintRows(IAnsiConsole console, ChangeSet blocked, string scope, int skip, int limit)
    {
        List<(string Change, string Key, string Detail)> rows;
        if (blocked.EntityTypes.FirstOrDefault(e => string.Equals(e.EntityType, scope, StringComparison.OrdinalIgnoreCase)) is { } entityType)
        {
            rows =
            [
                .. entityType.Deleted.Select(static r => ("deleted", r.Key, string.Empty)),
                .. entityType.Updated.Select(static r => ("updated", r.Key, string.Join("; ", r.Changes.Select(static c => $"{c.Property}: {ReportPrinter.Format(c.OldValue)} → {ReportPrinter.Format(c.NewValue)}")))),
                .. entityType.Inserted.Select(static r => ("inserted", r.Key, r.LineNumber > 0 ? $"line {r.LineNumber.ToString(CultureInfo.InvariantCulture)}" : string.Empty)),
            ];
        }
        else if (blocked.Associations.FirstOrDefault(a => string.Equals(a.Association.Association, scope, StringComparison.OrdinalIgnoreCase)) is { } association)
        {
            rows =
            [
                .. association.Removed.Select(static l => ("removed", l.FirstKey, l.SecondKey)),
                .. association.Added.Select(static l => ("added", l.FirstKey, l.SecondKey)),
            ];
        }
        else
        {
            return false;
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumns("change", "key", "detail");
        foreach (var (change, key, detail) in rows.Skip(skip).Take(limit))
        {
            table.AddRow(change, Shown.Markup(key), Shown.Markup(detail));
        }

        console.Write(table);
        var shown = Math.Max(0, Math.Min(limit, rows.Count - skip));
        console.MarkupLine(shown == 0
            ? $"No rows after {N(skip)} of {N(rows.Count)}."
            : $"Rows {N(skip + 1)} to {N(skip + shown)} of {N(rows.Count)}{(skip + shown < rows.Count ? $"; next: --skip {(skip + shown).ToString(CultureInfo.InvariantCulture)}" : string.Empty)}.");
        return true;
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
