using IdentitySync.ChangeSets;
using IdentitySync.Orders;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace IdentitySync.Storage.PostgreSql;

/// <summary>
/// The store on PostgreSQL: every store role in one schema, for several hosts sharing one repository.
/// Each change set is applied in one transaction; a connector's run lock is a session advisory lock, so it
/// holds across processes and hosts and is released when its holder's connection ends.
/// </summary>
public sealed partial class PostgreSqlResourceStore : IResourceStore, IDisposable, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlDataSource _lockSource;
    private readonly bool _ownsDataSources;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="PostgreSqlResourceStore"/> class from a connection string.</summary>
    /// <param name="connectionString">An Npgsql connection string; its password may come from the environment (<c>PGPASSWORD</c>) or a passfile instead.</param>
    /// <param name="options">The schema, and whether opening may create or migrate it.</param>
    /// <param name="logger">Where the store logs opening, migration and refusal (events 6101–6103); none by default.</param>
    /// <exception cref="StoreUnavailableException">The server cannot be reached, refuses the credentials, or the schema is missing, older (without <see cref="PostgreSqlStoreOptions.MigrateOnOpen"/>) or newer.</exception>
    public PostgreSqlResourceStore(string connectionString, PostgreSqlStoreOptions? options = null, ILogger<PostgreSqlResourceStore>? logger = null)
        : this(Build(connectionString, pooled: true), Build(connectionString, pooled: false), options, ownsDataSources: true, logger)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PostgreSqlResourceStore"/> class on a data source the host owns.</summary>
    /// <param name="dataSource">The data source; the store does not dispose it. Run locks hold one of its connections for the whole run.</param>
    /// <param name="options">The schema, and whether opening may create or migrate it.</param>
    /// <param name="logger">Where the store logs opening, migration and refusal (events 6101–6103); none by default.</param>
    /// <exception cref="StoreUnavailableException">The server cannot be reached, refuses the credentials, or the schema is missing, older (without <see cref="PostgreSqlStoreOptions.MigrateOnOpen"/>) or newer.</exception>
    public PostgreSqlResourceStore(NpgsqlDataSource dataSource, PostgreSqlStoreOptions? options = null, ILogger<PostgreSqlResourceStore>? logger = null)
        : this(dataSource ?? throw new ArgumentNullException(nameof(dataSource)), dataSource, options, ownsDataSources: false, logger)
    {
    }

    private PostgreSqlResourceStore(NpgsqlDataSource dataSource, NpgsqlDataSource lockSource, PostgreSqlStoreOptions? options, bool ownsDataSources, ILogger? logger)
    {
        _logger = logger ?? NullLogger.Instance;
        options ??= new PostgreSqlStoreOptions();
        if (PostgreSqlStoreOptions.CheckSchemaName(options.Schema) is { } problem)
        {
            throw new StoreUnavailableException(problem) { Kind = FailureKind.InvalidInput };
        }

        if (options.ReadPageSize < 1)
        {
            throw new StoreUnavailableException($"ReadPageSize: {options.ReadPageSize} rows per page; give at least 1 (the default is 10,000).") { Kind = FailureKind.InvalidInput };
        }

        ResourcePageSize = options.ReadPageSize;
        ChangeFeedRetention = options.ChangeFeedRetention;
        LinkPageSize = (int)Math.Min(int.MaxValue, options.ReadPageSize * 10L);
        _dataSource = dataSource;
        _lockSource = lockSource;
        _ownsDataSources = ownsDataSources;
        Schema = options.Schema;
        Tables = PostgreSqlSchema.Quote(options.Schema);
        Describe = Description(dataSource, options.Schema);
        try
        {
            OpenSchemaAsync(options.MigrateOnOpen, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (Exception exception)
        {
            if (exception is StoreUnavailableException refused)
            {
                LogRefused(_logger, refused.Message);
            }

            if (ownsDataSources)
            {
                DisposeDataSources();
            }

            throw;
        }
    }

    private int ResourcePageSize { get; }

    /// <summary>Gets how long the change feed keeps a version.</summary>
    internal TimeSpan ChangeFeedRetention { get; }

    private int LinkPageSize { get; }

    /// <summary>Gets the schema that holds the store's tables.</summary>
    public string Schema { get; }

    /// <summary>Gets the quoted schema name, for SQL.</summary>
    internal string Tables { get; }

    /// <summary>The SQL with its <c>{t}</c> placeholders naming this store's schema.</summary>
    private string InSchema(string sql) => sql.Replace("{t}", Tables, StringComparison.Ordinal);

    /// <summary>Gets the store named for messages: host, port, database and schema, never credentials.</summary>
    internal string Describe { get; }

    /// <summary>Creates or migrates the store's schema in one transaction, under a lock so that hosts starting together migrate once.</summary>
    /// <param name="connectionString">The connection string of a role allowed to create tables in the schema (the owner).</param>
    /// <param name="schema">The schema.</param>
    /// <param name="cancellationToken">Stops the migration; nothing is changed then.</param>
    /// <returns>The version the schema had before (0 when it did not exist) and the version it has now.</returns>
    /// <exception cref="StoreUnavailableException">The server cannot be reached or refuses the credentials, or the schema is newer.</exception>
    public static async Task<(int From, int To)> MigrateAsync(string connectionString, string schema = "identitysync", CancellationToken cancellationToken = default)
    {
        if (PostgreSqlStoreOptions.CheckSchemaName(schema) is { } problem)
        {
            throw new StoreUnavailableException(problem) { Kind = FailureKind.InvalidInput };
        }

        using var dataSource = Build(connectionString, pooled: false);
        var from = await GuardAsync(Description(dataSource, schema), async () =>
        {
            using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return await PostgreSqlSchema.MigrateAsync(connection, schema, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return (from, PostgreSqlSchema.CurrentVersion);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsDataSources)
        {
            DisposeDataSources();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_ownsDataSources)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
            await _lockSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask<ConnectorState> GetConnectorStateAsync(string connector, CancellationToken cancellationToken)
    {
        return await WithConnectionAsync("read the connector state", connection => ReadStateAsync(connection, null, connector, forUpdate: false, cancellationToken).AsTask(), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask SetBlockedChangeSetAsync(string connector, ChangeSet? blocked, CancellationToken cancellationToken)
    {
        await WithConnectionAsync("record the blocked change set", async connection =>
        {
            // The header and the pages in one transaction: a failure halfway keeps the change set kept before.
            using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var key = ConnectorKey(connector);
            var header = await PostgreSqlBlockedChangeSets.WriteAsync(connection, transaction, Tables, key, blocked, cancellationToken).ConfigureAwait(false);
            using (var command = new NpgsqlCommand(
                $"""
                INSERT INTO {Tables}.connector_state (connector, version, incremental_batches, blocked) VALUES ($1, 0, '[]', $2)
                ON CONFLICT (connector) DO UPDATE SET blocked = excluded.blocked
                """,
                connection,
                transaction))
            {
                command.Parameters.AddWithValue(key);
                command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = (object?)header ?? DBNull.Value });
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IChangeSetWriter> BeginApplyAsync(string connector, long expectedVersion, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

            // Appliers of one connector (a run, the repository workflow, a manual edit) take turns; the
            // version is then read knowing nobody else moves it before this transaction ends.
            await LockForTransactionAsync(connection, transaction, "apply:" + connector, cancellationToken).ConfigureAwait(false);

            var version = (await ReadStateAsync(connection, transaction, connector, forUpdate: true, cancellationToken).ConfigureAwait(false)).Version;
            if (version != expectedVersion)
            {
                await transaction.DisposeAsync().ConfigureAwait(false);
                throw new StoreConflictException($"Connector '{connector}' changed since the change set was computed (version {expectedVersion}, now {version}); synchronize again.");
            }

            using (var create = new NpgsqlCommand(PostgreSqlChangeSetWriter.CreateTemporaryTables, connection, transaction))
            {
                await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return new PostgreSqlChangeSetWriter(this, connection, transaction, ConnectorKey(connector));
        }
        catch (NpgsqlException exception) when (Failure(Describe, exception, "start applying a change set") is { } failure)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw failure;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    internal static string ConnectorKey(string connector) => connector.ToLowerInvariant();

    /// <summary>Opens a pooled connection synchronously, for the reads behind a synchronous API (a blocked change set's lists).</summary>
    internal NpgsqlConnection OpenConnection()
    {
        try
        {
            return _dataSource.OpenConnection();
        }
        catch (NpgsqlException exception) when (Failure(Describe, exception, "connect") is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>Runs work on a connection of its own, turning any server failure into the store's exception.</summary>
    private async Task<T> WithConnectionAsync<T>(string doing, Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await work(connection).ConfigureAwait(false);
        }
        catch (NpgsqlException exception) when (Failure(Describe, exception, doing) is { } failure)
        {
            throw failure;
        }
    }

    private Task<bool> WithConnectionAsync(string doing, Func<NpgsqlConnection, Task> work, CancellationToken cancellationToken) =>
        WithConnectionAsync(doing, async connection =>
        {
            await work(connection).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    internal ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) => OpenAsync(_dataSource, cancellationToken);

    internal async ValueTask<ConnectorState> ReadStateAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string connector, bool forUpdate, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(
            $"SELECT version, last_batch, incremental_batches, blocked, export_fingerprint, watermarks FROM {Tables}.connector_state WHERE connector = $1" + (forUpdate ? " FOR UPDATE" : string.Empty),
            connection,
            transaction);
        command.Parameters.AddWithValue(ConnectorKey(connector));
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return ConnectorState.Empty;
        }

        return new ConnectorState(
            reader.GetInt64(0),
            reader.IsDBNull(1) ? null : reader.GetString(1),
            StoredJson.Deserialize<string[]>(reader.GetString(2)),
            reader.IsDBNull(3) ? null : PostgreSqlBlockedChangeSets.Open(this, ConnectorKey(connector), reader.GetFieldValue<byte[]>(3)))
        {
            ExportFingerprint = reader.IsDBNull(4) ? null : reader.GetString(4),
            Watermarks = ChangeSetSerializer.DeserializeWatermarks(reader.IsDBNull(5) ? null : reader.GetString(5)),
        };
    }

    /// <summary>Runs a call against the server, turning connection failures into the store's exceptions with messages that never hold a password.</summary>
    internal static async Task<T> GuardAsync<T>(string describe, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (NpgsqlException exception) when (Failure(describe, exception, "connect") is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>
    /// The store's exception for a server failure that ends the whole operation: refused credentials, a
    /// server that cannot be reached or ended the connection, a full disk, a statement timeout, and any other error
    /// the server raised (a trigger or a constraint a DBA added, a value it refuses), named with its SQLSTATE. Null
    /// for the one failure a caller handles itself: a unique key.
    /// </summary>
    /// <param name="describe">The store, named for people.</param>
    /// <param name="exception">What Npgsql threw.</param>
    /// <param name="doing">What was being done, such as "apply the change set".</param>
    internal static StoreUnavailableException? Failure(string describe, NpgsqlException exception, string doing) => exception switch
    {
        PostgresException { SqlState: PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification } e =>
            new StoreUnavailableException($"{describe} refused the credentials: {e.MessageText}. Check the user and the password (PGPASSWORD or a passfile).", e) { Kind = FailureKind.AuthenticationFailed },
        PostgresException { SqlState: PostgresErrorCodes.InsufficientPrivilege } e =>
            new StoreUnavailableException($"{describe} does not let this role {doing} ({e.MessageText}); nothing of it was applied. Grant the runtime role what docs/storage.md lists (tables and sequences of the schema), or run migrations as the owner role.", e),
        PostgresException { SqlState: PostgresErrorCodes.DiskFull } e =>
            new StoreUnavailableException($"{describe} is out of disk space ({e.MessageText}) while trying to {doing}; nothing of it was applied. Free space on the server, then run it again.", e),
        PostgresException { SqlState: PostgresErrorCodes.QueryCanceled } e =>
            new StoreUnavailableException($"{describe} cancelled a statement while trying to {doing} ({e.MessageText}: a statement_timeout, or an administrator); nothing of it was applied.", e) { Kind = FailureKind.Failed },
        PostgresException { SqlState: PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections } e =>
            new StoreUnavailableException($"{describe} ended or refused the connection while trying to {doing} ({e.MessageText}); nothing of it was applied. Run it again once the server is back.", e),
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } => null,
        PostgresException e =>
            new StoreUnavailableException($"{describe} refused to {doing}: {e.MessageText} (SQLSTATE {e.SqlState}{(e.TableName is { } table ? ", table " + table : string.Empty)}); nothing of it was applied.", e) { Kind = FailureKind.Failed },
        _ => new StoreUnavailableException(doing == "connect"
            ? $"{describe} cannot be reached: {exception.Message} Check that the server runs and accepts connections from this host."
            : $"{describe}: the connection was lost while trying to {doing} ({exception.Message}); nothing of it was applied. Run it again once the server is reachable.", exception),
    };

    private static async ValueTask<NpgsqlConnection> OpenAsync(NpgsqlDataSource source, CancellationToken cancellationToken) =>
        await GuardAsync(Description(source, null), async () => await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);

    private static NpgsqlDataSource Build(string connectionString, bool pooled)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException exception)
        {
            // The message of a malformed connection string may quote it; the password must not reach a log.
            throw new StoreUnavailableException($"The PostgreSQL connection string is malformed ({exception.GetType().Name}); see Npgsql's connection string parameters.") { Kind = FailureKind.InvalidInput };
        }

        builder.Pooling = pooled;

        // One statement of a large apply (a million links merged) can run past Npgsql's 30 s default, and a
        // client-side timeout only breaks the connection: unless the connection string sets one, statements
        // are bounded by the server's statement_timeout, which a DBA controls.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!given.ContainsKey("Command Timeout") && !given.ContainsKey("CommandTimeout"))
        {
            builder.CommandTimeout = 0;
        }

        if (!pooled)
        {
            // A run lock's connection stays open for the whole run: keepalive lets the server notice a
            // host that vanished and free its lock.
            builder.TcpKeepAlive = true;
            builder.KeepAlive = 30;
        }

        return NpgsqlDataSource.Create(builder);
    }

    private static string Description(NpgsqlDataSource source, string? schema) => Description(source.ConnectionString, schema);

    private static string Description(NpgsqlConnection connection) => Description(connection.ConnectionString, null);

    private static string Description(string connectionString, string? schema)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database ?? builder.Username}" + (schema is null ? string.Empty : $" (schema '{schema}')");
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, NpgsqlTransaction? transaction = null, params object[] parameters)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter);
        }

        return (T)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] parameters) =>
        ScalarAsync<T>(connection, sql, cancellationToken, null, parameters);

    private static Task UpsertJsonAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, IEnumerable<object[]> rows, CancellationToken cancellationToken) =>
        ExecuteBatchesAsync(connection, transaction, rows.Select(row =>
        {
            // The last parameter is the jsonb.
            var command = new NpgsqlBatchCommand(sql);
            for (var i = 0; i < row.Length; i++)
            {
                command.Parameters.Add(i == row.Length - 1 ? new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = row[i] } : new NpgsqlParameter { Value = row[i] });
            }

            return command;
        }), cancellationToken);

    /// <summary>Runs statements a thousand to a round trip, in one batch each.</summary>
    private static async Task ExecuteBatchesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<NpgsqlBatchCommand> commands, CancellationToken cancellationToken)
    {
        foreach (var chunk in commands.Chunk(1000))
        {
            using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var command in chunk)
            {
                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static OwnerProvisioningState ReadState(NpgsqlDataReader reader) => StoredProvisioningState.Read(reader).ToState();

    private static Task<IReadOnlyList<T>> ReadJsonAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] parameters) =>
        ReadAsync(connection, sql, static reader => StoredJson.Deserialize<T>(reader.GetString(0)), cancellationToken, parameters);

    /// <summary>Reads orders with one of <see cref="PostgreSqlOrders"/>' selects (<c>{t}</c> the schema) on a connection of its own.</summary>
    private async Task<IReadOnlyList<ProvisioningOrder>> ReadOrdersAsync(string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ReadAsync(connection, InSchema(sql), PostgreSqlOrders.Read, cancellationToken, parameters).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<T>> ReadAsync<T>(NpgsqlConnection connection, string sql, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken, params object[] parameters)
    {
        try
        {
            return await ReadCoreAsync(connection, sql, read, cancellationToken, parameters).ConfigureAwait(false);
        }
        catch (NpgsqlException exception) when (Failure(Description(connection), exception, "read") is { } failure)
        {
            throw failure;
        }
    }

    private static async Task<IReadOnlyList<T>> ReadCoreAsync<T>(NpgsqlConnection connection, string sql, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken, params object[] parameters)
    {
        using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var found = new List<T>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            found.Add(read(reader));
        }

        return found;
    }

    private async Task OpenSchemaAsync(bool migrate, CancellationToken cancellationToken)
    {
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var version = await PostgreSqlSchema.VersionAsync(connection, Schema, cancellationToken).ConfigureAwait(false);
        if (version > PostgreSqlSchema.CurrentVersion)
        {
            throw PostgreSqlSchema.Newer(Schema, version);
        }

        if (version < PostgreSqlSchema.CurrentVersion)
        {
            if (!migrate)
            {
                throw new StoreUnavailableException(version == 0
                    ? $"{Describe} holds no IdentitySync store; create it with 'identitysync store migrate' (or MigrateOnOpen) as a role that may create tables."
                    : $"{Describe} has store version {version}; this version of IdentitySync needs {PostgreSqlSchema.CurrentVersion}. Migrate it with 'identitysync store migrate' (or MigrateOnOpen).");
            }

            var from = await PostgreSqlSchema.MigrateAsync(connection, Schema, cancellationToken).ConfigureAwait(false);
            LogMigrated(_logger, Describe, from, PostgreSqlSchema.CurrentVersion);
            return;
        }

        LogOpened(_logger, Describe, version);
    }

    [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "{Store} migrated from store version {From} to {To}")]
    private static partial void LogMigrated(ILogger logger, string store, int from, int to);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Debug, Message = "{Store} opened at store version {Version}")]
    private static partial void LogOpened(ILogger logger, string store, int version);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Warning, Message = "A PostgreSQL store cannot be used: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    private void DisposeDataSources()
    {
        _dataSource.Dispose();
        _lockSource.Dispose();
    }
}
