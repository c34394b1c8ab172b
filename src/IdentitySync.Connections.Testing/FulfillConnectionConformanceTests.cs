using IdentitySync.Model;
using IdentitySync.Orders;

namespace IdentitySync.Connections.Testing;

/// <summary>
/// What every connection package's fulfil facet must do, for packages that also export: each order kind
/// applied, a retried order harmless, the system's refusals mapped to results, one result per order. Every
/// effect is verified by exporting again through the same connection, never through the fixture's own
/// access to the system.
/// </summary>
/// <remarks>
/// The suite works on one table, <c>things</c>, with the columns <c>key</c> (the primary key), <c>value</c>
/// and <c>other</c>; the entity type is <c>Thing</c> with the properties <c>Key</c>, <c>Value</c> and
/// <c>Other</c>. A technology that needs more to create a row (a directory's DN) adds it in <see cref="Adapt"/>.
/// </remarks>
public abstract class FulfillConnectionConformanceTests : ConformanceFixture
{
    /// <summary>The table the suite fulfils.</summary>
    protected const string Table = "things";

    private static readonly string[] s_columns = ["key", "value", "other"];

    private long _nextOrderId = 1;

    /// <summary>
    /// Puts the tables in the managed system and returns the settings of a connection that exports and fulfils
    /// them; the rows are written exactly.
    /// </summary>
    /// <param name="directory">A new, empty directory the fixture may use.</param>
    /// <param name="tables">The tables, each with the columns <c>key</c>, <c>value</c> and <c>other</c>.</param>
    /// <returns>The connection's settings.</returns>
    protected abstract IReadOnlyDictionary<string, string> Arrange(string directory, IReadOnlyList<ConformanceTable> tables);

    /// <summary>
    /// Gets a value of the <c>value</c> column the system refuses (too long, of a wrong syntax), to check that
    /// a refusal is <see cref="FulfillmentStatus.Failed"/> with the system's message; <see langword="null"/>
    /// when the system accepts any text there (the default).
    /// </summary>
    protected virtual string? RefusedValue => null;

    /// <summary>Adds what the technology needs beyond the suite's columns (a directory's DN for a new entry); the default changes nothing.</summary>
    /// <param name="request">The request the suite built.</param>
    /// <returns>The request to hand to the connection.</returns>
    protected virtual FulfillmentRequest Adapt(FulfillmentRequest request) => request;

    /// <summary>An added row is there when the table is exported again, with its values.</summary>
    [Test]
    public async Task Added_IsExportedAgain_WithItsValues()
    {
        var connection = Connect([["k1", "one", "first"]]);

        var result = await FulfillOneAsync(connection, Added("k2", "two", "second"));

        Assert.Multiple(async () =>
        {
            Assert.That(result.Status, Is.EqualTo(FulfillmentStatus.Succeeded), result.Message);
            Assert.That(await ExportAsync(connection), Is.EquivalentTo(new[] { "k1|one|first", "k2|two|second" }));
        });
    }

    /// <summary>Adding a row that exists is <see cref="FulfillmentStatus.AlreadyExists"/>, so a retried order is harmless.</summary>
    [Test]
    public async Task Added_Twice_IsAlreadyExists_AndLeavesOneRow()
    {
        var connection = Connect([]);
        var order = Added("k1", "one", "first");

        var first = await FulfillOneAsync(connection, order);
        var second = await FulfillOneAsync(connection, order);

        Assert.Multiple(async () =>
        {
            Assert.That(first.Status, Is.EqualTo(FulfillmentStatus.Succeeded), first.Message);
            Assert.That(second.Status, Is.EqualTo(FulfillmentStatus.AlreadyExists), second.Message);
            Assert.That(await ExportAsync(connection), Is.EqualTo(new[] { "k1|one|first" }));
        });
    }

    /// <summary>A change sets the given values, clears a value given as null, and leaves the others as they were.</summary>
    [Test]
    public async Task Modified_SetsAndClearsTheGivenValues_Only()
    {
        var connection = Connect([["k1", "one", "first"], ["k2", "two", "second"]]);

        var set = await FulfillOneAsync(connection, Modified("k1", ("Value", "ONE")));
        var cleared = await FulfillOneAsync(connection, Modified("k2", ("Other", null)));

        Assert.Multiple(async () =>
        {
            Assert.That((set.Status, cleared.Status), Is.EqualTo((FulfillmentStatus.Succeeded, FulfillmentStatus.Succeeded)), set.Message + " " + cleared.Message);
            Assert.That(await ExportAsync(connection), Is.EquivalentTo(new[] { "k1|ONE|first", "k2|two|" }));
        });
    }

