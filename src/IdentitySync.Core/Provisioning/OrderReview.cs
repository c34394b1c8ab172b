using System.Globalization;
using IdentitySync.Orders;
using IdentitySync.Storage;

namespace IdentitySync.Provisioning;

/// <summary>The review of orders a resource type's policy holds for approval: list, approve, decline, postpone.</summary>
/// <param name="store">The order role.</param>
/// <param name="time">The clock.</param>
internal sealed class OrderReview(IOrderStore store, TimeProvider time)
{
    /// <summary>Lists the orders waiting for review, except those postponed to a later time, oldest first.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task<IReadOnlyList<ProvisioningOrder>> ToReviewAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return [.. (await store.GetOrdersAsync(null, [OrderState.AwaitingApproval], cancellationToken).ConfigureAwait(false))
            .Where(o => o.PostponedUntil is null || o.PostponedUntil <= now)];
    }

    /// <summary>Approves an order: it becomes pending and is fulfilled by the next pass.</summary>
    public Task<ProvisioningOrder> ApproveAsync(long id, string? note, CancellationToken cancellationToken) =>
        ReviewAsync(id, o => o.MoveTo(OrderState.Pending, time.GetUtcNow(), "approved" + OrderStoreExtensions.Suffix(note)) with { PostponedUntil = null }, cancellationToken);

    /// <summary>Declines an order: it is never fulfilled.</summary>
    public Task<ProvisioningOrder> DeclineAsync(long id, string? note, CancellationToken cancellationToken) =>
        ReviewAsync(id, o => o.MoveTo(OrderState.Declined, time.GetUtcNow(), "declined" + OrderStoreExtensions.Suffix(note)), cancellationToken);

    /// <summary>Postpones an order's review: it leaves the review list until then.</summary>
    public Task<ProvisioningOrder> PostponeAsync(long id, DateTimeOffset until, string? note, CancellationToken cancellationToken) =>
        ReviewAsync(id, o => o.MoveTo(OrderState.AwaitingApproval, time.GetUtcNow(), $"postponed until {until.ToString("u", CultureInfo.InvariantCulture)}{OrderStoreExtensions.Suffix(note)}") with { PostponedUntil = until }, cancellationToken);

    private async Task<ProvisioningOrder> ReviewAsync(long id, Func<ProvisioningOrder, ProvisioningOrder> change, CancellationToken cancellationToken)
    {
        var order = await store.GetExistingOrderAsync(id, cancellationToken).ConfigureAwait(false);
        if (order.State != OrderState.AwaitingApproval)
        {
            throw new IdentitySyncException($"Order {id} is {order.State}; only orders awaiting approval can be reviewed.");
        }

        var reviewed = change(order);
        await store.SaveOrdersAsync([reviewed], [], cancellationToken).ConfigureAwait(false);
        return reviewed;
    }
}
