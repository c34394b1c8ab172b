using System.Globalization;
using IdentitySync.Model;
using IdentitySync.Orders;
using IdentitySync.Storage;

namespace IdentitySync.Provisioning;

/// <summary>Moves to Error the orders left transmitted or executed past their resource type's TransmittedTimeout.</summary>
/// <param name="model">The model, with each type's timeout.</param>
/// <param name="store">The order role.</param>
/// <param name="time">The clock.</param>
internal sealed class OrderTimeouts(IdentityModel model, IOrderStore store, TimeProvider time)
{
    private static readonly OrderState[] s_waiting = [OrderState.Transmitted, OrderState.Executed];

    /// <summary>Times out the orders waiting too long.</summary>
    /// <param name="cancellationToken">Cancels the pass.</param>
    /// <returns>The number of orders timed out.</returns>
    public async Task<int> TimeOutAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var stuck = new List<ProvisioningOrder>();
        foreach (var order in await store.GetOrdersAsync(null, s_waiting, cancellationToken).ConfigureAwait(false))
        {
            var timeout = model.FindResourceType(order.ResourceType)?.Policies.TransmittedTimeout;
            if (timeout is { } limit && now - order.StateChangedAt > limit)
            {
                stuck.Add(order.MoveTo(OrderState.Error, now, string.Create(CultureInfo.InvariantCulture, $"still {order.State} after {limit} (the TransmittedTimeout of {order.ResourceType})")));
            }
        }

        await store.SaveOrdersAsync(stuck, [], cancellationToken).ConfigureAwait(false);
        return stuck.Count;
    }
}
