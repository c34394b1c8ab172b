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
    public static async Task<ProvisioningOrder> GetExistingOrderAsync(this IOrderStore store, long id, CancellationToken cancellationToken)
    {
        if (await store.GetOrderAsync(id, cancellationToken).ConfigureAwait(false) is { } order)
        {
            return order;
        }

        throw await store.FindArchivedOrderAsync(id, cancellationToken).ConfigureAwait(false) is { } archived
            ? new IdentitySyncException($"Order {id} is archived: it ended {archived.State} and can no longer change; 'orders show {id}' reads it.")
            : NoSuchOrder(id);
    }

    /// <summary>The error for an id no order has, working or archived.</summary>
    /// <param name="id">The id asked for.</param>
    /// <returns>The exception to throw.</returns>
    public static IdentitySyncException NoSuchOrder(long id) => new($"There is no order {id}; list them with 'orders list'.");

    /// <summary>Finds an archived order by id (the archive's first page after the id before it).</summary>
    /// <param name="store">The order role.</param>
    /// <param name="id">The order's id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The archived order, or null.</returns>
    public static async Task<ProvisioningOrder?> FindArchivedOrderAsync(this IOrderStore store, long id, CancellationToken cancellationToken) =>
        await store.GetArchivedOrdersAsync(null, id - 1, 1, cancellationToken).ConfigureAwait(false) is [var order] && order.Id == id ? order : null;

    /// <summary>A reviewer's or operator's note as the history shows it after what was done.</summary>
    public static string Suffix(string? note) => string.IsNullOrWhiteSpace(note) ? string.Empty : ": " + note;
}
