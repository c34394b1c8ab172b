using System.Text;
using IdentitySync.Model;

namespace IdentitySync.Connections.Testing;

/// <summary>
/// What every connection package's export facet must do. A package's test project derives a fixture
/// that puts tables in its technology (files, a directory, a database) and returns the connection
/// settings that read them.
/// </summary>
public abstract class ExportConnectionConformanceTests : ConformanceFixture
{
    /// <summary>Values that stress a technology's encoding: separators, quotes, line breaks, non-ASCII, empties.</summary>
    protected static readonly IReadOnlyList<string> AwkwardValues =
    [
        "plain", "comma, inside", "semi;colon", "pipe|bar", "quote \" inside", "\"quoted\"", "line\nbreak", "tab\tinside",
        "Ærøskøbing Zoë Çelik 山田", "  spaced  ", string.Empty, "=SUM(A1)",
    ];

    /// <summary>
    /// Gets a value indicating whether the package reads an incremental export from a source of its own (a
    /// delta file with a <c>command</c> column) that <see cref="Arrange"/> can fill. A package whose delta is
    /// the system's change tracking (a directory's modifyTimestamp, a database's change table) answers
    /// <see langword="false"/> and proves its incremental export with tests against the real system.
    /// </summary>
    protected virtual bool ArrangesIncrementalSource => true;

    /// <summary>Puts the tables in the managed system and returns the settings of a connection that reads them.</summary>
    /// <param name="directory">A new, empty directory the fixture may use.</param>
    /// <param name="complete">The tables of the complete export.</param>
    /// <param name="incremental">The tables of the incremental export, each with a <c>command</c> column.</param>
    /// <returns>The connection's settings.</returns>
    protected abstract IReadOnlyDictionary<string, string> Arrange(string directory, IReadOnlyList<ConformanceTable> complete, IReadOnlyList<ConformanceTable> incremental);

