using IdentitySync.Orders;
using IdentitySync.Storage;

namespace IdentitySync.Provisioning;

/// <summary>Reads of the order role that the provisioning stages share.</summary>
internal static class OrderStoreExtensions
{
    /// <summary>Reads an order that must exist.</summary>
    /// <param name="store">The order role.</param>
    /// <param name="id">The order's id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="IdentitySyncException">No order has this id.</exception>
    public static async Task<ProvisioningOrder> GetExistingOrderAsync(this IOrderStore store, long id, CancellationToken cancellationToken) =>
        await store.GetOrderAsync(id, cancellationToken).ConfigureAwait(false)
        ?? throw new IdentitySyncException($"There is no order {id}; list them with 'orders list'.");

    /// <summary>A reviewer's or operator's note as the history shows it after what was done.</summary>
    public static string Suffix(string? note) => string.IsNullOrWhiteSpace(note) ? string.Empty : ": " + note;
}
