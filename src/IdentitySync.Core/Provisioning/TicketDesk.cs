using IdentitySync.Orders;
using IdentitySync.Storage;

namespace IdentitySync.Provisioning;

/// <summary>
/// Tickets: orders of connectors with no connection that fulfills, which a person applies by hand and then
/// reports done or failed. The fulfiller opens them.
/// </summary>
/// <param name="store">The order role.</param>
/// <param name="time">The clock.</param>
internal sealed class TicketDesk(IOrderStore store, TimeProvider time)
{
    /// <summary>Lists the open tickets, oldest first.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task<IReadOnlyList<ProvisioningOrder>> OpenAsync(CancellationToken cancellationToken) =>
        [.. (await store.GetOrdersAsync(null, [OrderState.Transmitted], cancellationToken).ConfigureAwait(false)).Where(static o => o.IsManual)];

    /// <summary>Confirms a ticket done: the order is executed, and verified once a synchronization shows it.</summary>
    public Task<ProvisioningOrder> CompleteAsync(long id, string? note, CancellationToken cancellationToken) =>
        HandleAsync(id, o => o.MoveTo(OrderState.Executed, time.GetUtcNow(), "done by hand" + OrderStoreExtensions.Suffix(note)), cancellationToken);

    /// <summary>Reports a ticket failed: the order moves to Error.</summary>
    public Task<ProvisioningOrder> FailAsync(long id, string message, CancellationToken cancellationToken) =>
        HandleAsync(id, o => o.MoveTo(OrderState.Error, time.GetUtcNow(), "failed by hand: " + message), cancellationToken);

    private async Task<ProvisioningOrder> HandleAsync(long id, Func<ProvisioningOrder, ProvisioningOrder> change, CancellationToken cancellationToken)
    {
        var order = await store.GetExistingOrderAsync(id, cancellationToken).ConfigureAwait(false);
        if (!order.IsManual || order.State != OrderState.Transmitted)
        {
            throw new IdentitySyncException($"Order {id} is not an open ticket (it is {order.State}{(order.IsManual ? string.Empty : ", fulfilled by a connection")}); list them with 'tickets list'.");
        }

        var handled = change(order);
        await store.SaveOrdersAsync([handled], [], cancellationToken).ConfigureAwait(false);
        return handled;
    }
}
