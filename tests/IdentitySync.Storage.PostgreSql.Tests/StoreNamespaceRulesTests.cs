using IdentitySync.Testing;

namespace IdentitySync.Storage.PostgreSql.Tests;

/// <summary>A store implements roles over the stored records; it never reaches into an engine.</summary>
public sealed class StoreNamespaceRulesTests
{
    private static readonly string[] s_allowed =
    [
        "IdentitySync", "IdentitySync.Storage", "IdentitySync.Model", "IdentitySync.ChangeSets", "IdentitySync.Orders",
        "IdentitySync.Categorizations", "IdentitySync.JobRuns", "IdentitySync.Internal",
    ];

    [Test]
    public void PostgreSqlStore_UsesOnlyStoreRolesAndStoredRecords()
    {
        var graph = NamespaceGraph.Read(typeof(PostgreSqlResourceStore).Assembly.Location);

        var forbidden = graph.Namespaces
            .SelectMany(ns => graph.UsesOf(ns).Keys.Select(used => (ns, used)))
            .Where(static e => !s_allowed.Contains(e.used) && !e.used.StartsWith("IdentitySync.Storage.PostgreSql", StringComparison.Ordinal))
            .Select(e => $"{e.ns} uses {e.used} ({string.Join(", ", graph.TypesUsed(e.ns, e.used))})");

        Assert.That(forbidden, Is.Empty);
    }
}
