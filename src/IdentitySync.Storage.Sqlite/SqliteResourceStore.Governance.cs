using System.Runtime.CompilerServices;
using IdentitySync.Categorizations;
using IdentitySync.JobRuns;
using IdentitySync.Orders;
using Microsoft.Data.Sqlite;

namespace IdentitySync.Storage.Sqlite;

/// <summary>Categorizations, orders, provisioning states, property sources and job runs.</summary>
public sealed partial class SqliteResourceStore
{
    /// <inheritdoc />
    public ValueTask SaveCategorizationsAsync(IReadOnlyList<AccountCategorization> categorizations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(categorizations);
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        SqliteChangeFeed.Record(connection, SqliteCategorizations.Save(connection, categorizations, cancellationToken), Options);
        Checkpoints.Commit(connection, transaction, categorizations.Count);
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
        Checkpoints.Commit(connection, transaction, orders.Count + states.Count);
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
    public ValueTask<IReadOnlyList<ProvisioningOrder>> GetOrdersOfResourcesAsync(IReadOnlyCollection<long> resourceIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resourceIds);
        if (resourceIds.Count == 0)
        {
            return ValueTask.FromResult<IReadOnlyList<ProvisioningOrder>>([]);
        }

        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = SqliteOrders.SelectOfResources;
        command.Parameters.AddWithValue("$ids", SqliteSchema.JsonIds(resourceIds));
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
        Checkpoints.Commit(connection, transaction, archived);
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
}