    /// <summary>Changing a row that does not exist is <see cref="FulfillmentStatus.NotFound"/> and creates nothing.</summary>
    [Test]
    public async Task Modified_Missing_IsNotFound_AndCreatesNothing()
    {
        var connection = Connect([["k1", "one", "first"]]);

        var result = await FulfillOneAsync(connection, Modified("absent", ("Value", "x")));

        Assert.Multiple(async () =>
        {
            Assert.That(result.Status, Is.EqualTo(FulfillmentStatus.NotFound), result.Message);
            Assert.That(await ExportAsync(connection), Is.EqualTo(new[] { "k1|one|first" }));
        });
    }

    /// <summary>A removed row is gone when the table is exported again; removing it again is <see cref="FulfillmentStatus.NotFound"/>.</summary>
    [Test]
    public async Task Deleted_IsGone_AndDeletingAgainIsNotFound()
    {
        var connection = Connect([["k1", "one", "first"], ["k2", "two", "second"]]);

        var first = await FulfillOneAsync(connection, Deleted("k1"));
        var again = await FulfillOneAsync(connection, Deleted("k1"));

        Assert.Multiple(async () =>
        {
            Assert.That(first.Status, Is.EqualTo(FulfillmentStatus.Succeeded), first.Message);
            Assert.That(again.Status, Is.EqualTo(FulfillmentStatus.NotFound), again.Message);
            Assert.That(await ExportAsync(connection), Is.EqualTo(new[] { "k2|two|second" }));
        });
    }

    /// <summary>Values that stress the technology's encoding are written and exported back exactly.</summary>
    [Test]
    public async Task AwkwardValues_AreWrittenAndExportedBackExactly()
    {
        string[] values = ["comma, inside", "quote \" inside", "Ærøskøbing Zoë Çelik 山田", "semi;colon|pipe", "=SUM(A1)", "back\\slash"];
        var connection = Connect([]);

        var results = await FulfillAsync(connection, [.. values.Select((v, i) => Added($"k{i}", v, "x"))]);

        Assert.Multiple(async () =>
        {
            Assert.That(results.Select(static r => r.Status), Is.All.EqualTo(FulfillmentStatus.Succeeded), string.Join("; ", results.Select(static r => r.Message)));
            Assert.That(await ExportAsync(connection), Is.EquivalentTo(values.Select((v, i) => $"k{i}|{v}|x")));
        });
    }

    /// <summary>A batch of mixed orders gets exactly one result per order, by id.</summary>
    [Test]
    public async Task Batch_GetsOneResultPerOrder()
    {
        var connection = Connect([["k1", "one", "first"], ["k2", "two", "second"]]);
        FulfillmentRequest[] batch = [Added("k3", "three", "third"), Modified("k1", ("Value", "uno")), Deleted("k2"), Deleted("absent")];

        var results = await FulfillAsync(connection, batch);

        Assert.Multiple(async () =>
        {
            Assert.That(results.Select(static r => r.OrderId), Is.EquivalentTo(batch.Select(static r => r.Order.Id)));
            Assert.That(results.Select(static r => r.Status), Is.EqualTo(new[] { FulfillmentStatus.Succeeded, FulfillmentStatus.Succeeded, FulfillmentStatus.Succeeded, FulfillmentStatus.NotFound }));
            Assert.That(await ExportAsync(connection), Is.EquivalentTo(new[] { "k1|uno|first", "k3|three|third" }));
        });
    }

    /// <summary>A value the system refuses is <see cref="FulfillmentStatus.Failed"/> with a message, and changes nothing.</summary>
    [Test]
    public async Task RefusedValue_IsFailed_WithTheSystemsMessage()
    {
        if (RefusedValue is not { } refused)
        {
            Assert.That(RefusedValue, Is.Null, "the fixture declares that the system accepts any text");
            return;
        }

        var connection = Connect([["k1", "one", "first"]]);

        var result = await FulfillOneAsync(connection, Modified("k1", ("Value", refused)));

        Assert.Multiple(async () =>
        {
            Assert.That(result.Status, Is.EqualTo(FulfillmentStatus.Failed));
            Assert.That(result.Message, Is.Not.Null.And.Not.Empty);
            Assert.That(await ExportAsync(connection), Is.EqualTo(new[] { "k1|one|first" }));
        });
    }

