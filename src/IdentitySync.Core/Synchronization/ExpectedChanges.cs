using IdentitySync.ChangeSets;
using IdentitySync.Model;
using IdentitySync.Orders;
using IdentitySync.Rules;
using IdentitySync.Storage;

namespace IdentitySync.Synchronization;

/// <summary>
/// What the connector's executed orders say the next synchronization will show: the accounts created,
/// changed and deleted, and the links added and removed. A change that matches one (same entity type,
/// same resource, same values) was asked for, so it does not count toward the thresholds; anything else
/// still does, so a mass deletion cannot hide among expected changes.
/// </summary>
internal sealed class ExpectedChanges
{
    private readonly Dictionary<(string EntityType, string Key), IReadOnlyDictionary<string, object?>> _inserts = [];
    private readonly Dictionary<(string EntityType, string Key), IReadOnlyDictionary<string, object?>> _updates = [];
    private readonly HashSet<(string EntityType, string Key)> _deletes = [];
    private readonly HashSet<(string Association, string First, string Second)> _linksAdded = [];
    private readonly HashSet<(string Association, string First, string Second)> _linksRemoved = [];

    private ExpectedChanges()
    {
    }

    public static ExpectedChanges None { get; } = new();

    /// <summary>Gets how many changes of the change set matched an executed order.</summary>
    public long Matched { get; private set; }

    public static async Task<ExpectedChanges> LoadAsync(IdentityModel model, Connector connector, ISyncStateStore store, CancellationToken cancellationToken)
    {
        if (store is not IOrderStore orders)
        {
            return None;
        }

        var expected = new ExpectedChanges();
        foreach (var order in await orders.GetOrdersAsync(null, [OrderState.Executed], cancellationToken).ConfigureAwait(false))
        {
            if (!string.Equals(order.Connector, connector.Name, StringComparison.OrdinalIgnoreCase)
                || model.FindResourceType(order.ResourceType) is not { } type
                || connector.FindEntityTypeMapping(type.TargetEntityType) is not { } mapping)
            {
                continue;
            }

            var entityType = mapping.EntityType;
            var key = order.ChangeType == OrderChangeType.Added
                ? order.Changes.TryGetValue(mapping.PrimaryKey.Property, out var created) ? KeyOf(created, mapping.PrimaryKey.IgnoreCase) : null
                : order.Resource is { } resource ? KeyOf(resource.Key, mapping.PrimaryKey.IgnoreCase) : null;
            if (key is null)
            {
                continue;
            }

            switch (order.ChangeType)
            {
                case OrderChangeType.Added:
                    expected._inserts[(entityType, key)] = order.Changes;
                    break;
                case OrderChangeType.Deleted:
                    expected._deletes.Add((entityType, key));
                    break;
                default:
                    expected._updates[(entityType, key)] = order.Changes;
                    break;
            }

            foreach (var (navigation, change) in order.Navigation)
            {
                var association = model.Associations.FirstOrDefault(a =>
                    (string.Equals(a.First.EntityType, entityType, StringComparison.OrdinalIgnoreCase) && string.Equals(a.First.NavigationProperty, navigation, StringComparison.OrdinalIgnoreCase))
                    || (string.Equals(a.Second.EntityType, entityType, StringComparison.OrdinalIgnoreCase) && string.Equals(a.Second.NavigationProperty, navigation, StringComparison.OrdinalIgnoreCase)));
                if (association is null)
                {
                    continue;
                }

                var first = string.Equals(association.First.EntityType, entityType, StringComparison.OrdinalIgnoreCase)
                    && string.Equals(association.First.NavigationProperty, navigation, StringComparison.OrdinalIgnoreCase);
                foreach (var target in change.Added)
                {
                    expected._linksAdded.Add(Link(association.Name, first, key, target));
                }

                foreach (var target in change.Removed)
                {
                    expected._linksRemoved.Add(Link(association.Name, first, key, target));
                }
            }
        }

        return expected;
    }

