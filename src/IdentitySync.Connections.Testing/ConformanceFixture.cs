using System.Text;
using IdentitySync.Configuration;
using IdentitySync.Model;

namespace IdentitySync.Connections.Testing;

/// <summary>
/// What the conformance suites share: the package under test, a new work directory for each test, and the
/// model connection, context and export reading every suite uses. Derive from a suite, not from this class.
/// </summary>
public abstract class ConformanceFixture
{
    private string? _directory;

    /// <summary>Gets the package under test.</summary>
    protected abstract IConnectionPackage Package { get; }

    /// <summary>Gets the test's work directory: new and empty for each test, deleted after it; relative paths in settings resolve against it.</summary>
    protected string WorkDirectory => _directory ?? throw new InvalidOperationException("The work directory exists only while a test runs.");

    /// <summary>Creates the work directory.</summary>
    [SetUp]
    public void CreateWorkDirectory() => _directory = Directory.CreateTempSubdirectory("conformance").FullName;

    /// <summary>Deletes the work directory.</summary>
    [TearDown]
    public void DeleteWorkDirectory()
    {
        if (_directory is not null && Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        _directory = null;
    }

    /// <summary>Creates the model connection with the given settings, requiring that the package finds them valid.</summary>
    /// <param name="settings">The connection's settings.</param>
    /// <returns>The connection, of connector <c>Conformance</c>, named <c>Connection</c>.</returns>
    protected Connection ConnectionOf(IReadOnlyDictionary<string, string> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var model = new IdentityModelBuilder()
            .AddConnector("Conformance", c => c.AddConnection("Connection", Package.Id, settings))
            .Build();
        var connection = model.GetConnector("Conformance").Connections[0];
        Assert.That(ConnectionSetting.Validate(Package, connection), Is.Empty, "the fixture's settings are valid");
        return connection;
    }

    /// <summary>The context connections run in: the work directory, the system clock, no logger.</summary>
    /// <returns>The context.</returns>
    protected ConnectionContext Context() => new("Conformance", WorkDirectory, TimeProvider.System);

    /// <summary>Reads a whole table through a new export connection.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="request">The table, columns and mode.</param>
    /// <param name="capacity">The rows per batch.</param>
    /// <returns>Each row's line number and fields, as text.</returns>
    protected async Task<IReadOnlyList<(long Line, string[] Fields)>> ReadAllAsync(Connection connection, ExportRequest request, int capacity = 100)
    {
        ArgumentNullException.ThrowIfNull(request);
        var rows = new List<(long, string[])>();
        var export = Package.CreateExportConnection(connection, Context());
        await using (export.ConfigureAwait(false))
        {
            var reader = await export.OpenTableAsync(request, CancellationToken.None).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                using var batch = new RowBatch(request.Columns.Count, capacity);
                while (await reader.ReadAsync(batch, CancellationToken.None).ConfigureAwait(false))
                {
                    for (var row = 0; row < batch.Count; row++)
                    {
                        rows.Add((batch.GetLineNumber(row), [.. Enumerable.Range(0, request.Columns.Count).Select(c => Encoding.UTF8.GetString(batch.GetField(row, c)))]));
                    }
                }
            }
        }

        return rows;
    }
}
