using IdentitySync.Connections;
using IdentitySync.Diagnostics;
using IdentitySync.Model;
using IdentitySync.Orders;
using IdentitySync.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IdentitySync.Provisioning;

/// <summary>
/// Turns the rules of each resource type into provisioning orders and drives them to their end: generation
/// (desired state, compared with the correlated accounts), review, fulfillment through a connection or a
/// ticket for a person, and verification by a later synchronization. See docs/provisioning.md.
/// </summary>
public sealed partial class ProvisioningEngine
{
    private readonly IResourceStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly OrderGenerator _generator;
    private readonly OrderReview _review;
    private readonly OrderFulfiller _fulfiller;
    private readonly TicketDesk _tickets;
    private readonly OrderVerifier _verifier;

    /// <summary>Initializes a new instance of the <see cref="ProvisioningEngine"/> class.</summary>
    /// <param name="model">The model, with the resource types' rules.</param>
    /// <param name="store">The store.</param>
    /// <param name="packages">The connection packages that fulfill orders automatically.</param>
    /// <param name="options">Host settings; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock; the system clock when <see langword="null"/>.</param>
    /// <param name="workflow">The internal workflow that fulfills repository orders (identities); <see cref="RepositoryWorkflow"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger; none when <see langword="null"/>.</param>
    public ProvisioningEngine(
        IdentityModel model,
        IResourceStore store,
        IEnumerable<IConnectionPackage>? packages = null,
        ProvisioningEngineOptions? options = null,
        TimeProvider? timeProvider = null,
        IInternalWorkflow? workflow = null,
        ILogger<ProvisioningEngine>? logger = null)
        : this(model, store, packages, options, timeProvider, workflow, logger, loggerFactory: null)
    {
    }

    /// <summary>
    /// Initializes a new instance of the <see cref="ProvisioningEngine"/> class that logs through a factory: the
    /// engine under its type's name, each fulfil connection under <c>IdentitySync.Connections.</c> and its
    /// package's id (<see cref="ConnectionContext.Logger"/>).
    /// </summary>
    /// <param name="model">The model, with the resource types' rules.</param>
    /// <param name="store">The store.</param>
    /// <param name="packages">The connection packages that fulfill orders automatically.</param>
    /// <param name="options">Host settings; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock; the system clock when <see langword="null"/>.</param>
    /// <param name="workflow">The internal workflow; <see cref="RepositoryWorkflow"/> when <see langword="null"/>.</param>
    /// <param name="loggerFactory">The logger factory.</param>
    public ProvisioningEngine(
        IdentityModel model,
        IResourceStore store,
        IEnumerable<IConnectionPackage>? packages,
        ProvisioningEngineOptions? options,
        TimeProvider? timeProvider,
        IInternalWorkflow? workflow,
        ILoggerFactory loggerFactory)
        : this(model, store, packages, options, timeProvider, workflow, loggerFactory?.CreateLogger<ProvisioningEngine>(), loggerFactory)
    {
    }

    private ProvisioningEngine(
        IdentityModel model,
        IResourceStore store,
        IEnumerable<IConnectionPackage>? packages,
        ProvisioningEngineOptions? options,
        TimeProvider? timeProvider,
        IInternalWorkflow? workflow,
        ILogger? logger,
        ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        var byId = new Dictionary<string, IConnectionPackage>(StringComparer.OrdinalIgnoreCase);
        foreach (var package in packages ?? [])
        {
            byId.TryAdd(package.Id, package);
        }

        options ??= new ProvisioningEngineOptions();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        var results = new OrderResults(options, SecretRedactor.For(model, byId.Values), _logger);
        var repository = new RepositoryApplier(workflow ?? new RepositoryWorkflow(model, store, _timeProvider), store, results, _timeProvider);
        var timeouts = new OrderTimeouts(model, store, _timeProvider);
        _generator = new OrderGenerator(model, store, _timeProvider, repository);
        _review = new OrderReview(store, _timeProvider);
        _fulfiller = new OrderFulfiller(model, store, store, byId, options, _timeProvider, loggerFactory, results, repository, timeouts);
        _tickets = new TicketDesk(store, _timeProvider);
        _verifier = new OrderVerifier(model, store, store, store, _timeProvider, timeouts);
    }

