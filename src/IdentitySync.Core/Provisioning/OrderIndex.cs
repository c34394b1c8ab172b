using IdentitySync.Orders;
using IdentitySync.Rules;

namespace IdentitySync.Provisioning;

/// <summary>The orders already known, indexed for deduplication: what is in flight or declined, and what failed last.</summary>
internal sealed class OrderIndex
{
    private readonly HashSet<(long Resource, string Property, string Value)> _held = [];
    private readonly HashSet<(string Type, long Owner)> _added = [];
    private readonly HashSet<long> _deleted = [];
    private readonly Dictionary<(long Resource, string Property), OrderState> _last = [];
    private readonly Dictionary<long, ulong> _byResource = [];
    private readonly Dictionary<(string Type, long Owner), ulong> _byOwner = [];

    public OrderIndex(IEnumerable<ProvisioningOrder> orders) => Add(orders.OrderBy(static o => o.Id));

    /// <summary>Takes in orders, oldest first: those already saved, then those of the current generation.</summary>
    public void Add(IEnumerable<ProvisioningOrder> orders)
    {
        foreach (var order in orders)
        {
            var holds = order.IsInFlight || order.State == OrderState.Declined;

            // What an order is, not its id: a generation's own orders count the same before and after they are saved.
            var stateDigest = Internal.Xxh64.Hash(
                System.Text.Encoding.UTF8.GetBytes($"{order.ChangeType}|{order.Kind}|{order.Resource?.Id}|{order.CreatedAt.UtcTicks}"),
                (ulong)order.State + 1);
            if (order.Resource is { } ordered)
            {
                _byResource[ordered.Id] = _byResource.GetValueOrDefault(ordered.Id) + stateDigest;
            }

            if (order.Owner is { } orderedFor)
            {
                var key = (order.ResourceType.ToUpperInvariant(), orderedFor.Id);
                _byOwner[key] = _byOwner.GetValueOrDefault(key) + stateDigest;
            }

            switch (order.ChangeType)
            {
                case OrderChangeType.Added when order.Owner is { } owner:
                    var added = (order.ResourceType.ToUpperInvariant(), owner.Id);
                    if (holds)
                    {
                        _added.Add(added);
                    }
                    else
                    {
                        _added.Remove(added);
                    }

                    break;
                case OrderChangeType.Deleted when order.Resource is { } resource:
                    if (holds)
                    {
                        _deleted.Add(resource.Id);
                    }
                    else
                    {
                        _deleted.Remove(resource.Id);
                    }

                    break;
                case OrderChangeType.Modified when order.Resource is { } resource:
                    foreach (var (property, value) in order.Changes)
                    {
                        Track(resource.Id, property, Text(value), order.State, holds);
                    }

                    foreach (var (navigation, change) in order.Navigation)
                    {
                        foreach (var key in change.Added)
                        {
                            Track(resource.Id, navigation + "+", key, order.State, holds);

                            // A failed link is retried by the rules: remember the last state per link, not per property.
                            _last[(resource.Id, navigation + "+" + key)] = order.State;
                        }

                        foreach (var key in change.Removed)
                        {
                            Track(resource.Id, navigation + "-", key, order.State, holds);
                        }
                    }

                    break;
            }
        }
    }

    public bool Holds(long resource, string property, object? value) => _held.Contains((resource, property, Text(value)));

    public bool HoldsAdded(string type, long owner) => _added.Contains((type.ToUpperInvariant(), owner));

    public bool HoldsDeleted(long resource) => _deleted.Contains(resource);

    public bool LastFailed(long resource, string property) =>
        _last.TryGetValue((resource, property), out var state) && state is OrderState.Error;

    public ulong Digest(long resource) => _byResource.GetValueOrDefault(resource);

    public ulong OwnerDigest(string type, long owner) => _byOwner.GetValueOrDefault((type.ToUpperInvariant(), owner));

    private static string Text(object? value) => value switch
    {
        null => string.Empty,
        string[] items => string.Join("\u001f", items.Order(StringComparer.Ordinal)),
        _ => Values.Text(value),
    };

    private void Track(long resource, string property, string value, OrderState state, bool holds)
    {
        if (holds)
        {
            _held.Add((resource, property, value));
        }
        else
        {
            _held.Remove((resource, property, value));
        }

        _last[(resource, property)] = state;
    }
}
