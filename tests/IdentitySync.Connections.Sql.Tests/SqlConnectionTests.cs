using System.Text;
using IdentitySync.Configuration;
using IdentitySync.Model;
using IdentitySync.Orders;

namespace IdentitySync.Connections.Sql.Tests;

/// <summary>What the suite cannot arrange: watermarks, deleted markers, queries, hostile identifiers, typed columns, refused settings.</summary>
[TestFixture("Sqlite")]
[TestFixture("PostgreSql")]
public sealed class SqlConnectionTests(string kind)
{
    private readonly SqlConnectionPackage _package = new(TestDatabase.Providers);
    private string _directory = null!;
    private TestDatabase _database = null!;

    [SetUp]
    public void CreateDatabase()
    {
        _directory = Directory.CreateTempSubdirectory("sql").FullName;
        _database = TestDatabase.Create(kind, _directory);
    }

    [TearDown]
    public void DropDatabase()
    {
        _database?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public async Task Incremental_ReadsRowsAtOrAfterTheWatermark_AsMergesAndDeletes()
    {
        _database.Execute("CREATE TABLE people (id TEXT PRIMARY KEY, name TEXT, version BIGINT, gone INTEGER)");
        _database.Execute("INSERT INTO people VALUES ('1', 'Ann', 1, 0), ('2', 'Bob', 2, 0), ('3', 'Cy', 3, 1)");
        var connection = Connection(("people.Watermark", "version"), ("people.Deleted", "gone"));

        var (complete, watermark) = await ReadAsync(connection, new ExportRequest("people", ["id", "name"], ExportMode.Complete));
        _database.Execute("UPDATE people SET name = 'Bobby', version = 4 WHERE id = '2'");
        _database.Execute("UPDATE people SET gone = 1, version = 5 WHERE id = '1'");
        var (changes, next) = await ReadAsync(connection, new ExportRequest("people", ["command", "id", "name"], ExportMode.Incremental) { Watermark = watermark });
        var (again, _) = await ReadAsync(connection, new ExportRequest("people", ["command", "id", "name"], ExportMode.Incremental) { Watermark = next });

        Assert.Multiple(() =>
        {
            Assert.That(complete, Is.EqualTo(new[] { "1|Ann", "2|Bob" }), "a complete export skips deleted rows");
            Assert.That(watermark, Is.EqualTo("number:3"));
            Assert.That(changes, Is.EqualTo(new[] { "delete|3|Cy", "merge|2|Bobby", "delete|1|Ann" }), "in watermark order, from the row at the last watermark on");
            Assert.That(next, Is.EqualTo("number:5"));
            Assert.That(again, Is.EqualTo(new[] { "delete|1|Ann" }), "the row at the watermark is read again: a repeated delete changes nothing");
        });
    }

    [Test]
    public async Task Incremental_WithoutAWatermarkColumn_AsksForOne()
    {
        _database.Execute("CREATE TABLE people (id TEXT)");

        var exception = Assert.ThrowsAsync<ConnectionException>(() => ReadAsync(Connection(), new ExportRequest("people", ["command", "id"], ExportMode.Incremental) { Watermark = "number:1" }));

        Assert.Multiple(() =>
        {
            Assert.That(exception!.Message, Does.Contain("set \"people.Watermark\""));
            Assert.That(exception.Kind, Is.EqualTo(FailureKind.InvalidInput));
        });
    }

    [Test]
    public async Task Query_IsReadAsATable_AndNotWrittenWithoutWriteTo()
    {
        _database.Execute("CREATE TABLE people (id TEXT PRIMARY KEY, name TEXT, active INTEGER)");
        _database.Execute("INSERT INTO people VALUES ('1', 'Ann', 1), ('2', 'Bob', 0)");
        var connection = Connection(("staff.Query", "SELECT id, upper(name) AS name FROM people WHERE active = 1"));

        var (rows, _) = await ReadAsync(connection, new ExportRequest("staff", ["id", "name"], ExportMode.Complete));
        var results = await FulfillAsync(connection, Request("staff", OrderChangeType.Deleted, "1"));

        Assert.Multiple(() =>
        {
            Assert.That(rows, Is.EqualTo(new[] { "1|ANN" }));
            Assert.That(results.Single().Status, Is.EqualTo(FulfillmentStatus.Failed));
            Assert.That(results.Single().Message, Does.Contain("set \"staff.WriteTo\""));
        });
    }

    [Test]
    public async Task HostileIdentifiers_AreQuoted_NeverSpliced()
    {
        var table = "odd \"table\"; DROP TABLE x; --";
        _database.Execute($"CREATE TABLE {TestDatabase.Quote(table)} ({TestDatabase.Quote("select")} TEXT PRIMARY KEY, {TestDatabase.Quote("it's \"q\"")} TEXT)");
        _database.Execute($"INSERT INTO {TestDatabase.Quote(table)} VALUES ('k1', 'v1')");
        var connection = Connection(("things.Source", table));

        var added = await FulfillAsync(connection, Request("things", OrderChangeType.Added, "k2", ("Quoted", "v2")) with
        {
            Columns = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Key"] = "select", ["Quoted"] = "it's \"q\"" },
            Keys = [new ResourceKeyValue("Key", "select", "k2", PropertyKey.Primary)],
        });
        var (rows, _) = await ReadAsync(connection, new ExportRequest("things", ["select", "it's \"q\""], ExportMode.Complete));

        Assert.Multiple(() =>
        {
            Assert.That(added.Single().Status, Is.EqualTo(FulfillmentStatus.Succeeded), added.Single().Message);
            Assert.That(rows, Is.EqualTo(new[] { "k1|v1", "k2|v2" }));
        });
    }

    [Test]
    public async Task TypedColumns_ReceiveTypedParameters_AndReadAsInvariantText()
    {
        _database.Execute("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, fte NUMERIC(4, 2))");
        var connection = Connection();

        var added = await FulfillAsync(connection, Request("people", OrderChangeType.Added, "7", ("Name", "Zoë"), ("Fte", "0.5")) with
        {
            Columns = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Id"] = "id", ["Name"] = "name", ["Fte"] = "fte" },
            Keys = [new ResourceKeyValue("Id", "id", "7", PropertyKey.Primary)],
        });
        var (rows, _) = await ReadAsync(connection, new ExportRequest("people", ["id", "name", "fte"], ExportMode.Complete));

        Assert.Multiple(() =>
        {
            Assert.That(added.Single().Status, Is.EqualTo(FulfillmentStatus.Succeeded), added.Single().Message);
            Assert.That(rows.Single(), Does.StartWith("7|Zoë|0.5"));
        });
    }

    [Test]
    public async Task ChildTable_GivesAMultiValuedColumn_ReadAndWrittenWithItsRow()
    {
        _database.Execute("CREATE TABLE people (id TEXT PRIMARY KEY, name TEXT)");
        _database.Execute("CREATE TABLE person_roles (person_id TEXT, role TEXT)");
        _database.Execute("INSERT INTO people VALUES ('1', 'Ann'), ('2', 'Bob')");
        _database.Execute("INSERT INTO person_roles VALUES ('1', 'user'), ('1', 'admin')");
        var connection = Connection(("people.Child.roles", "person_roles, person_id, role, id"));
        var request = new ExportRequest("people", ["id", "name", "roles"], ExportMode.Complete);
        var columns = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Key"] = "id", ["Name"] = "name", ["Roles"] = "roles" };

        var (before, _) = await ReadAsync(connection, request);
        var added = await FulfillAsync(connection, Request("people", OrderChangeType.Added, "3", ("Name", "Cy")) with { Columns = columns });
        var withRoles = Request("people", OrderChangeType.Modified, "2") with { Columns = columns };
        var modified = await FulfillAsync(connection, withRoles with { Order = withRoles.Order with { Changes = new Dictionary<string, object?> { ["Roles"] = new[] { "b", "a" } } } });
        var deleted = await FulfillAsync(connection, Request("people", OrderChangeType.Deleted, "1") with { Columns = columns });
        var (after, _) = await ReadAsync(connection, request);

        Assert.Multiple(() =>
        {
            Assert.That(before, Is.EqualTo(new[] { "1|Ann|admin|user", "2|Bob|" }), "values in order, joined by the separator");
            Assert.That(new[] { added, modified, deleted }.Select(static r => r.Single().Status), Is.All.EqualTo(FulfillmentStatus.Succeeded));
            Assert.That(after, Is.EquivalentTo(new[] { "2|Bob|a|b", "3|Cy|" }));
        });
        var (orphans, _) = await ReadAsync(Connection(("roles.Source", "person_roles")), new ExportRequest("roles", ["person_id", "role"], ExportMode.Complete));
        Assert.That(orphans, Is.EquivalentTo(new[] { "2|a", "2|b" }), "the deleted row's child rows went with it");
    }

    [Test]
    public async Task Discover_ListsTablesWithTheirColumns()
    {
        _database.Execute("CREATE TABLE people (id TEXT PRIMARY KEY, name TEXT)");
        var connection = Connection(("people.Child.roles", "people, id, name, id"), ("staff.Query", "SELECT id AS badge FROM people"));

        var tables = await _package.DiscoverAsync(connection, Context(), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(tables!.Single(static t => t.Name == "people").Columns, Is.EqualTo(new[] { "id", "name", "roles" }));
            Assert.That(tables!.Single(static t => t.Name == "staff").Columns, Is.EqualTo(new[] { "badge" }));
        });
    }

    [Test]
    public async Task DerivedPackage_WithItsOwnIdAndProvider_ReadsAsTheBuiltInOne()
    {
        _database.Execute("CREATE TABLE people (id TEXT)");
        _database.Execute("INSERT INTO people VALUES ('1')");
        var warehouse = new Warehouse(TestDatabase.Providers[_database.Provider]);
        var connection = new IdentityModelBuilder()
            .AddConnector("App", c => c.AddConnection("Db", "Warehouse", _database.Settings(("Provider", "Warehouse"))))
            .Build().GetConnector("App").Connections[0];

        await using var export = warehouse.CreateExportConnection(connection, Context());
        await using var reader = await export.OpenTableAsync(new ExportRequest("people", ["id"], ExportMode.Complete), CancellationToken.None);
        using var batch = new RowBatch(1);

        Assert.Multiple(async () =>
        {
            Assert.That(warehouse.Id, Is.EqualTo("Warehouse"));
            Assert.That(warehouse.ValidateSettings(connection), Is.Empty);
            Assert.That(await reader.ReadAsync(batch, CancellationToken.None), Is.True);
            Assert.That(Encoding.UTF8.GetString(batch.GetField(0, 0)), Is.EqualTo("1"));
        });
    }

    [Test]
    public void UnknownColumn_InAMappingOrASetting_IsNamed()
    {
        _database.Execute("CREATE TABLE people (id TEXT)");

        var exception = Assert.ThrowsAsync<ConnectionException>(() => ReadAsync(Connection(("people.Watermark", "changed")), new ExportRequest("people", ["id"], ExportMode.Complete)));

        Assert.That(exception!.Message, Does.Contain("has no column 'changed' (\"people.Watermark\")"));
    }

    [Test]
    public void Settings_Refused_AreNamed()
    {
        var problems = _package.ValidateSettings(Model(new Dictionary<string, string>
        {
            ["Provider"] = "Oracle",
            ["people.Source"] = "people",
            ["people.Query"] = "SELECT 1",
            ["people.Overlap"] = "soon",
            ["people.Colour"] = "blue",
            ["staff.Query"] = "DELETE FROM people",
        }));

        Assert.That(problems, Is.EquivalentTo(new[]
        {
            "Provider: 'Oracle' is not a provider this host has; it has PostgreSql, Sqlite",
            "ConnectionString: required (or ConnectionStringVariable, the environment variable that holds it)",
            "people.Overlap: 'soon' is not a whole number of seconds",
            "people.Colour: unknown setting; a table reads Source, Query, WriteTo, Watermark, Overlap, Deleted and Child.<column>",
            "people.Query: give Source or Query, not both",
            "staff.Query: a query starts with SELECT or WITH",
        }));
    }

    [Test]
    public void Unreachable_IsAConnectionErrorWithoutTheConnectionString()
    {
        var settings = kind == "Sqlite"
            ? _database.Settings(("ConnectionString", $"Data Source={Path.Combine(_directory, "missing", "x.db")};Mode=ReadOnly;Password=s3cr3t"))
            : _database.Settings(("ConnectionString", "Host=127.0.0.1;Port=1;Username=nobody;Password=s3cr3t;Timeout=2"));

        var exception = Assert.ThrowsAsync<ConnectionException>(() => ReadAsync(Model(settings), new ExportRequest("people", ["id"], ExportMode.Complete)));

        Assert.Multiple(() =>
        {
            Assert.That(exception!.Message, Does.StartWith("Connection 'Db': the database cannot be opened"));
            Assert.That(exception.Message, Does.Not.Contain("s3cr3t"));
            Assert.That(exception.Kind, Is.AnyOf(FailureKind.SystemUnavailable, FailureKind.InputUnreadable, FailureKind.InvalidInput));
        });
    }

    private Connection Connection(params (string Key, string Value)[] more) => Model(_database.Settings(more));

    private static Connection Model(IReadOnlyDictionary<string, string> settings) =>
        new IdentityModelBuilder().AddConnector("App", c => c.AddConnection("Db", SqlConnectionPackage.PackageId, settings)).Build().GetConnector("App").Connections[0];

    private ConnectionContext Context() => new("App", _directory, TimeProvider.System);

    private async Task<(List<string> Rows, string? Watermark)> ReadAsync(Connection connection, ExportRequest request)
    {
        var rows = new List<string>();
        await using var export = _package.CreateExportConnection(connection, Context());
        await using var reader = await export.OpenTableAsync(request, CancellationToken.None);
        using var batch = new RowBatch(request.Columns.Count, 10);
        while (await reader.ReadAsync(batch, CancellationToken.None))
        {
            for (var row = 0; row < batch.Count; row++)
            {
                rows.Add(string.Join('|', Enumerable.Range(0, request.Columns.Count).Select(c => Encoding.UTF8.GetString(batch.GetField(row, c)))));
            }
        }

        return (rows, reader.Watermark);
    }

    private async Task<IReadOnlyList<FulfillmentResult>> FulfillAsync(Connection connection, FulfillmentRequest request)
    {
        await using var fulfill = _package.CreateFulfillConnection(connection, Context());
        return await fulfill.FulfillAsync([request], CancellationToken.None);
    }

    private static FulfillmentRequest Request(string table, OrderChangeType change, string key, params (string Property, string Value)[] values) => new()
    {
        Order = new ProvisioningOrder
        {
            Id = 1,
            ChangeType = change,
            Connector = "App",
            ResourceType = "App_Thing",
            Changes = values.ToDictionary(static v => v.Property, static v => (object?)v.Value),
            Reason = "test",
        },
        EntityType = "Thing",
        Table = table,
        Columns = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Key"] = "id" },
        Keys = [new ResourceKeyValue("Key", "id", key, PropertyKey.Primary)],
    };

    private sealed class Warehouse(System.Data.Common.DbProviderFactory factory)
        : SqlConnectionPackage(new Dictionary<string, System.Data.Common.DbProviderFactory> { ["Warehouse"] = factory }, id: "Warehouse");
}
