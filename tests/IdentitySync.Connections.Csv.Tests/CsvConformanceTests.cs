using System.Text;
using IdentitySync.Connections.Testing;

namespace IdentitySync.Connections.Csv.Tests;

/// <summary>The CSV package against the shared connection conformance suite, with RFC 4180 files.</summary>
public sealed class CsvConformanceTests : ExportConnectionConformanceTests
{
    protected override IConnectionPackage Package { get; } = new CsvConnectionPackage();

    protected override IReadOnlyDictionary<string, string> Arrange(string directory, IReadOnlyList<ConformanceTable> complete, IReadOnlyList<ConformanceTable> incremental)
    {
        Write(Path.Combine(directory, "full"), complete);
        Write(Path.Combine(directory, "delta"), incremental);
        return new Dictionary<string, string>
        {
            ["Path"] = "full/{table}.csv",
            ["IncrementalPath"] = "delta/{table}.csv",
        };
    }

    internal static string Quote(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) >= 0 || value.Trim() != value ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    private static void Write(string directory, IReadOnlyList<ConformanceTable> tables)
    {
        Directory.CreateDirectory(directory);
        foreach (var table in tables)
        {
            var text = new StringBuilder().Append(string.Join(',', table.Columns.Select(Quote))).Append("\r\n");
            foreach (var row in table.Rows)
            {
                text.Append(string.Join(',', row.Select(Quote))).Append("\r\n");
            }

            File.WriteAllText(Path.Combine(directory, table.Name + ".csv"), text.ToString(), new UTF8Encoding(false));
        }
    }
}
