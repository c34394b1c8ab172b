using IdentitySync.Categorization;
using IdentitySync.Categorizations;
using IdentitySync.Model;
using IdentitySync.Orders;
using IdentitySync.Storage;

namespace IdentitySync.Provisioning;

/// <summary>
/// Verifies executed orders against the store as the last synchronization and categorization left it: an order
/// whose values the managed system now shows is verified. Then times out the orders waiting too long.
/// </summary>
/// <param name="model">The model.</param>
/// <param name="orders">The order role.</param>
/// <param name="resources">The read role, for the accounts and their links.</param>
/// <param name="categorizations">The categorization role, for the accounts an owner has.</param>
/// <param name="time">The clock.</param>
/// <param name="timeouts">Times out orders waiting too long.</param>
internal sealed class OrderVerifier(IdentityModel model, IOrderStore orders, IResourceReader resources, ICategorizationStore categorizations, TimeProvider time, OrderTimeouts timeouts)
{
    /// <summary>One verification pass.</summary>
    /// <param name="cancellationToken">Cancels the pass.</param>
    /// <returns>The report.</returns>
    public async Task<VerificationReport> VerifyAsync(CancellationToken cancellationToken)
    {
        var executed = await orders.GetOrdersAsync(null, [OrderState.Executed], cancellationToken).ConfigureAwait(false);
        var graph = new ResourceGraph(model, resources);
        var verified = new List<ProvisioningOrder>();
        var accountsOf = new Dictionary<string, ILookup<long, long>>(StringComparer.OrdinalIgnoreCase);
        foreach (var order in executed)
        {
            var type = model.FindResourceType(order.ResourceType);
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
                verified.Add(order.MoveTo(OrderState.Verified, time.GetUtcNow(), "the last synchronization shows the expected values"));
            }
        }

        await orders.SaveOrdersAsync(verified, [], cancellationToken).ConfigureAwait(false);
        var timedOut = await timeouts.TimeOutAsync(cancellationToken).ConfigureAwait(false);
        var waiting = (await orders.GetOrdersAsync(null, [OrderState.Executed], cancellationToken).ConfigureAwait(false)).Count;
        return new VerificationReport { Verified = verified.Count, Waiting = waiting, TimedOut = timedOut };
    }

    /// <summary>Whether an account shows every value and link change an order asked for.</summary>
    private static bool Shows(ResourceType type, ResourceGraph graph, StoredResource account, ProvisioningOrder order)
    {
        var entityType = graph.Model.GetEntityType(type.TargetEntityType);
        foreach (var (property, value) in order.Changes)
        {
            var index = entityType.IndexOf(property);
            var comparison = type.ScalarRules.FirstOrDefault(r => string.Equals(r.Property, property, StringComparison.OrdinalIgnoreCase))?.Comparison ?? ComparisonType.CaseSensitive;
            if (index < 0 || !RuleValues.Same(value, account.ValueAt(entityType, index), comparison))
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

    private async Task<ILookup<long, long>> OwnedAsync(ResourceType type, Dictionary<string, ILookup<long, long>> cache, CancellationToken cancellationToken)
    {
        if (!cache.TryGetValue(type.Name, out var owned))
        {
            owned = (await categorizations.GetCategorizationsAsync(type.TargetEntityType, cancellationToken).ConfigureAwait(false))
                .Where(c => c.OwnerId is not null && string.Equals(c.ResourceType, type.Name, StringComparison.OrdinalIgnoreCase)
                    && c.Status is CategorizationStatus.Correlated or CategorizationStatus.Reviewed)
                .ToLookup(static c => c.OwnerId!.Value, static c => c.ResourceId);
            cache[type.Name] = owned;
        }

        return owned;
    }
}
