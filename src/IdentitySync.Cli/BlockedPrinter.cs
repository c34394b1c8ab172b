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

    /// <summary>
    /// Prints the page of a scope's rows: deletions first, then updates, then insertions; links removed, then added.
    /// Only the rows shown are read: a store that keeps the change set in pages reads the pages they are on.
    /// </summary>
    /// <returns>Whether the change set has that scope.</returns>
    public static bool TryPrintRows(IAnsiConsole console, ChangeSet blocked, string scope, int skip, int limit)
    {
        IReadOnlyList<(string Change, Func<int, (string Key, string Detail)> Row, int Count)> lists;
        if (blocked.EntityTypes.FirstOrDefault(e => string.Equals(e.EntityType, scope, StringComparison.OrdinalIgnoreCase)) is { } entityType)
        {
            lists =
            [
                ("deleted", i => (entityType.Deleted[i].Key, string.Empty), entityType.Deleted.Count),
                ("updated", i => Updated(entityType.Updated[i]), entityType.Updated.Count),
                ("inserted", i => Inserted(entityType.Inserted[i]), entityType.Inserted.Count),
            ];
        }
        else if (blocked.Associations.FirstOrDefault(a => string.Equals(a.Association.Association, scope, StringComparison.OrdinalIgnoreCase)) is { } association)
        {
            lists =
            [
                ("removed", i => (association.Removed[i].FirstKey, association.Removed[i].SecondKey), association.Removed.Count),
                ("added", i => (association.Added[i].FirstKey, association.Added[i].SecondKey), association.Added.Count),
            ];
        }
        else
        {
            return false;
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumns("change", "key", "detail");
        var total = lists.Sum(static l => (long)l.Count);
        var shown = 0;
        var offset = 0L;
        foreach (var (change, row, count) in lists)
        {
            // The rows of this list that fall in the page, by index: the lists before it are skipped, not read.
            for (var i = (int)Math.Max(0, skip - offset); i < count && shown < limit; i++, shown++)
            {
                var (key, detail) = row(i);
                table.AddRow(change, Shown.Markup(key), Shown.Markup(detail));
            }

            offset += count;
        }

        console.Write(table);
        console.MarkupLine(shown == 0
            ? $"No rows after {N(skip)} of {N(total)}."
            : $"Rows {N(skip + 1)} to {N(skip + shown)} of {N(total)}{(skip + shown < total ? $"; next: --skip {(skip + shown).ToString(CultureInfo.InvariantCulture)}" : string.Empty)}.");
        return true;

        static (string, string) Updated(ResourceChange r) =>
            (r.Key, string.Join("; ", r.Changes.Select(static c => $"{c.Property}: {ReportPrinter.Format(c.OldValue)} → {ReportPrinter.Format(c.NewValue)}")));

        static (string, string) Inserted(ResourceChange r) =>
            (r.Key, r.LineNumber > 0 ? $"line {r.LineNumber.ToString(CultureInfo.InvariantCulture)}" : string.Empty);
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