    /// <summary>
    /// Generates orders: for each owner, what the rules ask compared with the accounts categorization gave it.
    /// Only owners whose data, accounts or orders changed since the last generation are evaluated, unless
    /// <see cref="ProvisioningRunOptions.Full"/>. Orders still in flight are never generated twice. Repository
    /// types (identities) come first: their pending orders are applied by the internal workflow, accounts are
    /// categorized again, and only then are the types owned by identities evaluated.
    /// </summary>
    /// <param name="options">How the generation runs; defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the generation; what the repository types saved and applied before it stays.</param>
    /// <returns>The report; a resource type over its thresholds is blocked and saves nothing.</returns>
    public async Task<ProvisioningReport> GenerateAsync(ProvisioningRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        var report = await IdentitySyncTelemetry.RunStageAsync("identitysync.provision.generate", "generate", _timeProvider, () => GenerateCoreAsync(options, cancellationToken)).ConfigureAwait(false);
        if (!report.DryRun)
        {
            foreach (var group in report.Orders.GroupBy(static o => (o.ResourceType, o.State)))
            {
                IdentitySyncTelemetry.Orders.Add(group.Count(), IdentitySyncTelemetry.Tag("identitysync.resource_type", group.Key.ResourceType), IdentitySyncTelemetry.Tag("identitysync.state", group.Key.State.ToString()));
            }
        }

        foreach (var type in report.ResourceTypes.Where(static t => t.Blocked))
        {
            LogGenerationBlocked(_logger, type.Name, type.Threshold);
        }

        LogGenerated(_logger, report.Orders.Count, report.DryRun, report.IsBlocked);
        return report;
    }

