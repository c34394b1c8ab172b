using IdentitySync.Categorizations;
using IdentitySync.JobRuns;
using IdentitySync.Orders;
using Npgsql;
using NpgsqlTypes;

namespace IdentitySync.Storage.PostgreSql;

/// <summary>Categorizations, orders, provisioning states, property sources and job runs.</summary>
public sealed partial class PostgreSqlResourceStore
{
    /// <inheritdoc />
    public async ValueTask SaveCategorizationsAsync(IReadOnlyList<AccountCategorization> categorizations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(categorizations);
        await WithConnectionAsync("save categorizations", async connection =>
        {
            using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

            // One save of categorizations at a time, across hosts: what an account had before is then what the save
            // replaces, and a bulk merge's update and insert meet no other insert between them (decision 117). A
            // deletion may still remove a row meanwhile: the feed then names its owner and candidates once more.
            await LockForTransactionAsync(connection, transaction, "categorizations", cancellationToken).ConfigureAwait(false);

            // The owners and candidates the accounts had, for the change feed: both those and the new ones are reached.
            var before = new Dictionary<long, (long? Owner, string? Candidates)>();
            async Task ReadBeforeAsync(NpgsqlCommand previous)
            {
                using var reader = await previous.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    before[reader.GetInt64(0)] = (reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetString(2));
                }
            }

            if (categorizations.Count >= PostgreSqlCategorizations.CopyFloor)
            {
                var latest = PostgreSqlBulkMerge.Latest(categorizations, static c => c.ResourceId);
                await PostgreSqlCategorizations.StageAsync(connection, transaction, latest, cancellationToken).ConfigureAwait(false);
                using (var previous = new NpgsqlCommand(InSchema(PostgreSqlCategorizations.SelectStagedBefore), connection, transaction))
                {
                    await ReadBeforeAsync(previous).ConfigureAwait(false);
                }

                await PostgreSqlBulkMerge.MergeAsync(connection, transaction, InSchema(PostgreSqlCategorizations.UpdateStaged), InSchema(PostgreSqlCategorizations.InsertStaged), InSchema("SELECT {t}.analyze_categorizations()"), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                using (var previous = new NpgsqlCommand(InSchema(PostgreSqlCategorizations.SelectBefore), connection, transaction))
                {
                    previous.Parameters.AddWithValue(categorizations.Select(static c => c.ResourceId).ToArray());
                    await ReadBeforeAsync(previous).ConfigureAwait(false);
                }

                var upsert = InSchema(PostgreSqlCategorizations.Upsert);
                await ExecuteBatchesAsync(connection, transaction, categorizations.Select(c => PostgreSqlCategorizations.Command(upsert, StoredCategorization.Of(c))), cancellationToken).ConfigureAwait(false);
            }

            var reached = categorizations.SelectMany(c => before.TryGetValue(c.ResourceId, out var old)
                ? ChangeFeedEntries.OfCategorization(c, old.Owner, StoredCategorization.CandidateIds(old.Candidates))
                : ChangeFeedEntries.OfCategorization(c, null, []));
            await PostgreSqlChangeFeed.RecordIdsAsync(connection, transaction, Tables, reached, ChangeFeedRetention, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<AccountCategorization>> GetCategorizationsAsync(string entityType, CancellationToken cancellationToken)
    {
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ReadAsync(connection, InSchema(PostgreSqlCategorizations.SelectType), static reader => StoredCategorization.Read(reader).ToCategorization(), cancellationToken, entityType).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<AccountCategorization>> GetCategorizationsAsync(CategorizationQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ReadAsync(connection, InSchema(PostgreSqlCategorizations.Select(query)), static reader => StoredCategorization.Read(reader).ToCategorization(), cancellationToken, PostgreSqlCategorizations.Parameters(query)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<long> CountCategorizationsAsync(CategorizationQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return await WithConnectionAsync("count categorizations", connection => ScalarAsync<long>(
            connection,
            InSchema(PostgreSqlCategorizations.CountQuery),
            cancellationToken,
            null,
            PostgreSqlCategorizations.Parameters(query)), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<ProvisioningOrder>> SaveOrdersAsync(IReadOnlyList<ProvisioningOrder> orders, IReadOnlyList<OwnerProvisioningState> states, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(orders);
        ArgumentNullException.ThrowIfNull(states);
        return await WithConnectionAsync("save orders", async connection =>
        {
            using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

            // New ids under a transaction lock: two hosts saving orders at once never hand out one id twice, and a
            // bulk merge of states meets no other insert between its update and its insert.
            await LockForTransactionAsync(connection, transaction, "orders", cancellationToken).ConfigureAwait(false);

            var next = await ScalarAsync<long>(connection, InSchema(PostgreSqlOrders.NextId), cancellationToken, transaction).ConfigureAwait(false);
            var saved = orders.Select(order => order.Id == 0 ? order with { Id = next++ } : order).ToList();
            var upsert = InSchema(PostgreSqlOrders.Upsert);
            await ExecuteBatchesAsync(connection, transaction, saved.Select(order => PostgreSqlOrders.Command(upsert, StoredOrder.Of(order))), cancellationToken).ConfigureAwait(false);

            if (states.Count >= PostgreSqlProvisioningStates.CopyFloor)
            {
                var latest = PostgreSqlBulkMerge.Latest(states, static s => (s.ResourceType.ToLowerInvariant(), s.OwnerId));
                await PostgreSqlProvisioningStates.StageAsync(connection, transaction, latest, cancellationToken).ConfigureAwait(false);
                await PostgreSqlBulkMerge.MergeAsync(connection, transaction, InSchema(PostgreSqlProvisioningStates.UpdateStaged), InSchema(PostgreSqlProvisioningStates.InsertStaged), InSchema("SELECT {t}.analyze_provisioning_states()"), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await UpsertJsonAsync(
                    connection,
                    transaction,
                    InSchema(PostgreSqlProvisioningStates.Upsert),
                    states.Select(static s => PostgreSqlProvisioningStates.Row(StoredProvisioningState.Of(s))),
                    cancellationToken).ConfigureAwait(false);
            }
            await PostgreSqlChangeFeed.RecordIdsAsync(connection, transaction, Tables, orders.SelectMany(ChangeFeedEntries.OfOrder), ChangeFeedRetention, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return saved;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<ProvisioningOrder>> GetOrdersAsync(string? resourceType, IReadOnlyCollection<OrderState>? states, CancellationToken cancellationToken) =>
        await ReadOrdersAsync(
            PostgreSqlOrders.Select,
            cancellationToken,
            (object?)resourceType ?? DBNull.Value,
            states is null ? DBNull.Value : states.Select(static s => s.ToString()).ToArray()).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<ProvisioningOrder?> GetOrderAsync(long id, CancellationToken cancellationToken) =>
        (await ReadOrdersAsync(PostgreSqlOrders.SelectOne, cancellationToken, id).ConfigureAwait(false)) is [var order] ? order : null;

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<ProvisioningOrder>> GetOrdersOfResourceAsync(long resourceId, CancellationToken cancellationToken) =>
        await ReadOrdersAsync(PostgreSqlOrders.SelectOfResource, cancellationToken, resourceId).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<ProvisioningOrder>> GetOrdersOfResourcesAsync(IReadOnlyCollection<long> resourceIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resourceIds);
        return resourceIds.Count == 0
            ? []
            : await ReadOrdersAsync(PostgreSqlOrders.SelectOfResources, cancellationToken, resourceIds.ToArray()).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<int> ArchiveOrdersAsync(string resourceType, DateTimeOffset endedBefore, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resourceType);
        return await WithConnectionAsync("archive orders", async connection =>
        {
            using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var reached = new List<long>();
            var archived = 0;
            using (var command = new NpgsqlCommand(InSchema(PostgreSqlOrders.Archive), connection, transaction))
            {
                command.Parameters.AddWithValue(resourceType);
                command.Parameters.AddWithValue(StoredOrder.EndedStates.Select(static s => s.ToString()).ToArray());
                command.Parameters.AddWithValue(endedBefore.UtcTicks);
                using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    archived++;
                    if (!reader.IsDBNull(0))
                    {
                        reached.Add(reader.GetInt64(0));
                    }
                }
            }

            await PostgreSqlChangeFeed.RecordIdsAsync(connection, transaction, Tables, reached, ChangeFeedRetention, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return archived;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<ProvisioningOrder>> GetArchivedOrdersAsync(string? resourceType, long afterId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return await ReadOrdersAsync(PostgreSqlOrders.SelectArchived, cancellationToken, (object?)resourceType ?? DBNull.Value, afterId, limit).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<OwnerProvisioningState>> GetProvisioningStatesAsync(string resourceType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resourceType);
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ReadAsync(connection, InSchema(PostgreSqlProvisioningStates.SelectType), ReadState, cancellationToken, resourceType).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<OwnerProvisioningState>> GetProvisioningStatesAsync(string resourceType, IReadOnlyCollection<long> ownerIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resourceType);
        ArgumentNullException.ThrowIfNull(ownerIds);
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ReadAsync(connection, InSchema(PostgreSqlProvisioningStates.SelectOwners), ReadState, cancellationToken, resourceType, ownerIds.ToArray()).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<OwnerStateDigest> GetProvisioningDigestsAsync(string resourceType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resourceType);
        var sql = InSchema(PostgreSqlProvisioningStates.SelectDigests);

        // Along the primary key, in pages as large as the links' (two numbers a row); owner ids start at 1.
        return GuardedAsync(PagesAsync<OwnerStateDigest>(LinkPageSize, async (connection, after, page) =>
        {
            using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddWithValue(resourceType);
            command.Parameters.AddWithValue(after.OwnerId);
            command.Parameters.AddWithValue(LinkPageSize);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                page.Add(new OwnerStateDigest(reader.GetInt64(0), unchecked((ulong)reader.GetInt64(1))));
            }
        }, cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<PropertySource>> GetSourcesAsync(long resourceId, CancellationToken cancellationToken)
    {
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var sources = await ReadJsonAsync<PropertySource>(connection, $"SELECT source FROM {Tables}.property_sources WHERE resource_id = $1", cancellationToken, resourceId).ConfigureAwait(false);
        return [.. sources.OrderBy(static s => s.Property, StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    public async ValueTask SaveJobRunAsync(JobRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        await WithConnectionAsync("save the job run", async connection =>
        {
            using var command = new NpgsqlCommand(
                $"INSERT INTO {Tables}.job_runs (id, job, started, status, run) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET status = excluded.status, run = excluded.run",
                connection);
            command.Parameters.AddWithValue(run.Id);
            command.Parameters.AddWithValue(run.Job);
            command.Parameters.AddWithValue(run.StartedAt.ToUniversalTime());
            command.Parameters.AddWithValue(run.Status.ToString());
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = StoredJson.Serialize(run) });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<JobRun?> GetJobRunAsync(string id, CancellationToken cancellationToken)
    {
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var found = await ReadJsonAsync<JobRun>(connection, $"SELECT run FROM {Tables}.job_runs WHERE id = $1", cancellationToken, id).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<JobRun>> GetJobRunsAsync(int limit, CancellationToken cancellationToken)
    {
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync<JobRun>(connection, $"SELECT run FROM {Tables}.job_runs ORDER BY started DESC, id DESC LIMIT $1", cancellationToken, limit).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<JobRun?> GetLastJobRunAsync(string job, CancellationToken cancellationToken)
    {
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var found = await ReadJsonAsync<JobRun>(connection, $"SELECT run FROM {Tables}.job_runs WHERE lower(job) = lower($1) ORDER BY started DESC, id DESC LIMIT 1", cancellationToken, job).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }
}
