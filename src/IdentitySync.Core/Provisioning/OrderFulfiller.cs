using IdentitySync.Connections;
using IdentitySync.Model;
using IdentitySync.Orders;
using IdentitySync.Storage;
using Microsoft.Extensions.Logging;

namespace IdentitySync.Provisioning;

/// <summary>
/// Fulfills the pending orders that are due: repository orders through the internal workflow, the others
/// through their connector's first connection whose package can fulfill, or as tickets for a person when it
/// has none. Reads back the results of earlier hand-overs first, and times out orders waiting too long.
/// </summary>
internal sealed class OrderFulfiller(
    IdentityModel model,
    IOrderStore orders,
    IResourceReader resources,
    IReadOnlyDictionary<string, IConnectionPackage> packages,
    ProvisioningEngineOptions options,
    TimeProvider time,
    ILoggerFactory? loggerFactory,
    OrderResults results,
    RepositoryApplier repository,
    OrderTimeouts timeouts)
{
    /// <summary>One fulfillment pass.</summary>
    /// <param name="cancellationToken">Cancels the pass; orders already handed over keep their state.</param>
    /// <returns>The report.</returns>
    public async Task<FulfillmentReport> FulfillAsync(CancellationToken cancellationToken)
    {
        int executed = 0, transmitted = 0, tickets = 0, failed = 0, retrying = 0, skipped = 0, collected = 0;
        var now = time.GetUtcNow();
        var due = (await orders.GetOrdersAsync(null, [OrderState.Pending], cancellationToken).ConfigureAwait(false))
            .Where(o => o.NextAttemptAt is null || o.NextAttemptAt <= now)
            .ToList();
        var internalOrders = due.Where(o => model.FindResourceType(o.ResourceType) is { } t && model.IsRepositoryType(t.TargetEntityType)).ToList();
        var (appliedInternally, _) = await repository.ApplyAsync(internalOrders, cancellationToken).ConfigureAwait(false);
        executed += appliedInternally.Values.Count(static o => o.State == OrderState.Verified);
        failed += appliedInternally.Values.Count(static o => o.State == OrderState.Error);
        var pending = due.Except(internalOrders).ToLookup(static o => o.Connector, StringComparer.OrdinalIgnoreCase);
        var waiting = (await orders.GetOrdersAsync(null, [OrderState.Transmitted], cancellationToken).ConfigureAwait(false))
            .Where(static o => !o.IsManual)
            .ToLookup(static o => o.Connector, StringComparer.OrdinalIgnoreCase);
        foreach (var connector in model.Connectors)
        {
            var toFulfill = pending[connector.Name].ToList();
            var handedOver = waiting[connector.Name].ToDictionary(static o => o.Id);
            if (connector.IsDeactivated)
            {
                skipped += toFulfill.Count;
                continue;
            }

            var fulfiller = FulfillerOf(connector, cancellationToken);

            // A connection the package made for this pass is disposed at its end (an LDAP session, an open file).
            await using var lease = new Lease(fulfiller).ConfigureAwait(false);
            if (fulfiller is not null && handedOver.Count > 0)
            {
                var answers = await fulfiller.CollectResultsAsync(cancellationToken).ConfigureAwait(false);
                var updated = new List<ProvisioningOrder>();
                foreach (var result in answers)
                {
                    if (handedOver.TryGetValue(result.OrderId, out var order))
                    {
                        var (next, outcome) = results.Apply(order, result, time.GetUtcNow());
                        updated.Add(next);
                        collected++;
                        executed += outcome == OrderState.Executed ? 1 : 0;
                        failed += outcome == OrderState.Error ? 1 : 0;
                    }
                }

                await orders.SaveOrdersAsync(updated, [], cancellationToken).ConfigureAwait(false);
            }

            if (toFulfill.Count == 0)
            {
                continue;
            }

            if (fulfiller is null)
            {
                var at = time.GetUtcNow();
                var opened = toFulfill.Select(o => o.MoveTo(OrderState.Transmitted, at, $"ticket opened: {connector.Name} has no connection that fulfills orders, so a person applies it") with { IsManual = true }).ToList();
                await orders.SaveOrdersAsync(opened, [], cancellationToken).ConfigureAwait(false);
                tickets += opened.Count;
                continue;
            }

            // Saved as handed over before the connection sees them: a crash now leaves them transmitted (and, past the
            // timeout, in error for a person to check) rather than sending them twice.
            var handedAt = time.GetUtcNow();
            var attempted = toFulfill.Select(o => o.MoveTo(OrderState.Transmitted, handedAt, $"handed to {connector.Name}") with { Attempts = o.Attempts + 1 }).ToList();
            await orders.SaveOrdersAsync(attempted, [], cancellationToken).ConfigureAwait(false);
            IReadOnlyList<FulfillmentResult> said;
            try
            {
                var requests = await new FulfillmentRequestBuilder(model, resources).BuildAsync(connector, attempted, cancellationToken).ConfigureAwait(false);
                said = await fulfiller.FulfillAsync(requests, cancellationToken).ConfigureAwait(false);
            }
            catch (ConnectionException exception)
            {
                said = [.. attempted.Select(o => new FulfillmentResult(o.Id, FulfillmentStatus.NotAttempted, exception.Message))];
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Anything else a connection or an order writer throws (a bug, a full disk) is that batch's result,
                // tried again with the back-off like a connection error, and in Error once the attempts run out:
                // never an order left transmitted until its timeout.
                var reason = $"the connection failed: {exception.Message} ({exception.GetType().Name})";
                said = [.. attempted.Select(o => new FulfillmentResult(o.Id, FulfillmentStatus.NotAttempted, reason))];
            }

            var byId = said.GroupBy(static a => a.OrderId).ToDictionary(static g => g.Key, static g => g.Last());
            var done = new List<ProvisioningOrder>();
            foreach (var order in attempted)
            {
                var result = byId.GetValueOrDefault(order.Id) ?? new FulfillmentResult(order.Id, FulfillmentStatus.NotAttempted, "the connection gave no result for this order");
                var (next, outcome) = results.Apply(order, result, time.GetUtcNow());
                done.Add(next);
                switch (outcome)
                {
                    case OrderState.Executed: executed++; break;
                    case OrderState.Transmitted: transmitted++; break;
                    case OrderState.Error: failed++; break;
                    default: retrying++; break;
                }
            }

            await orders.SaveOrdersAsync(done, [], cancellationToken).ConfigureAwait(false);
        }

        var timedOut = await timeouts.TimeOutAsync(cancellationToken).ConfigureAwait(false);
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

    /// <summary>Takes the result of an order handed over earlier and answered Accepted.</summary>
    /// <param name="result">The result.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The order in its new state (a repository order that succeeded is verified at once).</returns>
    /// <exception cref="IdentitySyncException">The order does not exist or is not transmitted.</exception>
    public async Task<ProvisioningOrder> ReportResultAsync(FulfillmentResult result, CancellationToken cancellationToken)
    {
        var order = await orders.GetExistingOrderAsync(result.OrderId, cancellationToken).ConfigureAwait(false);
        if (order.State != OrderState.Transmitted)
        {
            throw new IdentitySyncException($"Order {order.Id} is {order.State}; only a transmitted order takes a result.");
        }

        var (next, outcome) = results.Apply(order, result, time.GetUtcNow());
        var type = model.FindResourceType(order.ResourceType);
        if (outcome == OrderState.Executed && type is not null && model.IsRepositoryType(type.TargetEntityType))
        {
            next = next.MoveTo(OrderState.Verified, time.GetUtcNow(), "applied in the repository");
        }

        await orders.SaveOrdersAsync([next], [], cancellationToken).ConfigureAwait(false);
        return next;
    }

    private IFulfillConnection? FulfillerOf(Connector connector, CancellationToken cancellationToken)
    {
        foreach (var connection in connector.Connections)
        {
            if (!connection.IsFulfillDeactivated && packages.TryGetValue(connection.Package, out var package) && package.Capabilities.HasFlag(ConnectionCapabilities.Fulfill))
            {
                return package.CreateFulfillConnection(
                    connection,
                    ConnectionContext.For(connector.Name, options.BaseDirectory, time, package, loggerFactory, cancellationToken));
            }
        }

        return null;
    }

    /// <summary>Disposes a fulfil connection, however the pass over its connector ends.</summary>
    private readonly struct Lease(IFulfillConnection? connection) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => connection?.DisposeAsync() ?? ValueTask.CompletedTask;
    }
}
