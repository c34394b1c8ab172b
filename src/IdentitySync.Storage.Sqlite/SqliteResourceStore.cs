using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using IdentitySync.Categorizations;
using IdentitySync.ChangeSets;
using IdentitySync.JobRuns;
using IdentitySync.Orders;
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
    private readonly ConcurrentDictionary<string, long> _typeIds = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the store's settings.</summary>
    internal SqliteStoreOptions Options { get; }

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

    /// <summary>Closes the pooled connections to the file, so that it can be moved or deleted.</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

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
        return ValueTask.FromResult(ReadState(connection, connector));
    }

    /// <inheritdoc />
    public ValueTask SetBlockedChangeSetAsync(string connector, ChangeSet? blocked, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO connector_state (connector, version, incremental_batches, blocked) VALUES ($c, 0, '[]', $b)
            ON CONFLICT (connector) DO UPDATE SET blocked = excluded.blocked;
            """;
        command.Parameters.AddWithValue("$c", connector);
        command.Parameters.AddWithValue("$b", blocked is null ? DBNull.Value : ChangeSetSerializer.Serialize(blocked));
        command.ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<long> CountResourcesAsync(string entityType, CancellationToken cancellationToken)
    {
        using var connection = Open();
        return ValueTask.FromResult(TypeId(connection, entityType) is { } typeId
            ? Scalar(connection, "SELECT count(*) FROM resources WHERE type_id = $t", ("$t", typeId))
            : 0);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<long, string>> GetLayoutsAsync(CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, layout FROM layouts";
        using var reader = command.ExecuteReader();
        var layouts = new Dictionary<long, string>();
        while (reader.Read())
        {
            layouts[reader.GetInt64(0)] = reader.GetString(1);
        }

        return ValueTask.FromResult<IReadOnlyDictionary<long, string>>(layouts);
    }

    /// <inheritdoc />
    public ValueTask<long> CountLinksAsync(string association, CancellationToken cancellationToken)
    {
        using var connection = Open();
        return ValueTask.FromResult(AssociationId(connection, association) is { } id
            ? Scalar(connection, $"SELECT coalesce(sum(n), 0) FROM link_sets WHERE assoc_id = $a AND side = {SqliteSchema.FirstSide}", ("$a", id))
            : 0);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<StoredResource> GetResourcesAsync(string entityType, CancellationToken cancellationToken) =>
        ReadResourcesAsync(entityType, static packed => ResourceValueCodec.Decode(packed), cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<StoredResource> GetResourcesToCompareAsync(string entityType, CancellationToken cancellationToken) =>
        ReadResourcesAsync(entityType, ResourceValueCodec.DecodeLazily, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<ResourceDigest> GetResourceDigestsAsync(string entityType, CancellationToken cancellationToken) =>
        // The values stay on their pages: a million digests read in a fraction of the time the resources take.
        ReadRowsAsync(
            entityType,
            "id, key, digest",
            static statement => new ResourceDigest(statement.GetInt64(0), statement.GetString(1), unchecked((ulong)statement.GetInt64(2))),
            cancellationToken);

    /// <inheritdoc />
    public ValueTask<StoredResource?> FindResourceAsync(string entityType, string key, CancellationToken cancellationToken)
    {
        using var connection = Open();
        if (TypeId(connection, entityType) is not { } typeId)
        {
            return ValueTask.FromResult<StoredResource?>(null);
        }

        var found = Query(connection, "SELECT id, key, digest, vals FROM resources WHERE type_id = $t AND key = $k", entityType, ("$t", typeId), ("$k", key));
        return ValueTask.FromResult(found.FirstOrDefault());
    }

    /// <inheritdoc />
    public ValueTask<StoredResource?> FindResourceByIdAsync(long id, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT r.id, r.key, r.digest, r.vals, t.name FROM resources r JOIN entity_types t ON t.id = r.type_id WHERE r.id = $id";
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        return ValueTask.FromResult(reader.Read() ? Resource(reader, reader.GetString(4)) : null);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<StoredResource>> GetResourcesByIdAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT r.id, r.key, r.digest, r.vals, t.name FROM resources r JOIN entity_types t ON t.id = r.type_id WHERE r.id IN (SELECT value FROM json_each($ids))";
        command.Parameters.AddWithValue("$ids", SqliteSchema.JsonIds(ids));
        using var reader = command.ExecuteReader();
        var found = new List<StoredResource>();
        while (reader.Read())
        {
            found.Add(Resource(reader, reader.GetString(4)));
        }

        return ValueTask.FromResult<IReadOnlyList<StoredResource>>(found);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<StoredResource>> GetResourcePageAsync(string entityType, string? afterKey, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        using var connection = Open();
        if (TypeId(connection, entityType) is not { } typeId)
        {
            return ValueTask.FromResult<IReadOnlyList<StoredResource>>([]);
        }

        IReadOnlyList<StoredResource> page = Query(
            connection,
            "SELECT id, key, digest, vals FROM resources WHERE type_id = $t AND key > $after ORDER BY key LIMIT $n",
            entityType,
            ("$t", typeId),
            ("$after", afterKey ?? string.Empty),
            ("$n", limit));
        return ValueTask.FromResult(page);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<StoredResource>> GetLinkedResourcesAsync(string association, long resourceId, LinkDirection direction, CancellationToken cancellationToken)
    {
        using var connection = Open();
        if (AssociationId(connection, association) is not { } id)
        {
            return ValueTask.FromResult<IReadOnlyList<StoredResource>>([]);
        }

        var linkedIds = new List<long>();
        using (var set = new RawStatement(connection, SqliteSchema.SelectLinkSet))
        {
            SqliteSchema.ReadLinkSet(set, id, direction == LinkDirection.FirstToSecond ? SqliteSchema.FirstSide : SqliteSchema.SecondSide, resourceId, linkedIds);
        }

        if (linkedIds.Count == 0)
        {
            return ValueTask.FromResult<IReadOnlyList<StoredResource>>([]);
        }

        // One query for the whole set: SQLite looks each id up itself (a group can have a million members).
        var linked = new List<StoredResource>(linkedIds.Count);
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT r.id, r.key, r.digest, r.vals, t.name FROM json_each($ids) j
            JOIN resources r ON r.id = j.value JOIN entity_types t ON t.id = r.type_id ORDER BY r.key
            """;
        command.Parameters.AddWithValue("$ids", SqliteSchema.JsonIds(linkedIds));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            linked.Add(Resource(reader, reader.GetString(4)));
        }

        return ValueTask.FromResult<IReadOnlyList<StoredResource>>(linked);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredLink> GetLinksAsync(string association, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var connection = Open();
        if (AssociationId(connection, association) is not { } id)
        {
            yield break;
        }

        // A first resource's set at a time, in id order: the links come out ordered by first, then second.
        using var statement = new RawStatement(connection, $"SELECT owner_id, ids FROM link_sets WHERE assoc_id = ?1 AND side = {SqliteSchema.FirstSide} ORDER BY owner_id");
        statement.Bind(1, id);
        var seconds = new List<long>();
        var sets = 0;
        while (statement.Read())
        {
            if ((++sets & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var first = statement.GetInt64(0);
            seconds.Clear();
            LinkSetCodec.Decode(statement.GetBlob(1), seconds);
            foreach (var second in seconds)
            {
                yield return new StoredLink(first, second);
            }
        }
    }

    /// <inheritdoc />
    public ValueTask SaveCategorizationsAsync(IReadOnlyList<AccountCategorization> categorizations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(categorizations);
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        SqliteChangeFeed.Record(connection, SqliteCategorizations.Save(connection, categorizations, cancellationToken), Options);
        transaction.Commit();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<AccountCategorization>> GetCategorizationsAsync(string entityType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entityType);
        using var connection = Open();
        return ValueTask.FromResult<IReadOnlyList<AccountCategorization>>(SqliteCategorizations.ReadType(connection, entityType));
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<AccountCategorization>> GetCategorizationsAsync(CategorizationQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        using var connection = Open();
        return ValueTask.FromResult<IReadOnlyList<AccountCategorization>>(SqliteCategorizations.Read(connection, query));
    }

    /// <inheritdoc />
    public ValueTask<long> CountCategorizationsAsync(CategorizationQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        using var connection = Open();
        return ValueTask.FromResult(SqliteCategorizations.Count(connection, query));
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ProvisioningOrder>> SaveOrdersAsync(
        IReadOnlyList<ProvisioningOrder> orders,
        IReadOnlyList<OwnerProvisioningState> states,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(orders);
        ArgumentNullException.ThrowIfNull(states);
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        var next = SqliteSchema.Scalar(connection, SqliteOrders.NextId);
        var saved = new List<ProvisioningOrder>(orders.Count);
        using (var command = SqliteOrders.UpsertCommand(connection))
        {
            foreach (var order in orders)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var withId = order.Id == 0 ? order with { Id = next++ } : order;
                SqliteOrders.Bind(command, StoredOrder.Of(withId));
                command.ExecuteNonQuery();
                saved.Add(withId);
            }
        }

        SqliteProvisioningStates.Save(connection, states, cancellationToken);
        SqliteChangeFeed.Record(connection, orders.SelectMany(ChangeFeedEntries.OfOrder), Options);
        transaction.Commit();
        return ValueTask.FromResult<IReadOnlyList<ProvisioningOrder>>(saved);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ProvisioningOrder>> GetOrdersAsync(string? resourceType, IReadOnlyCollection<OrderState>? states, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        SqliteOrders.Select(command, resourceType, states);
        return ValueTask.FromResult(SqliteOrders.ReadAll(command));
    }

    /// <inheritdoc />
    public ValueTask<ProvisioningOrder?> GetOrderAsync(long id, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {SqliteOrders.Columns} FROM orders WHERE id = $i";
        command.Parameters.AddWithValue("$i", id);
        using var reader = command.ExecuteReader();
        return ValueTask.FromResult(reader.Read() ? SqliteOrders.Read(reader) : null);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ProvisioningOrder>> GetOrdersOfResourceAsync(long resourceId, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = SqliteOrders.SelectOfResource;
        command.Parameters.AddWithValue("$r", resourceId);
        return ValueTask.FromResult(SqliteOrders.ReadAll(command));
    }

    /// <inheritdoc />
    public ValueTask<int> ArchiveOrdersAsync(string resourceType, DateTimeOffset endedBefore, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resourceType);
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        var (archived, reached) = SqliteOrders.Archive(connection, resourceType, endedBefore.UtcTicks);
        SqliteChangeFeed.Record(connection, reached, Options);
        transaction.Commit();
        return ValueTask.FromResult(archived);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ProvisioningOrder>> GetArchivedOrdersAsync(string? resourceType, long afterId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        using var connection = Open();
        using var command = connection.CreateCommand();
        SqliteOrders.SelectArchived(command, resourceType, afterId, limit);
        return ValueTask.FromResult(SqliteOrders.ReadAll(command));
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<OwnerProvisioningState>> GetProvisioningStatesAsync(string resourceType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resourceType);
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = SqliteProvisioningStates.SelectType;
        command.Parameters.AddWithValue("$t", resourceType);
        return ValueTask.FromResult<IReadOnlyList<OwnerProvisioningState>>(SqliteProvisioningStates.ReadAll(command));
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<OwnerProvisioningState>> GetProvisioningStatesAsync(string resourceType, IReadOnlyCollection<long> ownerIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resourceType);
        ArgumentNullException.ThrowIfNull(ownerIds);
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = SqliteProvisioningStates.SelectOwners;
        command.Parameters.AddWithValue("$t", resourceType);
        command.Parameters.AddWithValue("$ids", SqliteSchema.JsonIds(ownerIds));
        return ValueTask.FromResult<IReadOnlyList<OwnerProvisioningState>>(SqliteProvisioningStates.ReadAll(command));
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<OwnerStateDigest> GetProvisioningDigestsAsync(string resourceType, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resourceType);
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = SqliteProvisioningStates.SelectDigests;
        command.Parameters.AddWithValue("$t", resourceType);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new OwnerStateDigest(reader.GetInt64(0), unchecked((ulong)reader.GetInt64(1)));
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<PropertySource>> GetSourcesAsync(long resourceId, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT source FROM property_sources WHERE resource_id = $r ORDER BY property";
        command.Parameters.AddWithValue("$r", resourceId);
        var found = new List<PropertySource>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            found.Add(StoredJson.Deserialize<PropertySource>(reader.GetFieldValue<byte[]>(0)));
        }

        return ValueTask.FromResult<IReadOnlyList<PropertySource>>([.. found.OrderBy(static s => s.Property, StringComparer.Ordinal)]);
    }

    /// <inheritdoc />
    public ValueTask SaveJobRunAsync(JobRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO job_runs (id, job, started, status, run) VALUES ($i, $j, $s, $t, $r)
            ON CONFLICT (id) DO UPDATE SET status = excluded.status, run = excluded.run;
            """;
        command.Parameters.AddWithValue("$i", run.Id);
        command.Parameters.AddWithValue("$j", run.Job);
        command.Parameters.AddWithValue("$s", run.StartedAt.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$t", run.Status.ToString());
        command.Parameters.AddWithValue("$r", StoredJson.SerializeToUtf8Bytes(run));
        command.ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<JobRun?> GetJobRunAsync(string id, CancellationToken cancellationToken)
    {
        using var connection = Open();
        return ValueTask.FromResult(JobRuns(connection, "SELECT run FROM job_runs WHERE id = $p", id).FirstOrDefault());
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<JobRun>> GetJobRunsAsync(int limit, CancellationToken cancellationToken)
    {
        using var connection = Open();
        IReadOnlyList<JobRun> runs = JobRuns(connection, "SELECT run FROM job_runs ORDER BY started DESC, id DESC LIMIT $p", limit);
        return ValueTask.FromResult(runs);
    }

    /// <inheritdoc />
    public ValueTask<JobRun?> GetLastJobRunAsync(string job, CancellationToken cancellationToken)
    {
        using var connection = Open();
        return ValueTask.FromResult(JobRuns(connection, "SELECT run FROM job_runs WHERE job = $p COLLATE NOCASE ORDER BY started DESC, id DESC LIMIT 1", job).FirstOrDefault());
    }

    /// <inheritdoc />
    public ValueTask<IChangeSetWriter> BeginApplyAsync(string connector, long expectedVersion, CancellationToken cancellationToken)
    {
        var connection = Open();
        try
        {
            var transaction = connection.BeginTransaction(deferred: false);
            var version = ReadState(connection, connector).Version;
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

    internal SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 30000; PRAGMA cache_size = -65536;";
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

    /// <summary>The id of an entity type, created in the writer's transaction when new; cached only once committed.</summary>
    internal static long EnsureId(SqliteConnection connection, string table, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO {table} (name) VALUES ($n) ON CONFLICT (name) DO NOTHING; SELECT id FROM {table} WHERE name = $n;";
        command.Parameters.AddWithValue("$n", name);
        return (long)command.ExecuteScalar()!;
    }

    internal static long? AssociationId(SqliteConnection connection, string association)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM associations WHERE name = $n";
        command.Parameters.AddWithValue("$n", association);
        return command.ExecuteScalar() as long?;
    }

    internal static ConnectorState ReadState(SqliteConnection connection, string connector)
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
            reader.IsDBNull(3) ? null : ChangeSetSerializer.Deserialize(reader.GetFieldValue<byte[]>(3)))
        {
            ExportFingerprint = reader.IsDBNull(4) ? null : reader.GetString(4),
            Watermarks = ChangeSetSerializer.DeserializeWatermarks(reader.IsDBNull(5) ? null : reader.GetString(5)),
        };
    }

    private static List<JobRun> JobRuns(SqliteConnection connection, string sql, object parameter)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$p", parameter);
        var runs = new List<JobRun>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            runs.Add(StoredJson.Deserialize<JobRun>(reader.GetFieldValue<byte[]>(0)));
        }

        return runs;
    }

    /// <summary>Every resource of a type, read on the raw statement (a synchronization reads millions).</summary>
    private IAsyncEnumerable<StoredResource> ReadResourcesAsync(string entityType, Func<byte[], IReadOnlyList<object?>> values, CancellationToken cancellationToken) =>
        ReadRowsAsync(
            entityType,
            "id, key, digest, vals",
            statement => new StoredResource(statement.GetInt64(0), entityType, statement.GetString(1), unchecked((ulong)statement.GetInt64(2)), values(statement.GetBytes(3))),
            cancellationToken);

    /// <summary>Some columns of every resource of a type, on the raw statement.</summary>
    private async IAsyncEnumerable<T> ReadRowsAsync<T>(string entityType, string columns, Func<RawStatement, T> read, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var connection = Open();
        if (TypeId(connection, entityType) is not { } typeId)
        {
            yield break;
        }

        using var statement = new RawStatement(connection, $"SELECT {columns} FROM resources WHERE type_id = ?1");
        statement.Bind(1, typeId);
        var rows = 0;
        while (statement.Read())
        {
            if ((++rows & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            yield return read(statement);
        }
    }

    private static StoredResource Resource(SqliteDataReader reader, string entityType) => new(
        reader.GetInt64(0),
        entityType,
        reader.GetString(1),
        unchecked((ulong)reader.GetInt64(2)),
        ResourceValueCodec.Decode(reader.GetFieldValue<byte[]>(3)));

    private static List<StoredResource> Query(SqliteConnection connection, string sql, string entityType, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var result = new List<StoredResource>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            result.Add(Resource(reader, entityType));
        }

        return result;
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
