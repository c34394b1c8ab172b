using System.Collections.Concurrent;
using IdentitySync.ChangeSets;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IdentitySync.Storage.Sqlite;

/// <summary>
/// The embedded, durable store: one SQLite file in WAL mode (<c>synchronous=NORMAL</c>), one
/// transaction per change set, readers never blocked by a running synchronization. A resource's
/// values are packed in one column; keys become integer ids.
/// </summary>
public sealed partial class SqliteResourceStore : IResourceStore, IStoreIntegrityCheck, IDisposable
{
    private readonly string _connectionString;
    private readonly ConcurrentDictionary<string, long> _typeIds = new(SqliteNoCase.Instance);

    /// <summary>Gets the store's settings.</summary>
    internal SqliteStoreOptions Options { get; }

    /// <summary>Gets the background checkpoints of large writes.</summary>
    internal SqliteCheckpoints Checkpoints { get; }

    /// <summary>Initializes a new instance of the <see cref="SqliteResourceStore"/> class: opens the file, creating or migrating it.</summary>
    /// <param name="path">The database file; created with its directory when missing.</param>
    /// <exception cref="StoreUnavailableException">The file cannot be created or opened, is not an IdentitySync database, or was written by a newer version.</exception>
    /// <param name="logger">Told when the file is created, migrated, opened or refused; none when <see langword="null"/>.</param>
    public SqliteResourceStore(string path, ILogger<SqliteResourceStore>? logger = null)
        : this(path, new SqliteStoreOptions(), logger)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SqliteResourceStore"/> class with settings: opens the file, creating or migrating it.</summary>
    /// <param name="path">The database file; created with its directory when missing.</param>
    /// <param name="options">The store's settings (the change feed's retention and clock).</param>
    /// <param name="logger">Told when the file is created, migrated, opened or refused; none when <see langword="null"/>.</param>
    /// <exception cref="StoreUnavailableException">The file cannot be created or opened, is not an IdentitySync database, or was written by a newer version.</exception>
    public SqliteResourceStore(string path, SqliteStoreOptions options, ILogger<SqliteResourceStore>? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        var log = (ILogger?)logger ?? NullLogger.Instance;
        Path = System.IO.Path.GetFullPath(path);
        Checkpoints = new SqliteCheckpoints(Path, log);
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new StoreUnavailableException($"'{Path}': its folder cannot be created ({exception.Message}); give a store path in a folder you can write to.", exception);
        }

        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

