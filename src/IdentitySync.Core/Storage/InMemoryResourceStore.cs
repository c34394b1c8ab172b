using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using IdentitySync.Categorizations;
using IdentitySync.ChangeSets;
using IdentitySync.JobRuns;
using IdentitySync.Orders;

namespace IdentitySync.Storage;

/// <summary>
/// A store in memory, for tests and small hosts: nothing survives the process. Each apply works on
/// copies of what it touches and swaps them in at commit, so a failed or cancelled apply changes nothing.
/// </summary>
public sealed partial class InMemoryResourceStore : IResourceStore
{
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _connectorLocks = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _jobLocks = new(StringComparer.OrdinalIgnoreCase);
    private Dictionary<string, Dictionary<string, StoredResource>> _resources = new(StringComparer.OrdinalIgnoreCase);
    private Dictionary<string, HashSet<StoredLink>> _links = new(StringComparer.OrdinalIgnoreCase);
    private Dictionary<string, ConnectorState> _states = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, JobRun> _jobRuns = new(StringComparer.Ordinal);
    private Dictionary<long, AccountCategorization> _categorizations = [];
    private readonly SortedDictionary<long, ProvisioningOrder> _orders = [];
    private readonly SortedDictionary<long, ProvisioningOrder> _archivedOrders = [];
    private Dictionary<long, string> _layouts = [];
    private Dictionary<(long ResourceId, string Property), PropertySource> _sources = [];
    private readonly Dictionary<(string ResourceType, long OwnerId), OwnerProvisioningState> _provisioningStates = [];
    private long _nextId = 1;

    /// <inheritdoc />
    public async ValueTask<IAsyncDisposable> LockConnectorAsync(string connector, CancellationToken cancellationToken)
    {
        var semaphore = _connectorLocks.GetOrAdd(connector, static _ => new SemaphoreSlim(1, 1));
        if (!await semaphore.WaitAsync(0, cancellationToken).ConfigureAwait(false))
        {
            throw new ConnectorBusyException($"Connector '{connector}' is already being synchronized; wait for that run to end.");
        }

        return new Release(semaphore);
    }

    /// <inheritdoc />
    public async ValueTask<IAsyncDisposable> LockJobAsync(string job, CancellationToken cancellationToken)
    {
        var semaphore = _jobLocks.GetOrAdd(job, static _ => new SemaphoreSlim(1, 1));
        if (!await semaphore.WaitAsync(0, cancellationToken).ConfigureAwait(false))
        {
            throw new JobBusyException($"Job '{job}' is already running; wait for that run to end.");
        }

        return new Release(semaphore);
    }