    /// <summary>The package id is an identifier and the package can export.</summary>
    [Test]
    public void Package_IdAndCapabilities_AreUsable()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Package.Id, Does.Match("^[A-Za-z_][A-Za-z0-9_]*$"));
            Assert.That(Package.Capabilities.HasFlag(ConnectionCapabilities.ExportComplete), Is.True);
            Assert.That(Package.Settings.Select(static s => s.Name), Is.Unique);
        });
    }

    /// <summary>Every value comes back byte for byte, in the requested column order.</summary>
    [Test]
    public async Task Export_AwkwardValues_ComeBackExactlyInRequestedOrder()
    {
        var rows = AwkwardValues.Select((value, i) => (IReadOnlyList<string>)[$"k{i}", value, $"other{i}"]).ToList();
        var connection = Connect([new ConformanceTable("things", ["key", "value", "other"], rows)], []);

        var read = await ReadAllAsync(connection, new ExportRequest("things", ["other", "key", "value"], ExportMode.Complete), capacity: 5);

        Assert.That(read.Select(static r => r.Fields), Is.EqualTo(rows.Select(static r => new[] { r[2], r[0], r[1] })));
    }

    /// <summary>Batches hold at most their capacity and the reader says when the table is done.</summary>
    [Test]
    public async Task Export_ManyRows_ComeInBatchesOfTheCapacity()
    {
        var rows = Enumerable.Range(1, 10).Select(static i => (IReadOnlyList<string>)[$"k{i}"]).ToList();
        var connection = Connect([new ConformanceTable("things", ["key"], rows)], []);
        await using var export = Package.CreateExportConnection(connection, Context());
        await using var reader = await export.OpenTableAsync(new ExportRequest("things", ["key"], ExportMode.Complete), CancellationToken.None);
        using var batch = new RowBatch(1, capacity: 3);

        var sizes = new List<int>();
        while (await reader.ReadAsync(batch, CancellationToken.None))
        {
            sizes.Add(batch.Count);
        }

        Assert.Multiple(async () =>
        {
            Assert.That(sizes, Is.EqualTo(new[] { 3, 3, 3, 1 }));
            Assert.That(await reader.ReadAsync(batch, CancellationToken.None), Is.False);
            Assert.That(batch.Count, Is.Zero);
        });
    }

    /// <summary>Line numbers identify rows and grow with them.</summary>
    [Test]
    public async Task Export_Rows_HaveIncreasingLineNumbers()
    {
        var rows = new List<IReadOnlyList<string>> { new[] { "a", "one" }, new[] { "b", "two\nlines" }, new[] { "c", "three" } };
        var connection = Connect([new ConformanceTable("things", ["key", "value"], rows)], []);

        var read = await ReadAllAsync(connection, new ExportRequest("things", ["key"], ExportMode.Complete));

        var lines = read.Select(static r => r.Line).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(lines, Is.Ordered.Ascending);
            Assert.That(lines, Is.Unique);
            Assert.That(lines[0], Is.GreaterThanOrEqualTo(1));
        });
    }

    /// <summary>A requested column the source lacks is listed, and its fields are empty.</summary>
    [Test]
    public async Task Export_MissingColumn_IsListedAndHandedOverEmpty()
    {
        var connection = Connect([new ConformanceTable("things", ["key"], [["k1"]])], []);
        await using var export = Package.CreateExportConnection(connection, Context());

        await using var reader = await export.OpenTableAsync(new ExportRequest("things", ["key", "absent"], ExportMode.Complete), CancellationToken.None);
        using var batch = new RowBatch(2);
        await reader.ReadAsync(batch, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(reader.MissingColumns, Is.EqualTo(new[] { "absent" }));
            Assert.That(batch.GetField(0, 1).IsEmpty, Is.True);
            Assert.That(Encoding.UTF8.GetString(batch.GetField(0, 0)), Is.EqualTo("k1"));
        });
    }

    /// <summary>An unknown table is a connection error that names it.</summary>
    [Test]
    public void Export_UnknownTable_ThrowsConnectionExceptionNamingIt()
    {
        var connection = Connect([new ConformanceTable("things", ["key"], [["k1"]])], []);

        var exception = Assert.ThrowsAsync<ConnectionException>(async () =>
        {
            await using var export = Package.CreateExportConnection(connection, Context());
            await using var reader = await export.OpenTableAsync(new ExportRequest("nothing_here", ["key"], ExportMode.Complete), CancellationToken.None);
        });

        Assert.That(exception!.Message, Does.Contain("nothing_here"));
    }

    /// <summary>A cancelled read stops.</summary>
    [Test]
    public async Task Export_CancelledRead_Throws()
    {
        var connection = Connect([new ConformanceTable("things", ["key"], [["k1"], ["k2"]])], []);
        await using var export = Package.CreateExportConnection(connection, Context());
        await using var reader = await export.OpenTableAsync(new ExportRequest("things", ["key"], ExportMode.Complete), CancellationToken.None);
        using var batch = new RowBatch(1);
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        Assert.CatchAsync<OperationCanceledException>(async () => await reader.ReadAsync(batch, cancellation.Token));
    }

    /// <summary>An incremental export reads the delta and a complete export the snapshot, never the other way round.</summary>
    [Test]
    public async Task Export_IncrementalAndComplete_ReadTheirOwnSource()
    {
        if (!Package.Capabilities.HasFlag(ConnectionCapabilities.ExportIncremental) || !ArrangesIncrementalSource)
        {
            Assert.That(Package.Capabilities.HasFlag(ConnectionCapabilities.ExportIncremental) && ArrangesIncrementalSource, Is.False, "the package declares no delta this suite can arrange");
            return;
        }

        var connection = Connect(
            [new ConformanceTable("things", ["key"], [["full1"], ["full2"]])],
            [new ConformanceTable("things", ["command", "key"], [["update", "delta1"]])]);

        var complete = await ReadAllAsync(connection, new ExportRequest("things", ["key"], ExportMode.Complete));
        var incremental = await ReadAllAsync(connection, new ExportRequest("things", ["command", "key"], ExportMode.Incremental));

        Assert.Multiple(() =>
        {
            Assert.That(complete.Select(static r => r.Fields[0]), Is.EqualTo(new[] { "full1", "full2" }));
            Assert.That(incremental.Select(static r => string.Join("/", r.Fields)), Is.EqualTo(new[] { "update/delta1" }));
        });
    }

    /// <summary>A table read twice unchanged has the same fingerprint, and a changed table another one (when the package fingerprints).</summary>
    [Test]
    public async Task Fingerprint_IsStableForTheSameRows_AndChangesWithThem()
    {
        var request = new ExportRequest("things", ["key", "value"], ExportMode.Complete);
        var before = Connect([new ConformanceTable("things", ["key", "value"], [["k1", "one"], ["k2", "two"]])], []);
        await using var export = Package.CreateExportConnection(before, Context());
        var first = await export.GetFingerprintAsync(request, CancellationToken.None);
        var again = await export.GetFingerprintAsync(request, CancellationToken.None);
        if (first is null)
        {
            Assert.That(again, Is.Null, "a connection that cannot tell says so every time");
            return;
        }

        var changed = Connect([new ConformanceTable("things", ["key", "value"], [["k1", "one"], ["k2", "TWO"]])], []);
        await using var changedExport = Package.CreateExportConnection(changed, Context());
        var after = await changedExport.GetFingerprintAsync(request, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(again, Is.EqualTo(first));
            Assert.That(after, Is.Not.EqualTo(first));
        });
    }

    /// <summary>Creates the model connection for the arranged tables.</summary>
    /// <param name="complete">The complete tables.</param>
    /// <param name="incremental">The incremental tables.</param>
    /// <returns>The connection.</returns>
    protected Connection Connect(IReadOnlyList<ConformanceTable> complete, IReadOnlyList<ConformanceTable> incremental) =>
        ConnectionOf(Arrange(WorkDirectory, complete, incremental));
}
