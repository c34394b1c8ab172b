using IdentitySync.Connections;
using IdentitySync.Model;
using IdentitySync.Orders;
using IdentitySync.Rules;
using IdentitySync.Storage;

namespace IdentitySync.Provisioning;

/// <summary>Turns orders into what a fulfill connection receives: tables, columns, and the keys of resources and link targets.</summary>
internal sealed class FulfillmentRequestBuilder(IdentityModel model, IResourceReader store)
{
    // Link targets are looked up once per batch: a group named by many orders' memberships is read once.
    private readonly Dictionary<(string EntityType, string Key), IReadOnlyList<ResourceKeyValue>> _targets = [];

    public async Task<List<FulfillmentRequest>> BuildAsync(Connector connector, IReadOnlyList<ProvisioningOrder> orders, CancellationToken cancellationToken)
    {
        var requests = new List<FulfillmentRequest>(orders.Count);
        foreach (var order in orders)
        {
            var entityType = model.GetEntityType(model.GetResourceType(order.ResourceType).TargetEntityType);
            var mapping = connector.FindEntityTypeMapping(entityType.Name);
            var navigation = new List<NavigationFulfillment>();
            foreach (var (property, change) in order.Navigation)
            {
                navigation.Add(await NavigationAsync(connector, entityType, property, change, cancellationToken).ConfigureAwait(false));
            }

            requests.Add(new FulfillmentRequest
            {
                Order = order,
                EntityType = entityType.Name,
                Table = mapping?.Table ?? string.Empty,
                Columns = mapping is null
                    ? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
                    : mapping.Properties.ToDictionary(static p => p.Property, static p => p.Column, StringComparer.OrdinalIgnoreCase),
                Keys = mapping is null ? [] : KeysOf(order, mapping),
                Navigation = navigation,
            });
        }

        return requests;
    }

    private static List<ResourceKeyValue> KeysOf(ProvisioningOrder order, EntityTypeMapping mapping)
    {
        var keys = new List<ResourceKeyValue>();
        foreach (var key in KeysFirstPrimary(mapping))
        {
            // The stored spelling first (a key compared without case keeps its spelling in the values), then
            // what the rules computed, then the primary key as the order names it.
            var value = order.Resource?.Values.GetValueOrDefault(key.Property) is { } stored ? Values.Text(stored)
                : order.Arguments.GetValueOrDefault(key.Property) is { Length: > 0 } argument ? argument
                : order.Changes.GetValueOrDefault(key.Property) is { } computed ? Values.Text(computed)
                : key.Key == PropertyKey.Primary ? order.Resource?.Key
                : null;
            if (!string.IsNullOrEmpty(value))
            {
                keys.Add(new ResourceKeyValue(key.Property, key.Column, value, key.Key));
            }
        }

        return keys;
    }

    private static IEnumerable<PropertyMapping> KeysFirstPrimary(EntityTypeMapping mapping) =>
        mapping.Properties.Where(static p => p.Key != PropertyKey.None).OrderBy(static p => p.Key == PropertyKey.Primary ? 0 : 1);

    private async Task<NavigationFulfillment> NavigationAsync(Connector connector, EntityType entityType, string property, NavigationChange change, CancellationToken cancellationToken)
    {
        var association = model.Associations.First(a =>
            (string.Equals(a.First.EntityType, entityType.Name, StringComparison.OrdinalIgnoreCase) && string.Equals(a.First.NavigationProperty, property, StringComparison.OrdinalIgnoreCase))
            || (string.Equals(a.Second.EntityType, entityType.Name, StringComparison.OrdinalIgnoreCase) && string.Equals(a.Second.NavigationProperty, property, StringComparison.OrdinalIgnoreCase)));
        var resourceIsFirst = string.Equals(association.First.EntityType, entityType.Name, StringComparison.OrdinalIgnoreCase)
            && string.Equals(association.First.NavigationProperty, property, StringComparison.OrdinalIgnoreCase);
        var targetType = resourceIsFirst ? association.Second.EntityType : association.First.EntityType;
        var links = connector.FindAssociationMapping(association.Name);
        var targetMapping = model.FindConnectorOf(targetType)?.FindEntityTypeMapping(targetType);
        return new NavigationFulfillment
        {
            Property = property,
            Association = association.Name,
            TargetEntityType = targetType,
            ResourceIsFirst = resourceIsFirst,
            Table = links?.Table,
            FirstColumn = links?.First.Column,
            SecondColumn = links?.Second.Column,
            Added = await TargetsAsync(targetType, targetMapping, change.Added, cancellationToken).ConfigureAwait(false),
            Removed = await TargetsAsync(targetType, targetMapping, change.Removed, cancellationToken).ConfigureAwait(false),
        };
    }

    private async Task<List<LinkTarget>> TargetsAsync(string targetType, EntityTypeMapping? mapping, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var targets = new List<LinkTarget>(keys.Count);
        foreach (var key in keys)
        {
            if (!_targets.TryGetValue((targetType, key), out var values))
            {
                values = _targets[(targetType, key)] = await TargetKeysAsync(targetType, mapping, key, cancellationToken).ConfigureAwait(false);
            }

            targets.Add(new LinkTarget(key, values));
        }

        return targets;
    }

    private async Task<IReadOnlyList<ResourceKeyValue>> TargetKeysAsync(string targetType, EntityTypeMapping? mapping, string key, CancellationToken cancellationToken)
    {
        var primary = mapping?.PrimaryKey;
        var stored = await store.FindResourceAsync(targetType, key, cancellationToken).ConfigureAwait(false);
        if (stored is null || mapping is null)
        {
            return [new ResourceKeyValue(primary?.Property ?? string.Empty, primary?.Column ?? string.Empty, key, PropertyKey.Primary)];
        }

        var entityType = model.GetEntityType(targetType);
        var properties = entityType.Properties;
        var keys = new List<ResourceKeyValue>();
        foreach (var keyMapping in KeysFirstPrimary(mapping))
        {
            var index = properties.Select(static p => p.Name).ToList().FindIndex(n => string.Equals(n, keyMapping.Property, StringComparison.OrdinalIgnoreCase));
            var value = Values.Text(index < 0 ? null : stored.ValueAt(entityType, index));
            if (value.Length == 0 && keyMapping.Key == PropertyKey.Primary)
            {
                value = key;
            }

            if (value.Length > 0)
            {
                keys.Add(new ResourceKeyValue(keyMapping.Property, keyMapping.Column, value, keyMapping.Key));
            }
        }

        return keys;
    }
}