    /// <summary>
    /// Counts the inserted resources that an executed order asked for, with the values it asked for (those the
    /// export can show: a property the connector does not map, such as an initial password, is not compared).
    /// </summary>
    public int Inserted(EntityType entityType, EntityTypeMapping mapping, IReadOnlyList<ResourceChange> inserted) =>
        Count(inserted, change => _inserts.TryGetValue((mapping.EntityType, Stored(change.Key, mapping.PrimaryKey.IgnoreCase)), out var asked)
            && asked.Where(p => mapping.FindProperty(p.Key) is not null).All(p => EntityPreparer.IndexOfProperty(entityType, p.Key) is var index && index < change.Values.Count && Same(change.Values[index], p.Value)));

    /// <summary>Counts the updated resources whose every changed property an executed order asked for, with that value.</summary>
    public int Updated(EntityTypeMapping mapping, IEnumerable<ResourceChange> updated) =>
        Count(updated, change => _updates.TryGetValue((mapping.EntityType, Stored(change.Key, mapping.PrimaryKey.IgnoreCase)), out var asked)
            && change.Changes.All(c => asked.TryGetValue(c.Property, out var value) && Same(c.NewValue, value)));

    /// <summary>Counts the deleted resources an executed order asked to delete.</summary>
    public int Deleted(EntityTypeMapping mapping, IReadOnlyList<ResourceChange> deleted) =>
        Count(deleted, change => _deletes.Contains((mapping.EntityType, Stored(change.Key, mapping.PrimaryKey.IgnoreCase))));

    /// <summary>Counts the links added that an executed order asked for.</summary>
    public int LinksAdded(string association, IReadOnlyList<LinkChange> added) => CountLinks(_linksAdded, association, added);

    /// <summary>Counts the links removed that an executed order asked for.</summary>
    public int LinksRemoved(string association, IReadOnlyList<LinkChange> removed) => CountLinks(_linksRemoved, association, removed);

    private int CountLinks(HashSet<(string, string, string)> expected, string association, IReadOnlyList<LinkChange> links)
    {
        if (expected.Count == 0)
        {
            return 0;
        }

        var name = association.ToUpperInvariant();
        return Count(links, link => expected.Contains((name, link.FirstKey.ToUpperInvariant(), link.SecondKey.ToUpperInvariant())));
    }

    private int Count<T>(IEnumerable<T> changes, Func<T, bool> expected)
    {
        if (_inserts.Count + _updates.Count + _deletes.Count + _linksAdded.Count + _linksRemoved.Count == 0)
        {
            return 0;
        }

        var count = changes.Count(expected);
        Matched += count;
        return count;
    }

    // Links are matched on the keys without case: an order names its targets as the rules computed them.
    private static (string, string, string) Link(string association, bool resourceIsFirst, string key, string target) =>
        resourceIsFirst
            ? (association.ToUpperInvariant(), key.ToUpperInvariant(), target.ToUpperInvariant())
            : (association.ToUpperInvariant(), target.ToUpperInvariant(), key.ToUpperInvariant());

    private static string Stored(string key, bool ignoreCase) => ignoreCase ? key.ToUpperInvariant() : key;

    private static string? KeyOf(object? value, bool ignoreCase) =>
        value is null ? null : Stored(Values.Text(value), ignoreCase);

    // An order keeps its values as text written by Values.Text (a date as 2024-01-31, a flag as true), so the
    // stored values are compared through the same text; a multi-valued one as a set of such texts.
    private static bool Same(object? stored, object? asked) => stored is object[] items
        ? Set(items).SetEquals(Set(asked as object?[] ?? (asked is null ? [] : [asked])))
        : string.Equals(Values.Text(stored), Values.Text(asked), StringComparison.Ordinal);

    private static HashSet<string> Set(IEnumerable<object?> values) => [.. values.Select(Values.Text)];
}