    private async Task<ProvisioningReport> GenerateCoreAsync(ProvisioningRunOptions? options, CancellationToken cancellationToken)
    {
        await ResourceLayout.LearnAsync(_store, cancellationToken).ConfigureAwait(false);
        return await _generator.GenerateAsync(options ?? new ProvisioningRunOptions(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads orders, oldest first.</summary>
    /// <param name="states">Only orders in these states; all when <see langword="null"/> or empty.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The orders.</returns>
    public Task<IReadOnlyList<ProvisioningOrder>> GetOrdersAsync(IReadOnlyCollection<OrderState>? states = null, CancellationToken cancellationToken = default) =>
        GetOrdersAsync(null, states, cancellationToken);

    /// <summary>Reads the orders of a resource type, oldest first (stores filter them through an index).</summary>
    /// <param name="resourceType">Only orders of this resource type (in any case); all when <see langword="null"/>.</param>
    /// <param name="states">Only orders in these states; all when <see langword="null"/> or empty.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The orders.</returns>
    public async Task<IReadOnlyList<ProvisioningOrder>> GetOrdersAsync(string? resourceType, IReadOnlyCollection<OrderState>? states, CancellationToken cancellationToken = default) =>
        await _store.GetOrdersAsync(resourceType, states is { Count: > 0 } ? states : null, cancellationToken).ConfigureAwait(false);

    /// <summary>Reads one order, working or archived.</summary>
    /// <param name="id">The order's id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The order.</returns>
    /// <exception cref="IdentitySyncException">No order has this id.</exception>
    public async Task<ProvisioningOrder> GetOrderAsync(long id, CancellationToken cancellationToken = default) =>
        await _store.GetOrderAsync(id, cancellationToken).ConfigureAwait(false)
        ?? await _store.FindArchivedOrderAsync(id, cancellationToken).ConfigureAwait(false)
        ?? throw OrderStoreExtensions.NoSuchOrder(id);

    /// <summary>
    /// Reads archived orders in pages by id: orders that ended (verified, declined, in error) longer ago than
    /// their resource type's <c>ArchiveAfter</c>, moved out of the working orders by order generation.
    /// </summary>
    /// <param name="resourceType">Only orders of this resource type (in any case); all when <see langword="null"/>.</param>
    /// <param name="afterId">Only orders with a larger id: 0 for the first page, then the last id read.</param>
    /// <param name="limit">The most orders to return.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Up to <paramref name="limit"/> archived orders, by ascending id.</returns>
    public async Task<IReadOnlyList<ProvisioningOrder>> GetArchivedOrdersAsync(string? resourceType, long afterId = 0, int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return await _store.GetArchivedOrdersAsync(resourceType, afterId, limit, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lists the orders waiting for review, except those postponed to a later time.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The orders to review, oldest first.</returns>
    public Task<IReadOnlyList<ProvisioningOrder>> GetOrdersToReviewAsync(CancellationToken cancellationToken = default) =>
        _review.ToReviewAsync(cancellationToken);

    /// <summary>Approves an order waiting for review: it becomes pending and is fulfilled by the next pass.</summary>
    /// <param name="id">The order's id.</param>
    /// <param name="note">Who approved and why, kept in the history.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The approved order.</returns>
    /// <exception cref="IdentitySyncException">The order does not exist or is not waiting for approval.</exception>
    public Task<ProvisioningOrder> ApproveAsync(long id, string? note = null, CancellationToken cancellationToken = default) =>
        _review.ApproveAsync(id, note, cancellationToken);

    /// <summary>Declines an order waiting for review: it is never fulfilled, and not generated again while the rules ask the same.</summary>
    /// <param name="id">The order's id.</param>
    /// <param name="note">Who declined and why, kept in the history.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The declined order.</returns>
    /// <exception cref="IdentitySyncException">The order does not exist or is not waiting for approval.</exception>
    public Task<ProvisioningOrder> DeclineAsync(long id, string? note = null, CancellationToken cancellationToken = default) =>
        _review.DeclineAsync(id, note, cancellationToken);

    /// <summary>Postpones the review of an order: it stays waiting for approval and leaves the review list until then.</summary>
    /// <param name="id">The order's id.</param>
    /// <param name="until">When it comes back for review.</param>
    /// <param name="note">Why, kept in the history.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The postponed order.</returns>
    /// <exception cref="IdentitySyncException">The order does not exist or is not waiting for approval.</exception>
    public Task<ProvisioningOrder> PostponeAsync(long id, DateTimeOffset until, string? note = null, CancellationToken cancellationToken = default) =>
        _review.PostponeAsync(id, until, note, cancellationToken);

    /// <summary>
    /// Fulfills the pending orders that are due: through the connector's first connection whose package can
    /// fulfill, or as tickets for a person when it has none. Retryable results are tried again later, with a
    /// back-off, up to <see cref="ProvisioningEngineOptions.MaxAttempts"/>. Results of earlier hand-overs are read back first.
    /// </summary>
    /// <param name="cancellationToken">Cancels the pass; orders already handed over keep their state.</param>
    /// <returns>The report.</returns>
    public async Task<FulfillmentReport> FulfillAsync(CancellationToken cancellationToken = default)
    {
        var report = await IdentitySyncTelemetry.RunStageAsync("identitysync.provision.fulfill", "fulfill", _timeProvider, () => FulfillCoreAsync(cancellationToken)).ConfigureAwait(false);
        LogFulfilled(_logger, report.Executed, report.Transmitted, report.Tickets, report.Retrying, report.Failed);
        return report;
    }

    private async Task<FulfillmentReport> FulfillCoreAsync(CancellationToken cancellationToken)
    {
        await ResourceLayout.LearnAsync(_store, cancellationToken).ConfigureAwait(false);
        return await _fulfiller.FulfillAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reports the result of an order handed over earlier and answered <see cref="FulfillmentStatus.Accepted"/>: by a
    /// host's workflow after its own approval, or by a system that confirms later.
    /// </summary>
    /// <param name="result">The result.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The order in its new state (a repository order that succeeded is verified at once).</returns>
    /// <exception cref="IdentitySyncException">The order does not exist or is not transmitted.</exception>
    public Task<ProvisioningOrder> ReportResultAsync(FulfillmentResult result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        return _fulfiller.ReportResultAsync(result, cancellationToken);
    }

    /// <summary>Lists the open tickets: orders a person should apply by hand.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The tickets, oldest first.</returns>
    public Task<IReadOnlyList<ProvisioningOrder>> GetTicketsAsync(CancellationToken cancellationToken = default) =>
        _tickets.OpenAsync(cancellationToken);

    /// <summary>Confirms a ticket done: the order is executed, and verified once a synchronization shows it.</summary>
    /// <param name="id">The order's id.</param>
    /// <param name="note">Who did it, kept in the history.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The executed order.</returns>
    /// <exception cref="IdentitySyncException">The order is not an open ticket.</exception>
    public Task<ProvisioningOrder> CompleteTicketAsync(long id, string? note = null, CancellationToken cancellationToken = default) =>
        _tickets.CompleteAsync(id, note, cancellationToken);

    /// <summary>Reports a ticket failed: the order moves to Error, and generated again while the rules still ask for it.</summary>
    /// <param name="id">The order's id.</param>
    /// <param name="message">What went wrong.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The order, in Error.</returns>
    /// <exception cref="IdentitySyncException">The order is not an open ticket.</exception>
    public Task<ProvisioningOrder> FailTicketAsync(long id, string message, CancellationToken cancellationToken = default) =>
        _tickets.FailAsync(id, message, cancellationToken);

    /// <summary>
    /// Verifies executed orders against the store as the last synchronization and categorization left it:
    /// an order whose values the managed system now shows becomes <see cref="OrderState.Verified"/>. Orders
    /// left transmitted or executed past their type's timeout become <see cref="OrderState.Error"/>.
    /// </summary>
    /// <param name="cancellationToken">Cancels the pass.</param>
    /// <returns>The report.</returns>
    public async Task<VerificationReport> VerifyAsync(CancellationToken cancellationToken = default)
    {
        var report = await IdentitySyncTelemetry.RunStageAsync("identitysync.provision.verify", "verify", _timeProvider, () => VerifyCoreAsync(cancellationToken)).ConfigureAwait(false);
        LogVerified(_logger, report.Verified, report.Waiting, report.TimedOut);
        return report;
    }

    private async Task<VerificationReport> VerifyCoreAsync(CancellationToken cancellationToken)
    {
        await ResourceLayout.LearnAsync(_store, cancellationToken).ConfigureAwait(false);
        return await _verifier.VerifyAsync(cancellationToken).ConfigureAwait(false);
    }
}