        try
        {
            using var connection = Open();
            var (from, to) = SqliteSchema.Open(connection, Path);
            if (from == 0)
            {
                LogCreated(log, Path, to);
            }
            else if (from < to)
            {
                LogMigrated(log, Path, from, to);
            }
            else
            {
                LogOpened(log, Path, to);
            }
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode is 26 or 11)
        {
            SqliteConnection.ClearAllPools();
            throw Refused(log, new StoreUnavailableException($"'{Path}' is not an IdentitySync database (it is not a SQLite file); give a new file or an IdentitySync store.", exception));
        }
        catch (SqliteException exception)
        {
            SqliteConnection.ClearAllPools();
            throw Refused(log, SqliteFailures.IsStorage(exception)
                ? SqliteFailures.Unavailable(Path, exception)
                : new StoreUnavailableException($"'{Path}' cannot be opened as a store: {exception.Message}", exception));
        }
        catch (IdentitySyncException exception)
        {
            SqliteConnection.ClearAllPools();
            Refused(log, exception);
            throw;
        }
    }

    /// <summary>Gets the database file's full path.</summary>
    public string Path { get; }

    /// <summary>Waits for a checkpoint running in the background, then closes the pooled connections to the file, so that it can be moved or deleted.</summary>
    public void Dispose()
    {
        Checkpoints.WaitIdle();
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    /// <summary>
    /// Copies the committed writes that the write-ahead log (<c>-wal</c> beside the file) holds into the database file:
    /// after a large write the store does this in the background; this waits for it and runs once more. A copy of the
    /// file alone then holds every write committed before the call, unless a reader still reads an older version.
    /// </summary>
    /// <param name="cancellationToken">Stops the wait for a checkpoint running in the background.</param>
    /// <returns>A task that completes when the log's pages are in the file.</returns>
    /// <exception cref="StoreUnavailableException">The file cannot be written (a full disk, a read-only file); the writes stay in the log.</exception>
    public Task CheckpointAsync(CancellationToken cancellationToken = default) => Checkpoints.CheckpointAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask<IAsyncDisposable> LockConnectorAsync(string connector, CancellationToken cancellationToken)
    {
        // An OS file lock: another process (or run) is refused at once, and a killed process releases it.
        var lockFile = $"{Path}.{connector.ToLowerInvariant()}.lock";
        try
        {
            var stream = new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return ValueTask.FromResult<IAsyncDisposable>(stream);
        }
        catch (IOException exception)
        {
            throw new ConnectorBusyException($"Connector '{connector}' is already being synchronized (lock {lockFile}); wait for that run to end.", exception);
        }
    }

    /// <inheritdoc />
    public ValueTask<IAsyncDisposable> LockJobAsync(string job, CancellationToken cancellationToken)
    {
        // A job's name may hold any character: the lock file is named by a hash of it.
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(job.ToLowerInvariant())))[..16];
        var lockFile = $"{Path}.job-{hash}.lock";
        try
        {
            return ValueTask.FromResult<IAsyncDisposable>(new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException exception)
        {
            throw new JobBusyException($"Job '{job}' is already running (lock {lockFile}); wait for that run to end.", exception);
        }
    }

    /// <inheritdoc />
    public ValueTask<ConnectorState> GetConnectorStateAsync(string connector, CancellationToken cancellationToken)
    {
        using var connection = Open();
        return ValueTask.FromResult(ReadState(connection, connector, this));
    }

    /// <inheritdoc />
    public ValueTask SetBlockedChangeSetAsync(string connector, ChangeSet? blocked, CancellationToken cancellationToken)
    {
        try
        {
            SetBlocked(connector, blocked);
        }
        catch (SqliteException exception) when (SqliteFailures.IsStorage(exception))
        {
            throw SqliteFailures.Unavailable(Path, exception);
        }

        return ValueTask.CompletedTask;
    }

    private void SetBlocked(string connector, ChangeSet? blocked)
    {
        // The header and the pages in one transaction: a failure halfway keeps the change set kept before.
        using var connection = Open();
        using var transaction = connection.BeginTransaction(deferred: false);
        var header = SqliteBlockedChangeSets.Write(connection, connector, blocked);
        using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                INSERT INTO connector_state (connector, version, incremental_batches, blocked) VALUES ($c, 0, '[]', $b)
                ON CONFLICT (connector) DO UPDATE SET blocked = excluded.blocked;
                """;
            command.Parameters.AddWithValue("$c", connector);
            command.Parameters.AddWithValue("$b", (object?)header ?? DBNull.Value);
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <inheritdoc />
    public ValueTask<IChangeSetWriter> BeginApplyAsync(string connector, long expectedVersion, CancellationToken cancellationToken)
    {
        var connection = Open();
        try
        {
            var transaction = connection.BeginTransaction(deferred: false);
            var version = ReadState(connection, connector, this).Version;
            if (version != expectedVersion)
            {
                transaction.Dispose();
                throw new StoreConflictException(
                    $"Connector '{connector}' changed since the change set was computed (version {expectedVersion}, now {version}); synchronize again.");
            }

            return ValueTask.FromResult<IChangeSetWriter>(new SqliteFailures.Writer(new SqliteChangeSetWriter(this, connection, transaction, connector), Path));
        }
        catch (SqliteException exception) when (SqliteFailures.IsStorage(exception))
        {
            connection.Dispose();
            throw SqliteFailures.Unavailable(Path, exception);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The size the write-ahead log is cut back to when it starts over after a complete checkpoint (16 MiB): a first
    /// load's gigabyte of log does not stay on disk beside the file for as long as the store is open.
    /// </summary>
    internal const long JournalSizeLimit = 16L * 1024 * 1024;

    /// <summary>What every connection the store opens is set to (a pooled one again each time it is handed out).</summary>
    private static readonly string s_connectionPragmas = string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 30000; PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 1000; PRAGMA journal_size_limit = {JournalSizeLimit};");

    internal SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var command = connection.CreateCommand();

        // While a large write's log is being copied in the background, a small write's commit would copy it again
        // itself (the log is past the automatic checkpoint's 1,000 pages): a position saved after 2,500 categorizations
        // took 20-190 ms instead of 0.2. What it adds stays in the log for the next checkpoint (decision 113).
        command.CommandText = Checkpoints.Pending ? s_connectionPragmas + " PRAGMA wal_autocheckpoint = 0;" : s_connectionPragmas;
        command.ExecuteNonQuery();
        return connection;
    }

    internal long? TypeId(SqliteConnection connection, string entityType)
    {
        if (_typeIds.TryGetValue(entityType, out var cached))
        {
            return cached;
        }

        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM entity_types WHERE name = $n";
        command.Parameters.AddWithValue("$n", entityType);
        if (command.ExecuteScalar() is long id)
        {
            _typeIds[entityType] = id;
            return id;
        }

        return null;
    }

    internal static long? AssociationId(SqliteConnection connection, string association)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM associations WHERE name = $n";
        command.Parameters.AddWithValue("$n", association);
        return command.ExecuteScalar() as long?;
    }

    internal static ConnectorState ReadState(SqliteConnection connection, string connector, SqliteResourceStore store)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, last_batch, incremental_batches, blocked, export_fingerprint, watermarks FROM connector_state WHERE connector = $c";
        command.Parameters.AddWithValue("$c", connector);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return ConnectorState.Empty;
        }

        return new ConnectorState(
            reader.GetInt64(0),
            reader.IsDBNull(1) ? null : reader.GetString(1),
            StoredJson.Deserialize<string[]>(reader.GetString(2)),
            reader.IsDBNull(3) ? null : SqliteBlockedChangeSets.Open(store, connector, reader.GetFieldValue<byte[]>(3)))
        {
            ExportFingerprint = reader.IsDBNull(4) ? null : reader.GetString(4),
            Watermarks = ChangeSetSerializer.DeserializeWatermarks(reader.IsDBNull(5) ? null : reader.GetString(5)),
        };
    }

    private static long Scalar(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (long)command.ExecuteScalar()!;
    }
}
