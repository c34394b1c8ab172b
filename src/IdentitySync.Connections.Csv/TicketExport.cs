using System.Globalization;
using IdentitySync.Orders;

namespace IdentitySync.Connections.Csv;

/// <summary>
/// Writes tickets (orders a person applies by hand) for a service desk: CSV with one ticket per line,
/// or JSON in the order schema. CSV cells a spreadsheet would run as formulas are neutralized.
/// </summary>
public static class TicketExport
{
    private static readonly string[] s_header = ["id", "createdAt", "state", "connector", "resourceType", "changeType", "ownerKey", "ownerName", "resourceKey", "changes", "navigation", "reason"];

    /// <summary>Writes tickets as CSV (comma-separated, a header row, RFC 4180 quoting, CRLF line ends); cells that start like a formula are neutralized.</summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="tickets">The tickets.</param>
    public static void WriteCsv(TextWriter writer, IEnumerable<ProvisioningOrder> tickets)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(tickets);

        WriteRecord(writer, s_header);
        foreach (var ticket in tickets)
        {
            string[] fields =
            [
                ticket.Id.ToString(CultureInfo.InvariantCulture),
                ticket.CreatedAt.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture),
                ticket.State.ToString(),
                ticket.Connector,
                ticket.ResourceType,
                ticket.ChangeType.ToString(),
                ticket.Owner?.Key ?? string.Empty,
                ticket.Owner?.DisplayName ?? string.Empty,
                ticket.Resource?.Key ?? string.Empty,
                string.Join("; ", ticket.Changes.Select(static c => $"{c.Key} = {Show(c.Value)}")),
                string.Join("; ", ticket.Navigation.Select(static n => $"{n.Key}: " + string.Join(", ", n.Value.Added.Select(static a => "+" + a).Concat(n.Value.Removed.Select(static r => "-" + r))))),
                ticket.Reason,
            ];
            WriteRecord(writer, [.. fields.Select(Neutralize)]);
        }
    }

    /// <summary>Writes tickets as a JSON array in the order schema.</summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="tickets">The tickets.</param>
    public static void WriteJson(TextWriter writer, IEnumerable<ProvisioningOrder> tickets)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(OrderJson.Serialize(tickets));
        writer.WriteLine();
    }

    /// <summary>Prefixes a cell that starts like a formula (<c>= + - @</c>, tab or carriage return) with <c>'</c>, so that a spreadsheet shows it as text.</summary>
    /// <param name="cell">The cell.</param>
    /// <returns>The cell, safe to open in a spreadsheet.</returns>
    public static string Neutralize(string cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        return cell.Length > 0 && cell[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + cell : cell;
    }

    private static void WriteRecord(TextWriter writer, string[] fields)
    {
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                writer.Write(',');
            }

            var field = fields[i];
            writer.Write(field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field);
        }

        writer.Write("\r\n");
    }

    private static string Show(object? value) => value switch
    {
        null => "(empty)",
        string[] items => string.Join(" | ", items),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };
}