    /// <summary>Orders handed over with a cancelled token are not applied: none gets a success it did not have.</summary>
    [Test]
    public async Task Cancelled_AppliesNothing()
    {
        var connection = Connect([["k1", "one", "first"]]);
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        IReadOnlyList<FulfillmentResult> results = [];
        try
        {
            await using var fulfill = Package.CreateFulfillConnection(connection, Context());
            results = await fulfill.FulfillAsync([Adapt(Added("k2", "two", "second"))], cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            // Throwing is as good as returning no result: the order is tried again later.
        }

        Assert.Multiple(async () =>
        {
            Assert.That(results.Where(static r => r.Status == FulfillmentStatus.Succeeded), Is.Empty);
            Assert.That(await ExportAsync(connection), Is.EqualTo(new[] { "k1|one|first" }));
        });
    }

    /// <summary>Arranges <c>things</c> with the rows (key, value, other) and returns its connection.</summary>
    /// <param name="rows">The rows.</param>
    /// <returns>The connection.</returns>
    protected Connection Connect(IReadOnlyList<IReadOnlyList<string>> rows) =>
        ConnectionOf(Arrange(WorkDirectory, [new ConformanceTable(Table, s_columns, rows)]));

    /// <summary>An order that creates a row.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value column.</param>
    /// <param name="other">The other column.</param>
    /// <returns>The request.</returns>
    protected FulfillmentRequest Added(string key, string value, string other) =>
        Request(OrderChangeType.Added, key, new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase) { ["Key"] = key, ["Value"] = value, ["Other"] = other });

    /// <summary>An order that changes a row.</summary>
    /// <param name="key">The key.</param>
    /// <param name="changes">The properties to set; null clears.</param>
    /// <returns>The request.</returns>
    protected FulfillmentRequest Modified(string key, params (string Property, string? Value)[] changes) =>
        Request(OrderChangeType.Modified, key, changes.ToDictionary(static c => c.Property, static c => (object?)c.Value, StringComparer.OrdinalIgnoreCase));

    /// <summary>An order that removes a row.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The request.</returns>
    protected FulfillmentRequest Deleted(string key) => Request(OrderChangeType.Deleted, key, new Dictionary<string, object?>());

    private FulfillmentRequest Request(OrderChangeType change, string key, Dictionary<string, object?> changes) => new()
    {
        Order = new ProvisioningOrder
        {
            Id = _nextOrderId++,
            ChangeType = change,
            Connector = "Conformance",
            ResourceType = "Conformance_Thing",
            Resource = change == OrderChangeType.Added ? null : new OrderResource(0, key, new Dictionary<string, object?> { ["Key"] = key }),
            Changes = changes,
            Arguments = new Dictionary<string, string> { ["Key"] = key },
            Reason = "conformance",
        },
        EntityType = "Thing",
        Table = Table,
        Columns = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Key"] = "key", ["Value"] = "value", ["Other"] = "other" },
        Keys = [new ResourceKeyValue("Key", "key", key, PropertyKey.Primary)],
    };

    private async Task<FulfillmentResult> FulfillOneAsync(Connection connection, FulfillmentRequest request)
    {
        var results = await FulfillAsync(connection, [request]);
        Assert.That(results, Has.Count.EqualTo(1), "one result for one order");
        return results[0];
    }

    private async Task<IReadOnlyList<FulfillmentResult>> FulfillAsync(Connection connection, IReadOnlyList<FulfillmentRequest> requests)
    {
        await using var fulfill = Package.CreateFulfillConnection(connection, Context());
        var results = await fulfill.FulfillAsync([.. requests.Select(Adapt)], CancellationToken.None);
        return [.. requests.Select(r => results.SingleOrDefault(x => x.OrderId == r.Order.Id) ?? new FulfillmentResult(r.Order.Id, FulfillmentStatus.NotAttempted, "no result"))];
    }

    /// <summary>Exports <c>things</c> again through the same connection, as <c>key|value|other</c> lines.</summary>
    private async Task<IReadOnlyList<string>> ExportAsync(Connection connection) =>
        [.. (await ReadAllAsync(connection, new ExportRequest(Table, s_columns, ExportMode.Complete))).Select(static r => string.Join('|', r.Fields))];
}
