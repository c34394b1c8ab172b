using IdentitySync.Connections;
using IdentitySync.Orders;
using IdentitySync.Storage;

namespace IdentitySync.Provisioning;

/// <summary>
/// Hands repository orders (identities) to the internal workflow; what it applies is executed and, being in the
/// repository, verified at once.
/// </summary>
/// <param name="workflow">The internal workflow.</param>
/// <param name="store">The order role.</param>
/// <param name="results">What a result makes of an order.</param>
/// <param name="time">The clock.</param>
internal sealed class RepositoryApplier(IInternalWorkflow workflow, IOrderStore store, OrderResults results, TimeProvider time)
{
    /// <summary>Applies repository orders.</summary>
    /// <param name="orders">Pending repository orders.</param>
    /// <param name="cancellationToken">Cancels the pass; orders handed over stay transmitted.</param>
    /// <returns>The orders in their new state by id, and the ownership notes the workflow gave.</returns>
    public async Task<(Dictionary<long, ProvisioningOrder> Orders, List<OwnershipNote> Notes)> ApplyAsync(List<ProvisioningOrder> orders, CancellationToken cancellationToken)
    {
        var done = new Dictionary<long, ProvisioningOrder>();
        var notes = new List<OwnershipNote>();
        if (orders.Count == 0)
        {
            return (done, notes);
        }

        var handedAt = time.GetUtcNow();
        var handed = orders.Select(o => o.MoveTo(OrderState.Transmitted, handedAt, "handed to the internal workflow") with { Attempts = o.Attempts + 1 }).ToList();
        await store.SaveOrdersAsync(handed, [], cancellationToken).ConfigureAwait(false);
        var answers = (await workflow.ApplyAsync(handed, cancellationToken).ConfigureAwait(false)).GroupBy(static r => r.OrderId).ToDictionary(static g => g.Key, static g => g.Last());
        foreach (var order in handed)
        {
            var result = answers.GetValueOrDefault(order.Id) ?? new FulfillmentResult(order.Id, FulfillmentStatus.NotAttempted, "the internal workflow gave no result for this order");
            notes.AddRange(result.Notes ?? []);
            var (next, outcome) = results.Apply(order, result, time.GetUtcNow());
            done[order.Id] = outcome == OrderState.Executed ? next.MoveTo(OrderState.Verified, time.GetUtcNow(), "applied in the repository") : next;
        }

        await store.SaveOrdersAsync([.. done.Values], [], cancellationToken).ConfigureAwait(false);
        return (done, notes);
    }
}
