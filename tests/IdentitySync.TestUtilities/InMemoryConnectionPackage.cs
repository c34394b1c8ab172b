using System.Text;
using IdentitySync.Connections;
using IdentitySync.Model;

namespace IdentitySync.Testing;

/// <summary>
/// A connection package whose tables live in memory (id <c>Memory</c> by default): each table is a
/// header and rows of plain fields, one complete and one incremental version. Line numbers count the
/// header as line 1.
/// </summary>
public sealed class InMemoryConnectionPackage : IConnectionPackage
{
    private readonly Dictionary<(string Table, ExportMode Mode), (string[] Header, List<string[]> Rows)> _tables = [];
    private readonly Dictionary<string, string?> _watermarks = [];
    private readonly List<ExportRequest> _requests = [];
    private int _openCount;
    private int _fingerprintCount;

    /// <summary>Initializes a new instance of the <see cref="InMemoryConnectionPackage"/> class.</summary>
    /// <param name="id">The package id connections name.</param>
    /// <param name="nativeDelta">Whether it exports incremental tables itself; without, the engine derives deltas.</param>
    /// <param name="concurrentTables">Whether it declares <see cref="ConnectionCapabilities.ConcurrentTables"/>.</param>
    /// <param name="fingerprints">Whether its connections fingerprint tables (their content), so that an unchanged export is skipped.</param>
    public InMemoryConnectionPackage(string id = "Memory", bool nativeDelta = true, bool concurrentTables = false, bool fingerprints = false)
    {
        Id = id;
        Fingerprints = fingerprints;
        Capabilities = ConnectionCapabilities.ExportComplete
            | (nativeDelta ? ConnectionCapabilities.ExportIncremental : 0)
            | (concurrentTables ? ConnectionCapabilities.ConcurrentTables : 0);
    }

    /// <inheritdoc />
    public string Id { get; }

    /// <inheritdoc />
    public ConnectionCapabilities Capabilities { get; }

    /// <inheritdoc />
    public IReadOnlyList<ConnectionSetting> Settings { get; } = [];

    /// <summary>Gets how many tables were opened, for tests that check what was read.</summary>
    public int OpenCount => _openCount;

    /// <summary>Gets or sets how many of the next table opens fail as if the system were down (<see cref="FailureKind.SystemUnavailable"/>).</summary>
    public int UnavailableOpens { get; set; }

    /// <summary>Gets the context the last export connection was created with.</summary>
    public ConnectionContext? LastContext { get; private set; }

    /// <summary>Gets how many fingerprints were asked for.</summary>
    public int FingerprintCount => _fingerprintCount;

    /// <summary>Gets every table request its connections were given, in order, for tests of what the engine hands over.</summary>
    public IReadOnlyList<ExportRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Sets the watermark a table's reader returns once it has read every row (<see langword="null"/>: none).</summary>
    /// <param name="table">The table.</param>
    /// <param name="watermark">The watermark.</param>
    public void SetWatermark(string table, string? watermark) => _watermarks[table] = watermark;

    /// <summary>Gets a value indicating whether its connections fingerprint tables.</summary>
    public bool Fingerprints { get; }

    /// <summary>Sets a table's complete export; each row is the fields joined by <c>;</c>.</summary>
    /// <param name="table">The table.</param>
    /// <param name="header">The columns joined by <c>;</c>.</param>
    /// <param name="rows">The rows.</param>
    public void SetTable(string table, string header, params IEnumerable<string> rows) => Set(table, ExportMode.Complete, header, rows);

    /// <summary>Sets a table's incremental export; each row is the fields joined by <c>;</c>.</summary>
    /// <param name="table">The table.</param>
    /// <param name="header">The columns joined by <c>;</c>, with a <c>command</c> column.</param>
    /// <param name="rows">The rows.</param>
    public void SetDelta(string table, string header, params IEnumerable<string> rows) => Set(table, ExportMode.Incremental, header, rows);

    /// <inheritdoc />
    public IReadOnlyList<string> ValidateSettings(Connection connection) => [];

    /// <inheritdoc />
    public IExportConnection CreateExportConnection(Connection connection, ConnectionContext context)
    {
        LastContext = context;
        return new Export(this);
    }

    private void Set(string table, ExportMode mode, string header, IEnumerable<string> rows) =>
        _tables[(table, mode)] = (header.Split(';'), [.. rows.Select(static r => r.Split(';'))]);

    private sealed class Export(InMemoryConnectionPackage package) : IExportConnection
    {
        public ValueTask<IExportTableReader> OpenTableAsync(ExportRequest request, CancellationToken cancellationToken)
        {
            if (!package._tables.TryGetValue((request.Table, request.Mode), out var table))
            {
                throw new ConnectionException($"memory:{request.Table} ({request.Mode}) does not exist.");
            }

            Interlocked.Increment(ref package._openCount);
            if (package.UnavailableOpens > 0)
            {
                package.UnavailableOpens--;
                throw new ConnectionException($"memory:{request.Table}: the system is down") { Kind = FailureKind.SystemUnavailable };
            }

            lock (package._requests)
            {
                package._requests.Add(request);
            }

            var indexes = request.Columns.Select(c => Array.FindIndex(table.Header, h => string.Equals(h, c, StringComparison.OrdinalIgnoreCase))).ToArray();
            var missing = request.Columns.Where((_, i) => indexes[i] < 0).ToList();
            return ValueTask.FromResult<IExportTableReader>(new Reader($"memory:{request.Table}", table.Rows, indexes, missing, package._watermarks.GetValueOrDefault(request.Table)));
        }

        public ValueTask<string?> GetFingerprintAsync(ExportRequest request, CancellationToken cancellationToken)
        {
            if (!package.Fingerprints)
            {
                return ValueTask.FromResult<string?>(null);
            }

            Interlocked.Increment(ref package._fingerprintCount);
            return ValueTask.FromResult<string?>(package._tables.TryGetValue((request.Table, request.Mode), out var table)
                ? string.Join('\n', table.Rows.Select(static r => string.Join(';', r)).Prepend(string.Join(';', table.Header)))
                : throw new ConnectionException($"memory:{request.Table} ({request.Mode}) does not exist."));
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class Reader(string source, List<string[]> rows, int[] indexes, IReadOnlyList<string> missing, string? watermark) : IExportTableReader
    {
        private int _next;

        public string? Watermark => _next == rows.Count ? watermark : throw new InvalidOperationException("The watermark is read before the last row.");

        public string Source { get; } = source;

        public IReadOnlyList<string> MissingColumns { get; } = missing;

        public ValueTask<bool> ReadAsync(RowBatch batch, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            batch.Clear();
            while (!batch.IsFull && _next < rows.Count)
            {
                var row = rows[_next];
                batch.BeginRow(_next + 2);
                foreach (var index in indexes)
                {
                    batch.AddField(index < 0 || index >= row.Length ? default : Encoding.UTF8.GetBytes(row[index]));
                }

                batch.EndRow();
                _next++;
            }

            return ValueTask.FromResult(batch.Count > 0);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
