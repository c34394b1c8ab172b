using System.Text.Json.Nodes;
using Contoso.Connections.JsonLines;
using IdentitySync.Connections;
using IdentitySync.Connections.Testing;

namespace Contoso.Connections.JsonLines.Tests;

/// <summary>The package's settings against the IdentitySync conformance suite.</summary>
[TestFixture]
public sealed class SettingsConformance : PackageSettingsConformanceTests
{
    protected override IConnectionPackage Package { get; } = new JsonLinesConnectionPackage();

    protected override IReadOnlyDictionary<string, string> ValidSettings(string directory) =>
        new Dictionary<string, string> { ["Directory"] = "data" };
}

/// <summary>The package's export against the IdentitySync conformance suite: each table a .jsonl file.</summary>
[TestFixture]
public sealed class ExportConformance : ExportConnectionConformanceTests
{
    protected override IConnectionPackage Package { get; } = new JsonLinesConnectionPackage();

    protected override IReadOnlyDictionary<string, string> Arrange(string directory, IReadOnlyList<ConformanceTable> complete, IReadOnlyList<ConformanceTable> incremental)
    {
        Directory.CreateDirectory(Path.Combine(directory, "data"));
        foreach (var table in complete)
        {
            var lines = table.Rows.Select(row =>
            {
                var item = new JsonObject();
                for (var i = 0; i < table.Columns.Count; i++)
                {
                    item[table.Columns[i]] = row[i];
                }

                return item.ToJsonString();
            });
            File.WriteAllLines(Path.Combine(directory, "data", table.Name + ".jsonl"), lines);
        }

        return new Dictionary<string, string> { ["Directory"] = "data" };
    }
}
