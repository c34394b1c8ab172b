using IdentitySync.Orders;

namespace IdentitySync.Connections;

/// <summary>The fulfil facet of a connection: applies provisioning orders to the managed system.</summary>
public interface IFulfillConnection
{
    /// <summary>Applies orders; each order gets one result.</summary>
    /// <param name="orders">The orders of one connector, oldest first.</param>
    /// <param name="cancellationToken">Stops the work; orders without a result are tried again later.</param>
    /// <returns>One result per order, by <see cref="FulfillmentResult.OrderId"/>; an order without one counts as <see cref="FulfillmentStatus.NotAttempted"/>.</returns>
    ValueTask<IReadOnlyList<FulfillmentResult>> FulfillAsync(IReadOnlyList<ProvisioningOrder> orders, CancellationToken cancellationToken);

    /// <summary>Reads the results of orders handed over earlier with <see cref="FulfillmentStatus.Accepted"/> (a script's results file).</summary>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The results that came back since the last call; empty for connections that answer at once.</returns>
    ValueTask<IReadOnlyList<FulfillmentResult>> CollectResultsAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<FulfillmentResult>>([]);
}
