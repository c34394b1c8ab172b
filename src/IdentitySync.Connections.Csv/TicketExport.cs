using System.Globalization;
using CsvHelper;
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

        // CsvHelper quotes as RFC 4180 says, and escapes cells a spreadsheet would run as formulas (OWASP's
        // = + - @ tab CR) with a leading ' in quotes.
        using var csv = CsvWriter.Create(writer, new CsvWriterOptions { Injection = CsvInjection.Escape, NewLine = "\r\n" }, true);
        csv.WriteHeader(s_header);
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
            csv.WriteRecord(fields);
        }

        csv.Flush();
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

    /// <summary>
    /// Prefixes a cell that starts like a formula (<c>= + - @</c>, tab or carriage return) with <c>'</c>, so that a
    /// spreadsheet shows it as text: the rule <see cref="WriteCsv"/> applies (through CsvHelper's injection escaping),
    /// for a host that writes cells of its own.
    /// </summary>
    /// <param name="cell">The cell.</param>
    /// <returns>The cell, safe to open in a spreadsheet.</returns>
    public static string Neutralize(string cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        return cell.Length > 0 && cell[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + cell : cell;
    }

    private static string Show(object? value) => value switch
    {
        null => "(empty)",
        string[] items => string.Join(" | ", items),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };
}