    /// <inheritdoc />
    public ValueTask<ConnectorState> GetConnectorStateAsync(string connector, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_states.GetValueOrDefault(connector) ?? ConnectorState.Empty);
        }
    }

    /// <inheritdoc />
    public ValueTask SetBlockedChangeSetAsync(string connector, ChangeSet? blocked, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var state = _states.GetValueOrDefault(connector) ?? ConnectorState.Empty;
            _states = new(_states, StringComparer.OrdinalIgnoreCase)
            {
                [connector] = state with { Blocked = blocked },
            };
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<long> CountResourcesAsync(string entityType, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult((long)(_resources.GetValueOrDefault(entityType)?.Count ?? 0));
        }
    }

    /// <inheritdoc />
    public ValueTask<long> CountLinksAsync(string association, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult((long)(_links.GetValueOrDefault(association)?.Count ?? 0));
        }
    }

    /// <inheritdoc />
    public ValueTask<long> EstimateLinkCountAsync(string association, CancellationToken cancellationToken) => CountLinksAsync(association, cancellationToken);

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredResource> GetResourcesAsync(string entityType, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Dictionary<string, StoredResource>? resources;
        lock (_gate)
        {
            resources = _resources.GetValueOrDefault(entityType);
        }

        foreach (var resource in resources?.Values ?? Enumerable.Empty<StoredResource>())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return resource;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask<StoredResource?> FindResourceAsync(string entityType, string key, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_resources.GetValueOrDefault(entityType)?.GetValueOrDefault(key));
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<StoredResource>> GetResourcesByKeyAsync(string entityType, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entityType);
        ArgumentNullException.ThrowIfNull(keys);
        lock (_gate)
        {
            var table = _resources.GetValueOrDefault(entityType);
            IReadOnlyList<StoredResource> found = table is null
                ? []
                : [.. keys.Distinct(StringComparer.Ordinal).Select(key => table.GetValueOrDefault(key)).OfType<StoredResource>()];
            return ValueTask.FromResult(found);
        }
    }

    /// <inheritdoc />
    public ValueTask<StoredResource?> FindResourceByIdAsync(long id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_resources.Values.SelectMany(static t => t.Values).FirstOrDefault(r => r.Id == id));
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<StoredResource>> GetResourcePageAsync(string entityType, string? afterKey, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        lock (_gate)
        {
            IReadOnlyList<StoredResource> page = [.. (_resources.GetValueOrDefault(entityType)?.Values ?? Enumerable.Empty<StoredResource>())
                .Where(r => afterKey is null || string.CompareOrdinal(r.Key, afterKey) > 0)
                .OrderBy(static r => r.Key, StringComparer.Ordinal)
                .Take(limit)];
            return ValueTask.FromResult(page);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<StoredResource>> GetLinkedResourcesAsync(string association, long resourceId, LinkDirection direction, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var ids = (_links.GetValueOrDefault(association) ?? [])
                .Where(l => (direction == LinkDirection.FirstToSecond ? l.FirstId : l.SecondId) == resourceId)
                .Select(l => direction == LinkDirection.FirstToSecond ? l.SecondId : l.FirstId)
                .ToHashSet();
            IReadOnlyList<StoredResource> linked = [.. _resources.Values.SelectMany(static t => t.Values)
                .Where(r => ids.Contains(r.Id))
                .OrderBy(static r => r.Key, StringComparer.Ordinal)];
            return ValueTask.FromResult(linked);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<long, string>> GetLayoutsAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult<IReadOnlyDictionary<long, string>>(_layouts);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredLink> GetLinksAsync(string association, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        HashSet<StoredLink>? links;
        lock (_gate)
        {
            links = _links.GetValueOrDefault(association);
        }

        foreach (var link in links ?? Enumerable.Empty<StoredLink>())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return link;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask SaveCategorizationsAsync(IReadOnlyList<AccountCategorization> categorizations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(categorizations);
        lock (_gate)
        {
            var next = new Dictionary<long, AccountCategorization>(_categorizations);
            var reached = new List<long>();
            foreach (var categorization in categorizations)
            {
                var previous = next.GetValueOrDefault(categorization.ResourceId);
                reached.AddRange(ChangeFeedEntries.OfCategorization(categorization, previous?.OwnerId, previous?.Candidates ?? []));
                next[categorization.ResourceId] = categorization;
            }

            _categorizations = next;
            RecordChanges(reached);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<AccountCategorization>> GetCategorizationsAsync(string entityType, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<AccountCategorization> found = [.. _categorizations.Values.Where(c => string.Equals(c.EntityType, entityType, StringComparison.OrdinalIgnoreCase))];
            return ValueTask.FromResult(found);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ProvisioningOrder>> SaveOrdersAsync(
        IReadOnlyList<ProvisioningOrder> orders,
        IReadOnlyList<OwnerProvisioningState> states,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(orders);
        ArgumentNullException.ThrowIfNull(states);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            // Ids are never reused, archived or not.
            var next = Math.Max(_orders.Count == 0 ? 0 : _orders.Keys.Max(), _archivedOrders.Count == 0 ? 0 : _archivedOrders.Keys.Max()) + 1;
            var saved = new List<ProvisioningOrder>(orders.Count);
            RecordChanges(orders.SelectMany(ChangeFeedEntries.OfOrder));
            foreach (var order in orders)
            {
                var withId = order.Id == 0 ? order with { Id = next++ } : order;
                _orders[withId.Id] = withId;
                saved.Add(withId);
            }

            foreach (var state in states)
            {
                _provisioningStates[(state.ResourceType.ToUpperInvariant(), state.OwnerId)] = state;
            }

            return ValueTask.FromResult<IReadOnlyList<ProvisioningOrder>>(saved);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ProvisioningOrder>> GetOrdersAsync(string? resourceType, IReadOnlyCollection<OrderState>? states, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<ProvisioningOrder> found = [.. _orders.Values.Where(o =>
                (resourceType is null || string.Equals(o.ResourceType, resourceType, StringComparison.OrdinalIgnoreCase))
                && (states is null || states.Contains(o.State)))];
            return ValueTask.FromResult(found);
        }
    }

    /// <inheritdoc />
    public ValueTask<ProvisioningOrder?> GetOrderAsync(long id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_orders.GetValueOrDefault(id));
        }
    }

    /// <inheritdoc />
    public ValueTask<int> ArchiveOrdersAsync(string resourceType, DateTimeOffset endedBefore, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resourceType);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var ended = _orders.Values.Where(o => string.Equals(o.ResourceType, resourceType, StringComparison.OrdinalIgnoreCase)
                && StoredOrder.EndedStates.Contains(o.State) && o.StateChangedAt < endedBefore).ToList();
            foreach (var order in ended)
            {
                _orders.Remove(order.Id);
                _archivedOrders[order.Id] = order;
            }

            RecordChanges(ended.SelectMany(ChangeFeedEntries.OfOrder));

            return ValueTask.FromResult(ended.Count);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ProvisioningOrder>> GetArchivedOrdersAsync(string? resourceType, long afterId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        lock (_gate)
        {
            IReadOnlyList<ProvisioningOrder> found = [.. _archivedOrders.Values
                .Where(o => o.Id > afterId && (resourceType is null || string.Equals(o.ResourceType, resourceType, StringComparison.OrdinalIgnoreCase)))
                .Take(limit)];
            return ValueTask.FromResult(found);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<OwnerProvisioningState>> GetProvisioningStatesAsync(string resourceType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resourceType);
        lock (_gate)
        {
            IReadOnlyList<OwnerProvisioningState> found = [.. _provisioningStates.Where(p => string.Equals(p.Key.ResourceType, resourceType, StringComparison.OrdinalIgnoreCase)).Select(static p => p.Value)];
            return ValueTask.FromResult(found);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<OwnerProvisioningState>> GetProvisioningStatesAsync(string resourceType, IReadOnlyCollection<long> ownerIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resourceType);
        ArgumentNullException.ThrowIfNull(ownerIds);
        var type = resourceType.ToUpperInvariant();
        lock (_gate)
        {
            IReadOnlyList<OwnerProvisioningState> found = [.. ownerIds.Distinct().Select(id => _provisioningStates.GetValueOrDefault((type, id))).OfType<OwnerProvisioningState>()];
            return ValueTask.FromResult(found);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<PropertySource>> GetSourcesAsync(long resourceId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<PropertySource> found = [.. _sources.Values.Where(s => s.ResourceId == resourceId).OrderBy(static s => s.Property, StringComparer.Ordinal)];
            return ValueTask.FromResult(found);
        }
    }

    /// <inheritdoc />
    public ValueTask SaveJobRunAsync(JobRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        _jobRuns[run.Id] = run;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<JobRun?> GetJobRunAsync(string id, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_jobRuns.GetValueOrDefault(id));

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<JobRun>> GetJobRunsAsync(int limit, CancellationToken cancellationToken)
    {
        IReadOnlyList<JobRun> runs = [.. NewestFirst(_jobRuns.Values).Take(limit)];
        return ValueTask.FromResult(runs);
    }

    /// <inheritdoc />
    public ValueTask<JobRun?> GetLastJobRunAsync(string job, CancellationToken cancellationToken) =>
        ValueTask.FromResult(NewestFirst(_jobRuns.Values.Where(r => string.Equals(r.Job, job, StringComparison.OrdinalIgnoreCase))).FirstOrDefault());

    private static IEnumerable<JobRun> NewestFirst(IEnumerable<JobRun> runs) =>
        runs.OrderByDescending(static r => r.StartedAt).ThenByDescending(static r => r.Id, StringComparer.Ordinal);

    /// <inheritdoc />
    public ValueTask<IChangeSetWriter> BeginApplyAsync(string connector, long expectedVersion, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            CheckVersion(connector, expectedVersion);
            return ValueTask.FromResult<IChangeSetWriter>(new Writer(this, connector, expectedVersion));
        }
    }

    private void CheckVersion(string connector, long expectedVersion)
    {
        var version = _states.GetValueOrDefault(connector)?.Version ?? 0;
        if (version != expectedVersion)
        {
            throw new StoreConflictException(
                $"Connector '{connector}' changed since the change set was computed (version {expectedVersion}, now {version}); synchronize again.");
        }
    }

    private sealed class Release(SemaphoreSlim semaphore) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                semaphore.Release();
            }

            return ValueTask.CompletedTask;
        }
    }
}
