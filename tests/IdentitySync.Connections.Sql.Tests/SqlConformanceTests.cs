using IdentitySync.Connections.Testing;

namespace IdentitySync.Connections.Sql.Tests;

/// <summary>The SQL package's settings against the conformance suite.</summary>
[TestFixture]
public sealed class SqlSettingsConformanceTests : PackageSettingsConformanceTests
{
    protected override IConnectionPackage Package { get; } = new SqlConnectionPackage(TestDatabase.Providers);

    protected override IReadOnlyDictionary<string, string> ValidSettings(string directory) =>
        new Dictionary<string, string> { ["Provider"] = "Sqlite", ["ConnectionString"] = "Data Source=managed.db", ["people.Watermark"] = "changed", ["people.Overlap"] = "60" };
}

/// <summary>The SQL package's export against the conformance suite, on SQLite and on PostgreSQL: each table a table of text columns.</summary>
[TestFixture("Sqlite")]
[TestFixture("PostgreSql")]
public sealed class SqlExportConformanceTests(string kind) : ExportConnectionConformanceTests
{
    private readonly List<TestDatabase> _databases = [];

    protected override IConnectionPackage Package { get; } = new SqlConnectionPackage(TestDatabase.Providers);

    /// <summary>Gets false: the delta is a watermark column (SqlIncrementalTests), not a source the suite fills.</summary>
    protected override bool ArrangesIncrementalSource => false;

    [TearDown]
    public void DropDatabases()
    {
        _databases.ForEach(static d => d.Dispose());
        _databases.Clear();
    }

    protected override IReadOnlyDictionary<string, string> Arrange(string directory, IReadOnlyList<ConformanceTable> complete, IReadOnlyList<ConformanceTable> incremental)
    {
        var database = TestDatabase.Create(kind, directory);
        _databases.Add(database);
        foreach (var table in complete)
        {
            database.Execute($"CREATE TABLE {TestDatabase.Quote(table.Name)} ({string.Join(", ", table.Columns.Select(c => TestDatabase.Quote(c) + " TEXT"))})");
            foreach (var row in table.Rows)
            {
                database.Execute(
                    $"INSERT INTO {TestDatabase.Quote(table.Name)} ({string.Join(", ", table.Columns.Select(TestDatabase.Quote))}) VALUES ({string.Join(", ", row.Select((_, i) => "@p" + i))})",
                    [.. row]);
            }
        }

        return database.Settings();
    }
}

/// <summary>The SQL package's fulfilment against the conformance suite, on SQLite and on PostgreSQL.</summary>
[TestFixture("Sqlite")]
[TestFixture("PostgreSql")]
public sealed class SqlFulfillConformanceTests(string kind) : FulfillConnectionConformanceTests
{
    private readonly List<TestDatabase> _databases = [];

    protected override IConnectionPackage Package { get; } = new SqlConnectionPackage(TestDatabase.Providers);

    /// <summary>Gets a value longer than the value column allows (60 characters).</summary>
    protected override string? RefusedValue => new('x', 100);

    [TearDown]
    public void DropDatabases()
    {
        _databases.ForEach(static d => d.Dispose());
        _databases.Clear();
    }

    protected override IReadOnlyDictionary<string, string> Arrange(string directory, IReadOnlyList<ConformanceTable> tables)
    {
        var database = TestDatabase.Create(kind, directory);
        _databases.Add(database);
        foreach (var table in tables)
        {
            database.Execute($"CREATE TABLE {TestDatabase.Quote(table.Name)} (key TEXT PRIMARY KEY, value {database.ShortText}, other TEXT)");
            foreach (var row in table.Rows)
            {
                database.Execute($"INSERT INTO {TestDatabase.Quote(table.Name)} (key, value, other) VALUES (@p0, @p1, @p2)", [.. row]);
            }
        }

        return database.Settings();
    }
}
