using IdentitySync.Connections.Testing;

namespace IdentitySync.Connections.Csv.Tests;

/// <summary>The CSV package's settings against the conformance suite.</summary>
public sealed class CsvSettingsConformanceTests : PackageSettingsConformanceTests
{
    protected override IConnectionPackage Package { get; } = new CsvConnectionPackage();

    protected override IReadOnlyDictionary<string, string> ValidSettings(string directory) =>
        new Dictionary<string, string> { ["Path"] = "full/{table}.csv", ["IncrementalPath"] = "delta/{table}.csv", ["Separator"] = ";" };
}

/// <summary>The order-file package's settings against the conformance suite.</summary>
public sealed class OrderFileSettingsConformanceTests : PackageSettingsConformanceTests
{
    protected override IConnectionPackage Package { get; } = new OrderFileConnectionPackage();

    protected override IReadOnlyDictionary<string, string> ValidSettings(string directory) =>
        new Dictionary<string, string> { ["Directory"] = "orders" };
}
