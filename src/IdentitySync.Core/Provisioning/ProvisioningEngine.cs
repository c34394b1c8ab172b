using System.Globalization;
using IdentitySync.Categorization;
using IdentitySync.Categorizations;
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
    private static readonly OrderState[] s_waiting = [OrderState.Transmitted, OrderState.Executed];
    private readonly IdentityModel _model;
    private readonly IResourceStore _store;
    private readonly Dictionary<string, IConnectionPackage> _packages;
    private readonly ProvisioningEngineOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly IInternalWorkflow _workflow;
    private readonly SecretRedactor _secrets;
    private readonly ILogger _logger;
    private readonly ILoggerFactory? _loggerFactory;

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
        _model = model;
        _store = store;
        _packages = new Dictionary<string, IConnectionPackage>(StringComparer.OrdinalIgnoreCase);
        foreach (var package in packages ?? [])
        {
            _packages.TryAdd(package.Id, package);
        }

        _options = options ?? new ProvisioningEngineOptions();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _workflow = workflow ?? new RepositoryWorkflow(model, store, _timeProvider);
        _secrets = SecretRedactor.For(model, _packages.Values);
        _logger = logger ?? NullLogger.Instance;
        _loggerFactory = loggerFactory;
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
        options ??= new ProvisioningRunOptions();
        var started = _timeProvider.GetUtcNow();
        var clock = _timeProvider.GetTimestamp();
        var types = options.ResourceTypes is null ? _model.ResourceTypes : [.. options.ResourceTypes.Select(_model.GetResourceType)];
        var toSave = new List<ProvisioningOrder>();
        var states = new List<OwnerProvisioningState>();
        var summaries = new List<ResourceTypeProvisioning>();
        var blocked = new List<ProvisioningOrder>();
        var saved = new List<ProvisioningOrder>();
        var notes = new List<OwnershipNote>();

        // Repository types (identities fed by HR) first: their orders are applied in the repository at once, so that
        // the types owned by those identities see them in the same generation (a joiner's directory account).
        foreach (var group in types.GroupBy(IsRepository).OrderByDescending(static g => g.Key))
        {
            var graph = new ResourceGraph(_model, _store);
            var index = new OrderIndex(await _store.GetOrdersAsync(null, null, cancellationToken).ConfigureAwait(false));
            foreach (var type in group)
            {
                var evaluator = await TypeEvaluator.CreateAsync(_model, type, graph, _store, index, started, cancellationToken).ConfigureAwait(false);
                var previous = (await _store.GetProvisioningStatesAsync(type.Name, cancellationToken).ConfigureAwait(false)).ToDictionary(static s => s.OwnerId);
                var counters = new Counters();
                var orders = new List<ProvisioningOrder>();
                var typeStates = new List<OwnerProvisioningState>();
                int owners = 0, evaluated = 0;
                foreach (var owner in evaluator.Owners)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    owners++;
                    var digest = evaluator.InputDigest(owner);
                    var before = previous.GetValueOrDefault(owner.Id);
                    if (!options.Full && before is not null && before.InputDigest == digest)
                    {
                        continue;
                    }

                    evaluated++;
                    var desired = evaluator.Evaluate(owner);
                    var generated = evaluator.Compare(owner, desired, before, counters).ToList();
                    orders.AddRange(generated);

                    // The state remembers the inputs with this generation's orders in them: unchanged, the next run skips the owner.
                    index.Add(generated);
                    typeStates.Add(evaluator.StateOf(owner, generated.Count == 0 ? digest : evaluator.InputDigest(owner), desired));
                }

                orders.AddRange(evaluator.Orphans(counters));
                var threshold = options.Force ? null : Exceeded(type, orders.Count, evaluator.AccountCount);
                summaries.Add(new ResourceTypeProvisioning
                {
                    Name = type.Name,
                    Owners = owners,
                    Evaluated = evaluated,
                    Added = counters.Added,
                    Modified = counters.Modified,
                    Deleted = counters.Deleted,
                    NonConforming = counters.NonConforming,
                    Gaps = counters.Gaps,
                    WaitingForDependency = counters.WaitingForDependency,
                    WaitingForReview = counters.WaitingForReview,
                    Blocked = threshold is not null,
                    Threshold = threshold,
                    Problems = evaluator.Problems,
                });
                if (threshold is null)
                {
                    toSave.AddRange(orders);
                    states.AddRange(typeStates);
                    notes.AddRange(evaluator.Notes);
                }
                else
                {
                    // Reported, not saved (ids stay 0): the next generation finds the same difference, and Force lets it through.
                    blocked.AddRange(orders);
                }
            }

            if (options.DryRun)
            {
                saved.AddRange(toSave);
            }
            else
            {
                var kept = await _store.SaveOrdersAsync(toSave, states, cancellationToken).ConfigureAwait(false);
                if (group.Key)
                {
                    var (applied, appliedNotes) = await ApplyInternalAsync([.. kept.Where(static o => o.State == OrderState.Pending)], cancellationToken).ConfigureAwait(false);
                    kept = [.. kept.Select(o => applied.GetValueOrDefault(o.Id) ?? o)];
                    notes.AddRange(appliedNotes);
                    if (applied.Count > 0)
                    {
                        // New or changed owners: their existing accounts are correlated before any Added order is considered.
                        await new CategorizationEngine(_model, _store, _timeProvider).CategorizeAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                    }
                }

                saved.AddRange(kept);
            }

            toSave.Clear();
            states.Clear();
        }

        return new ProvisioningReport
        {
            StartedAt = started,
            DryRun = options.DryRun,
            Force = options.Force,
            ResourceTypes = summaries,
            Orders = [.. saved, .. blocked],
            Ownership = notes,
            Duration = _timeProvider.GetElapsedTime(clock),
        };
    }

    /// <summary>Reads orders, oldest first.</summary>
    /// <param name="states">Only orders in these states; all when <see langword="null"/> or empty.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The orders.</returns>
    public async Task<IReadOnlyList<ProvisioningOrder>> GetOrdersAsync(IReadOnlyCollection<OrderState>? states = null, CancellationToken cancellationToken = default) =>
        await _store.GetOrdersAsync(null, states is { Count: > 0 } ? states : null, cancellationToken).ConfigureAwait(false);

    /// <summary>Reads one order.</summary>
    /// <param name="id">The order's id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The order.</returns>
    /// <exception cref="IdentitySyncException">No order has this id.</exception>
    public async Task<ProvisioningOrder> GetOrderAsync(long id, CancellationToken cancellationToken = default) =>
        await _store.GetOrderAsync(id, cancellationToken).ConfigureAwait(false)
        ?? throw new IdentitySyncException($"There is no order {id}; list them with 'orders list'.");

    /// <summary>Lists the orders waiting for review, except those postponed to a later time.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The orders to review, oldest first.</returns>
    public async Task<IReadOnlyList<ProvisioningOrder>> GetOrdersToReviewAsync(CancellationToken cancellationToken = default)
    {
        var now = _timeProvider.GetUtcNow();
        return [.. (await _store.GetOrdersAsync(null, [OrderState.AwaitingApproval], cancellationToken).ConfigureAwait(false))
            .Where(o => o.PostponedUntil is null || o.PostponedUntil <= now)];
    }

    /// <summary>Approves an order waiting for review: it becomes pending and is fulfilled by the next pass.</summary>
    /// <param name="id">The order's id.</param>
    /// <param name="note">Who approved and why, kept in the history.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The approved order.</returns>
    /// <exception cref="IdentitySyncException">The order does not exist or is not waiting for approval.</exception>
    public Task<ProvisioningOrder> ApproveAsync(long id, string? note = null, CancellationToken cancellationToken = default) =>
        ReviewAsync(id, o => o.MoveTo(OrderState.Pending, _timeProvider.GetUtcNow(), "approved" + Suffix(note)) with { PostponedUntil = null }, cancellationToken);

    /// <summary>Declines an order waiting for review: it is never fulfilled, and not generated again while the rules ask the same.</summary>
    /// <param name="id">The order's id.</param>
    /// <param name="note">Who declined and why, kept in the history.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The declined order.</returns>
    /// <exception cref="IdentitySyncException">The order does not exist or is not waiting for approval.</exception>
    public Task<ProvisioningOrder> DeclineAsync(long id, string? note = null, CancellationToken cancellationToken = default) =>
        ReviewAsync(id, o => o.MoveTo(OrderState.Declined, _timeProvider.GetUtcNow(), "declined" + Suffix(note)), cancellationToken);

    /// <summary>Postpones the review of an order: it stays waiting for approval and leaves the review list until then.</summary>
    /// <param name="id">The order's id.</param>
    /// <param name="until">When it comes back for review.</param>
    /// <param name="note">Why, kept in the history.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The postponed order.</returns>
    /// <exception cref="IdentitySyncException">The order does not exist or is not waiting for approval.</exception>
    public Task<ProvisioningOrder> PostponeAsync(long id, DateTimeOffset until, string? note = null, CancellationToken cancellationToken = default) =>
        ReviewAsync(id, o => o.MoveTo(OrderState.AwaitingApproval, _timeProvider.GetUtcNow(), $"postponed until {until.ToString("u", CultureInfo.InvariantCulture)}{Suffix(note)}") with { PostponedUntil = until }, cancellationToken);

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
        int executed = 0, transmitted = 0, tickets = 0, failed = 0, retrying = 0, skipped = 0, collected = 0;
        var now = _timeProvider.GetUtcNow();
        var due = (await _store.GetOrdersAsync(null, [OrderState.Pending], cancellationToken).ConfigureAwait(false))
            .Where(o => o.NextAttemptAt is null || o.NextAttemptAt <= now)
            .ToList();
        var internalOrders = due.Where(o => _model.FindResourceType(o.ResourceType) is { } t && IsRepository(t)).ToList();
        var (appliedInternally, _) = await ApplyInternalAsync(internalOrders, cancellationToken).ConfigureAwait(false);
        executed += appliedInternally.Values.Count(static o => o.State == OrderState.Verified);
        failed += appliedInternally.Values.Count(static o => o.State == OrderState.Error);
        var pending = due.Except(internalOrders).ToLookup(static o => o.Connector, StringComparer.OrdinalIgnoreCase);
        var waiting = (await _store.GetOrdersAsync(null, [OrderState.Transmitted], cancellationToken).ConfigureAwait(false))
            .Where(static o => !o.IsManual)
            .ToLookup(static o => o.Connector, StringComparer.OrdinalIgnoreCase);
        foreach (var connector in _model.Connectors)
        {
            var orders = pending[connector.Name].ToList();
            var handedOver = waiting[connector.Name].ToDictionary(static o => o.Id);
            if (connector.IsDeactivated)
            {
                skipped += orders.Count;
                continue;
            }

            var fulfiller = FulfillerOf(connector, cancellationToken);

            // A connection the package made for this pass is disposed at its end (an LDAP session, an open file).
            await using var lease = new Lease(fulfiller).ConfigureAwait(false);
            if (fulfiller is not null && handedOver.Count > 0)
            {
                var results = await fulfiller.CollectResultsAsync(cancellationToken).ConfigureAwait(false);
                var updated = new List<ProvisioningOrder>();
                foreach (var result in results)
                {
                    if (handedOver.TryGetValue(result.OrderId, out var order))
                    {
                        var (next, outcome) = Apply(order, result, _timeProvider.GetUtcNow());
                        updated.Add(next);
                        collected++;
                        executed += outcome == OrderState.Executed ? 1 : 0;
                        failed += outcome == OrderState.Error ? 1 : 0;
                    }
                }

                await _store.SaveOrdersAsync(updated, [], cancellationToken).ConfigureAwait(false);
            }

            if (orders.Count == 0)
            {
                continue;
            }

            if (fulfiller is null)
            {
                var at = _timeProvider.GetUtcNow();
                var opened = orders.Select(o => o.MoveTo(OrderState.Transmitted, at, $"ticket opened: {connector.Name} has no connection that fulfills orders, so a person applies it") with { IsManual = true }).ToList();
                await _store.SaveOrdersAsync(opened, [], cancellationToken).ConfigureAwait(false);
                tickets += opened.Count;
                continue;
            }

            // Saved as handed over before the connection sees them: a crash now leaves them transmitted (and, past the
            // timeout, in error for a person to check) rather than sending them twice.
            var handedAt = _timeProvider.GetUtcNow();
            var attempted = orders.Select(o => o.MoveTo(OrderState.Transmitted, handedAt, $"handed to {connector.Name}") with { Attempts = o.Attempts + 1 }).ToList();
            await _store.SaveOrdersAsync(attempted, [], cancellationToken).ConfigureAwait(false);
            IReadOnlyList<FulfillmentResult> answers;
            try
            {
                var requests = await new FulfillmentRequestBuilder(_model, _store).BuildAsync(connector, attempted, cancellationToken).ConfigureAwait(false);
                answers = await fulfiller.FulfillAsync(requests, cancellationToken).ConfigureAwait(false);
            }
            catch (ConnectionException exception)
            {
                answers = [.. attempted.Select(o => new FulfillmentResult(o.Id, FulfillmentStatus.NotAttempted, exception.Message))];
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Anything else a connection or an order writer throws (a bug, a full disk) is that batch's result,
                // tried again with the back-off like a connection error, and in Error once the attempts run out:
                // never an order left transmitted until its timeout.
                var reason = $"the connection failed: {exception.Message} ({exception.GetType().Name})";
                answers = [.. attempted.Select(o => new FulfillmentResult(o.Id, FulfillmentStatus.NotAttempted, reason))];
            }

            var byId = answers.GroupBy(static a => a.OrderId).ToDictionary(static g => g.Key, static g => g.Last());
            var done = new List<ProvisioningOrder>();
            foreach (var order in attempted)
            {
                var result = byId.GetValueOrDefault(order.Id) ?? new FulfillmentResult(order.Id, FulfillmentStatus.NotAttempted, "the connection gave no result for this order");
                var (next, outcome) = Apply(order, result, _timeProvider.GetUtcNow());
                done.Add(next);
                switch (outcome)
                {
                    case OrderState.Executed: executed++; break;
                    case OrderState.Transmitted: transmitted++; break;
                    case OrderState.Error: failed++; break;
                    default: retrying++; break;
                }
            }

            await _store.SaveOrdersAsync(done, [], cancellationToken).ConfigureAwait(false);
        }

        var timedOut = await TimeOutAsync(cancellationToken).ConfigureAwait(false);
        return new FulfillmentReport
        {
            Executed = executed,
            Transmitted = transmitted,
            Tickets = tickets,
            Failed = failed,
            Retrying = retrying,
            Skipped = skipped,
            Collected = collected,
            TimedOut = timedOut,
        };
    }

    /// <summary>
    /// Reports the result of an order handed over earlier and answered <see cref="FulfillmentStatus.Accepted"/>: by a
    /// host's workflow after its own approval, or by a system that confirms later.
    /// </summary>
    /// <param name="result">The result.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The order in its new state (a repository order that succeeded is verified at once).</returns>
    /// <exception cref="IdentitySyncException">The order does not exist or is not transmitted.</exception>
    public async Task<ProvisioningOrder> ReportResultAsync(FulfillmentResult result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        var order = await GetOrderAsync(result.OrderId, cancellationToken).ConfigureAwait(false);
        if (order.State != OrderState.Transmitted)
        {
            throw new IdentitySyncException($"Order {order.Id} is {order.State}; only a transmitted order takes a result.");
        }

        var (next, outcome) = Apply(order, result, _timeProvider.GetUtcNow());
        var type = _model.FindResourceType(order.ResourceType);
        if (outcome == OrderState.Executed && type is not null && IsRepository(type))
        {
            next = next.MoveTo(OrderState.Verified, _timeProvider.GetUtcNow(), "applied in the repository");
        }

        await _store.SaveOrdersAsync([next], [], cancellationToken).ConfigureAwait(false);
        return next;
    }

    /// <summary>Lists the open tickets: orders a person should apply by hand.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The tickets, oldest first.</returns>
    public async Task<IReadOnlyList<ProvisioningOrder>> GetTicketsAsync(CancellationToken cancellationToken = default) =>
        [.. (await _store.GetOrdersAsync(null, [OrderState.Transmitted], cancellationToken).ConfigureAwait(false)).Where(static o => o.IsManual)];

    /// <summary>Confirms a ticket done: the order is executed, and verified once a synchronization shows it.</summary>
    /// <param name="id">The order's id.</param>
    /// <param name="note">Who did it, kept in the history.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The executed order.</returns>
    /// <exception cref="IdentitySyncException">The order is not an open ticket.</exception>
    public Task<ProvisioningOrder> CompleteTicketAsync(long id, string? note = null, CancellationToken cancellationToken = default) =>
        TicketAsync(id, o => o.MoveTo(OrderState.Executed, _timeProvider.GetUtcNow(), "done by hand" + Suffix(note)), cancellationToken);

    /// <summary>Reports a ticket failed: the order moves to Error, and generated again while the rules still ask for it.</summary>
    /// <param name="id">The order's id.</param>
    /// <param name="message">What went wrong.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The order, in Error.</returns>
    /// <exception cref="IdentitySyncException">The order is not an open ticket.</exception>
    public Task<ProvisioningOrder> FailTicketAsync(long id, string message, CancellationToken cancellationToken = default) =>
        TicketAsync(id, o => o.MoveTo(OrderState.Error, _timeProvider.GetUtcNow(), "failed by hand: " + message), cancellationToken);

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
        var executed = await _store.GetOrdersAsync(null, [OrderState.Executed], cancellationToken).ConfigureAwait(false);
        var graph = new ResourceGraph(_model, _store);
        var verified = new List<ProvisioningOrder>();
        var accountsOf = new Dictionary<string, ILookup<long, long>>(StringComparer.OrdinalIgnoreCase);
        foreach (var order in executed)
        {
            var type = _model.FindResourceType(order.ResourceType);
            if (type is null)
            {
                continue;
            }

            var accounts = await graph.ResourcesAsync(type.TargetEntityType, cancellationToken).ConfigureAwait(false);
            foreach (var navigation in order.Navigation.Keys)
            {
                await graph.PrepareNavigationAsync(type.TargetEntityType, navigation, cancellationToken).ConfigureAwait(false);
            }

            var observed = order.ChangeType switch
            {
                OrderChangeType.Deleted => order.Resource is { } gone && !accounts.ContainsKey(gone.Id),
                OrderChangeType.Modified => order.Resource is { } changed && accounts.TryGetValue(changed.Id, out var account) && Shows(type, graph, account, order),
                _ => order.Owner is { } owner && (await OwnedAsync(type, accountsOf, cancellationToken).ConfigureAwait(false))[owner.Id]
                    .Any(id => accounts.TryGetValue(id, out var created) && Shows(type, graph, created, order)),
            };
            if (observed)
            {
                verified.Add(order.MoveTo(OrderState.Verified, _timeProvider.GetUtcNow(), "the last synchronization shows the expected values"));
            }
        }

        await _store.SaveOrdersAsync(verified, [], cancellationToken).ConfigureAwait(false);
        var timedOut = await TimeOutAsync(cancellationToken).ConfigureAwait(false);
        var waiting = (await _store.GetOrdersAsync(null, [OrderState.Executed], cancellationToken).ConfigureAwait(false)).Count;
        return new VerificationReport { Verified = verified.Count, Waiting = waiting, TimedOut = timedOut };
    }

    private bool IsRepository(ResourceType type) => _model.IsRepositoryType(type.TargetEntityType);

    /// <summary>Hands repository orders to the internal workflow; what it applies is executed and, being in the repository, verified.</summary>
    private async Task<(Dictionary<long, ProvisioningOrder> Orders, List<OwnershipNote> Notes)> ApplyInternalAsync(List<ProvisioningOrder> orders, CancellationToken cancellationToken)
    {
        var done = new Dictionary<long, ProvisioningOrder>();
        var notes = new List<OwnershipNote>();
        if (orders.Count == 0)
        {
            return (done, notes);
        }

        var handedAt = _timeProvider.GetUtcNow();
        var handed = orders.Select(o => o.MoveTo(OrderState.Transmitted, handedAt, "handed to the internal workflow") with { Attempts = o.Attempts + 1 }).ToList();
        await _store.SaveOrdersAsync(handed, [], cancellationToken).ConfigureAwait(false);
        var results = (await _workflow.ApplyAsync(handed, cancellationToken).ConfigureAwait(false)).GroupBy(static r => r.OrderId).ToDictionary(static g => g.Key, static g => g.Last());
        foreach (var order in handed)
        {
            var result = results.GetValueOrDefault(order.Id) ?? new FulfillmentResult(order.Id, FulfillmentStatus.NotAttempted, "the internal workflow gave no result for this order");
            notes.AddRange(result.Notes ?? []);
            var (next, outcome) = Apply(order, result, _timeProvider.GetUtcNow());
            done[order.Id] = outcome == OrderState.Executed ? next.MoveTo(OrderState.Verified, _timeProvider.GetUtcNow(), "applied in the repository") : next;
        }

        await _store.SaveOrdersAsync([.. done.Values], [], cancellationToken).ConfigureAwait(false);
        return (done, notes);
    }

    private static string Suffix(string? note) => string.IsNullOrWhiteSpace(note) ? string.Empty : ": " + note;

    private static string? Exceeded(ResourceType type, int orders, int resources)
    {
        var limits = type.Policies.Thresholds;
        if (limits.MaxOrders > 0 && orders > limits.MaxOrders)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{orders} orders exceed MaxOrders {limits.MaxOrders}");
        }

        if (limits.MaxOrdersPercent > 0 && resources > 0 && orders * 100.0 / resources > limits.MaxOrdersPercent)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{orders} orders for {resources} resources ({Math.Round(orders * 100.0 / resources, 2)} %) exceed MaxOrdersPercent {limits.MaxOrdersPercent} %");
        }

        return null;
    }

    private static bool Shows(ResourceType type, ResourceGraph graph, Storage.StoredResource account, ProvisioningOrder order)
    {
        var entityType = graph.Model.GetEntityType(type.TargetEntityType);
        foreach (var (property, value) in order.Changes)
        {
            var index = entityType.IndexOf(property);
            var comparison = type.ScalarRules.FirstOrDefault(r => string.Equals(r.Property, property, StringComparison.OrdinalIgnoreCase))?.Comparison ?? ComparisonType.CaseSensitive;
            if (index < 0 || !TypeEvaluator.Same(value, account.ValueAt(entityType, index), comparison))
            {
                return false;
            }
        }

        foreach (var (navigation, change) in order.Navigation)
        {
            var linked = graph.Linked(account, navigation).Select(static r => r.Key).ToHashSet(StringComparer.Ordinal);
            if (!change.Added.All(linked.Contains) || change.Removed.Any(linked.Contains))
            {
                return false;
            }
        }

        return true;
    }

    private (ProvisioningOrder Order, OrderState Outcome) Apply(ProvisioningOrder order, FulfillmentResult result, DateTimeOffset at)
    {
        var applied = ApplyResult(order, result, at);
        IdentitySyncTelemetry.Orders.Add(1, IdentitySyncTelemetry.Tag("identitysync.resource_type", order.ResourceType), IdentitySyncTelemetry.Tag("identitysync.state", applied.Order.State.ToString()));
        if (applied.Order.State is OrderState.Error or OrderState.Pending)
        {
            // The message may name the account (a DN, a login): it is logged at Debug only.
            LogOrderNotDone(_logger, order.Id, order.ResourceType, applied.Order.State, result.Status);
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                var said = _secrets.Redact(result.Message);
                LogOrderMessage(_logger, order.Id, said);
            }
        }

        return applied;
    }

    private (ProvisioningOrder Order, OrderState Outcome) ApplyResult(ProvisioningOrder order, FulfillmentResult result, DateTimeOffset at)
    {
        // Whatever a connection says is kept in the order's history: never with one of its secrets.
        var message = result.Message is null ? string.Empty : ": " + _secrets.Redact(result.Message);
        switch (result.Status)
        {
            case FulfillmentStatus.Succeeded:
                return (Through(order, at).MoveTo(OrderState.Executed, at, "applied" + message), OrderState.Executed);
            case FulfillmentStatus.AlreadyExists when order.ChangeType == OrderChangeType.Added:
                return (Through(order, at).MoveTo(OrderState.Executed, at, "already existed; verification compares its values" + message), OrderState.Executed);
            case FulfillmentStatus.NotFound when order.ChangeType == OrderChangeType.Deleted:
                return (Through(order, at).MoveTo(OrderState.Executed, at, "already gone" + message), OrderState.Executed);
            case FulfillmentStatus.Accepted:
                return (order.State == OrderState.Transmitted ? order with { Message = result.Message ?? order.Message } : order.MoveTo(OrderState.Transmitted, at, "handed over; waiting for its result" + message), OrderState.Transmitted);
            case FulfillmentStatus.Failed:
            case FulfillmentStatus.NotFound:
            case FulfillmentStatus.AlreadyExists:
                return (Through(order, at).MoveTo(OrderState.Error, at, result.Status + message), OrderState.Error);
            default:
                if (order.Attempts >= _options.MaxAttempts)
                {
                    return (Through(order, at).MoveTo(OrderState.Error, at, string.Create(CultureInfo.InvariantCulture, $"gave up after {order.Attempts} attempts; last: {result.Status}{message}")), OrderState.Error);
                }

                var delay = _options.RetryDelay * Math.Pow(2, Math.Max(0, order.Attempts - 1));
                var retryAt = at + delay;
                return (order.MoveTo(OrderState.Pending, at, $"{result.Status}{message}; tried again from {retryAt.ToString("u", CultureInfo.InvariantCulture)}") with { NextAttemptAt = retryAt }, OrderState.Pending);
        }

        static ProvisioningOrder Through(ProvisioningOrder order, DateTimeOffset at) =>
            order.State == OrderState.Transmitted ? order : order.MoveTo(OrderState.Transmitted, at, "handed over");
    }

    private async Task<ILookup<long, long>> OwnedAsync(ResourceType type, Dictionary<string, ILookup<long, long>> cache, CancellationToken cancellationToken)
    {
        if (!cache.TryGetValue(type.Name, out var owned))
        {
            owned = (await _store.GetCategorizationsAsync(type.TargetEntityType, cancellationToken).ConfigureAwait(false))
                .Where(c => c.OwnerId is not null && string.Equals(c.ResourceType, type.Name, StringComparison.OrdinalIgnoreCase)
                    && c.Status is CategorizationStatus.Correlated or CategorizationStatus.Reviewed)
                .ToLookup(static c => c.OwnerId!.Value, static c => c.ResourceId);
            cache[type.Name] = owned;
        }

        return owned;
    }

    private IFulfillConnection? FulfillerOf(Connector connector, CancellationToken cancellationToken)
    {
        foreach (var connection in connector.Connections)
        {
            if (!connection.IsFulfillDeactivated && _packages.TryGetValue(connection.Package, out var package) && package.Capabilities.HasFlag(ConnectionCapabilities.Fulfill))
            {
                return package.CreateFulfillConnection(
                    connection,
                    ConnectionContext.For(connector.Name, _options.BaseDirectory, _timeProvider, package, _loggerFactory, cancellationToken));
            }
        }

        return null;
    }

    private async Task<int> TimeOutAsync(CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var stuck = new List<ProvisioningOrder>();
        foreach (var order in await _store.GetOrdersAsync(null, s_waiting, cancellationToken).ConfigureAwait(false))
        {
            var timeout = _model.FindResourceType(order.ResourceType)?.Policies.TransmittedTimeout;
            if (timeout is { } limit && now - order.StateChangedAt > limit)
            {
                stuck.Add(order.MoveTo(OrderState.Error, now, string.Create(CultureInfo.InvariantCulture, $"still {order.State} after {limit} (the TransmittedTimeout of {order.ResourceType})")));
            }
        }

        await _store.SaveOrdersAsync(stuck, [], cancellationToken).ConfigureAwait(false);
        return stuck.Count;
    }

    private async Task<ProvisioningOrder> ReviewAsync(long id, Func<ProvisioningOrder, ProvisioningOrder> change, CancellationToken cancellationToken)
    {
        var order = await GetOrderAsync(id, cancellationToken).ConfigureAwait(false);
        if (order.State != OrderState.AwaitingApproval)
        {
            throw new IdentitySyncException($"Order {id} is {order.State}; only orders awaiting approval can be reviewed.");
        }

        var reviewed = change(order);
        await _store.SaveOrdersAsync([reviewed], [], cancellationToken).ConfigureAwait(false);
        return reviewed;
    }

    private async Task<ProvisioningOrder> TicketAsync(long id, Func<ProvisioningOrder, ProvisioningOrder> change, CancellationToken cancellationToken)
    {
        var order = await GetOrderAsync(id, cancellationToken).ConfigureAwait(false);
        if (!order.IsManual || order.State != OrderState.Transmitted)
        {
            throw new IdentitySyncException($"Order {id} is not an open ticket (it is {order.State}{(order.IsManual ? string.Empty : ", fulfilled by a connection")}); list them with 'tickets list'.");
        }

        var handled = change(order);
        await _store.SaveOrdersAsync([handled], [], cancellationToken).ConfigureAwait(false);
        return handled;
    }
}
