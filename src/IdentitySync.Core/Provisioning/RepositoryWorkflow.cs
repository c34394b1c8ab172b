using System.Globalization;
using IdentitySync.Categorizations;
using IdentitySync.Connections;
using IdentitySync.Model;
using IdentitySync.Orders;
using IdentitySync.Storage;

namespace IdentitySync.Provisioning;

/// <summary>
/// The default internal workflow: applies repository orders to the store in one transaction. <c>Added</c>
/// creates the resource (keyed by its type's first property) and correlates it to its owner; <c>Modified</c>
/// updates it, honouring ownership policies again against the current values; <c>Deleted</c> ends it (end
/// date, inactive) or, with <c>HardDelete</c>, deletes it. Every written value records its source.
/// </summary>
public sealed class RepositoryWorkflow : IInternalWorkflow
{
    /// <summary>The pseudo-connector whose version orders repository writes.</summary>
    public const string RepositoryConnector = "(repository)";

    private readonly IdentityModel _model;
    private readonly IResourceStore _store;
    private readonly TimeProvider _timeProvider;

    /// <summary>Initializes a new instance of the <see cref="RepositoryWorkflow"/> class.</summary>
    /// <param name="model">The model.</param>
    /// <param name="store">The store.</param>
    /// <param name="timeProvider">The clock; the system clock when <see langword="null"/>.</param>
    public RepositoryWorkflow(IdentityModel model, IResourceStore store, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(store);
        _model = model;
        _store = store;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<FulfillmentResult>> ApplyAsync(IReadOnlyList<ProvisioningOrder> orders, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(orders);
        var results = new List<FulfillmentResult>();
        if (orders.Count == 0)
        {
            return results;
        }

        var at = _timeProvider.GetUtcNow();
        var state = await _store.GetConnectorStateAsync(RepositoryConnector, cancellationToken).ConfigureAwait(false);
        var categorizations = new List<AccountCategorization>();
        var created = new List<(string EntityType, string Key, long OwnerId, string ResourceType)>();
        var writer = await _store.BeginApplyAsync(RepositoryConnector, state.Version, cancellationToken).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            // Values as this transaction left them, so that two orders on one resource see each other.
            var current = new Dictionary<(string, string), StoredResource?>();
            foreach (var order in orders)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var type = _model.GetResourceType(order.ResourceType);
                var entityType = _model.GetEntityType(type.TargetEntityType);
                var key = order.ChangeType == OrderChangeType.Added
                    ? order.Changes.GetValueOrDefault(entityType.Properties[0].Name) as string
                    : order.Resource?.Key;
                if (string.IsNullOrEmpty(key))
                {
                    results.Add(new FulfillmentResult(order.Id, FulfillmentStatus.Failed, $"no value for {entityType.Properties[0].Name}, the key of {entityType.Name}"));
                    continue;
                }

                if (!current.TryGetValue((entityType.Name, key), out var resource))
                {
                    resource = current[(entityType.Name, key)] = await _store.FindResourceAsync(entityType.Name, key, cancellationToken).ConfigureAwait(false);
                }

                var sources = resource is null ? [] : (await _store.GetSourcesAsync(resource.Id, cancellationToken).ConfigureAwait(false)).ToDictionary(static s => s.Property, StringComparer.Ordinal);
                var outcome = order.ChangeType switch
                {
                    OrderChangeType.Added => await CreateAsync(writer, order, type, entityType, key, resource, at, cancellationToken).ConfigureAwait(false),
                    OrderChangeType.Modified => await UpdateAsync(writer, order, type, entityType, resource, sources, at, cancellationToken).ConfigureAwait(false),
                    _ => await EndAsync(writer, order, type, entityType, resource, at, cancellationToken).ConfigureAwait(false),
                };
                results.Add(outcome.Result);
                if (outcome.Written is { } written)
                {
                    current[(entityType.Name, key)] = written;
                }

                if (order.ChangeType == OrderChangeType.Added && outcome.Result.Status == FulfillmentStatus.Succeeded && order.Owner is { } owner)
                {
                    created.Add((entityType.Name, key, owner.Id, type.Name));
                }

                if (order.ChangeType == OrderChangeType.Deleted && type.Policies.Workflow.HardDelete)
                {
                    current[(entityType.Name, key)] = null;
                }
            }

            await writer.CommitAsync(state with { Version = state.Version + 1 }, cancellationToken).ConfigureAwait(false);
        }

        foreach (var (entityType, key, ownerId, resourceType) in created)
        {
            var resource = (await _store.FindResourceAsync(entityType, key, cancellationToken).ConfigureAwait(false))!;
            categorizations.Add(new AccountCategorization(resource.Id, entityType, CategorizationStatus.Correlated, resourceType, ownerId, 100, [],
                "created for its owner by the internal workflow", resource.Digest, 0, at));
        }

        await _store.SaveCategorizationsAsync(categorizations, cancellationToken).ConfigureAwait(false);
        return results;
    }

    private static PropertyOwnership OwnershipOf(ResourceType type, string property)
    {
        var rule = type.ScalarRules.FirstOrDefault(r => string.Equals(r.Property, property, StringComparison.OrdinalIgnoreCase));
        return rule is null ? PropertyOwnership.Authoritative : rule.CreateOnly ? PropertyOwnership.CreateOnly : rule.Ownership ?? PropertyOwnership.Authoritative;
    }

    private static PropertySource Source(ResourceType type, ProvisioningOrder order, string property, DateTimeOffset at) =>
        new(0, property, PropertySourceKind.Rule, $"{type.Connector} / {type.Name}",
            type.ScalarRules.FirstOrDefault(r => string.Equals(r.Property, property, StringComparison.OrdinalIgnoreCase))?.Value.Text ?? "the internal workflow", order.Id, at);

    private static async Task<Outcome> CreateAsync(IChangeSetWriter writer, ProvisioningOrder order, ResourceType type, EntityType entityType, string key, StoredResource? existing, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (existing is not null)
        {
            return new Outcome(new FulfillmentResult(order.Id, FulfillmentStatus.AlreadyExists, $"{entityType.Name} '{key}' already exists"), null);
        }

        var values = entityType.Properties.Select(p => RepositoryValues.Typed(p, order.Changes.GetValueOrDefault(p.Name))).ToArray();
        if (type.Policies.Workflow.ActiveProperty is { } active)
        {
            values[IndexOf(entityType, active)] ??= true;
        }

        var digest = await RepositoryValues.WriteAsync(writer, entityType, key, values, insert: true, cancellationToken).ConfigureAwait(false);
        await writer.SetSourcesAsync(entityType.Name, key, [.. order.Changes.Keys.Select(p => Source(type, order, p, at))], cancellationToken).ConfigureAwait(false);
        return new Outcome(new FulfillmentResult(order.Id, FulfillmentStatus.Succeeded, $"created {entityType.Name} '{key}'"), new StoredResource(0, entityType.Name, key, digest, values));
    }

    private static async Task<Outcome> UpdateAsync(
        IChangeSetWriter writer,
        ProvisioningOrder order,
        ResourceType type,
        EntityType entityType,
        StoredResource? resource,
        Dictionary<string, PropertySource> sources,
        DateTimeOffset at,
        CancellationToken cancellationToken)
    {
        if (resource is null)
        {
            return new Outcome(new FulfillmentResult(order.Id, FulfillmentStatus.NotFound, $"{entityType.Name} '{order.Resource?.Key}' no longer exists"), null);
        }

        var values = resource.CopyValues(entityType);
        var notes = new List<OwnershipNote>();
        var written = new List<string>();
        foreach (var (property, value) in order.Changes)
        {
            var index = IndexOf(entityType, property);
            var policy = OwnershipOf(type, property);
            var now = values[index];
            if (policy == PropertyOwnership.IfEmpty && now is not null && !(now is string { Length: 0 }))
            {
                notes.Add(new OwnershipNote(type.Name, resource.Key, property, OwnershipAction.Skipped, policy, $"IfEmpty: it holds {RepositoryValues.Show(now)} now, so {type.Connector}'s {RepositoryValues.Show(value)} is not written"));
                continue;
            }

            if (policy is PropertyOwnership.Manual or PropertyOwnership.CreateOnly)
            {
                notes.Add(new OwnershipNote(type.Name, resource.Key, property, OwnershipAction.Skipped, policy, $"{policy}: {type.Connector} does not update it; it keeps {RepositoryValues.Show(now)}"));
                continue;
            }

            if (sources.TryGetValue(property, out var previous) && (previous.Kind == PropertySourceKind.Manual || previous.Source != $"{type.Connector} / {type.Name}"))
            {
                notes.Add(new OwnershipNote(type.Name, resource.Key, property, OwnershipAction.Overwritten, policy,
                    $"Authoritative: {type.Connector}'s {RepositoryValues.Show(value)} replaces {RepositoryValues.Show(now)}, set {(previous.Kind == PropertySourceKind.Manual ? "by hand by " : "by ")}{previous.Source} on {previous.At.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}"
                    + (previous.Detail is { Length: > 0 } detail && previous.Kind == PropertySourceKind.Manual ? $" ({detail})" : string.Empty)));
            }

            values[index] = RepositoryValues.Typed(entityType.Properties[index], value);
            written.Add(property);
        }

        if (written.Count == 0)
        {
            return new Outcome(new FulfillmentResult(order.Id, FulfillmentStatus.Succeeded, "nothing to write: " + string.Join("; ", notes.Select(static n => n.Reason)), notes), null);
        }

        var digest = await RepositoryValues.WriteAsync(writer, entityType, resource.Key, values, insert: false, cancellationToken).ConfigureAwait(false);
        await writer.SetSourcesAsync(entityType.Name, resource.Key, [.. written.Select(p => Source(type, order, p, at))], cancellationToken).ConfigureAwait(false);
        return new Outcome(
            new FulfillmentResult(order.Id, FulfillmentStatus.Succeeded, $"updated {string.Join(", ", written)}" + (notes.Count == 0 ? string.Empty : "; " + string.Join("; ", notes.Select(static n => $"{n.Property}: {n.Reason}"))), notes),
            new StoredResource(resource.Id, resource.EntityType, resource.Key, digest, values));
    }

    private static async Task<Outcome> EndAsync(IChangeSetWriter writer, ProvisioningOrder order, ResourceType type, EntityType entityType, StoredResource? resource, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (resource is null)
        {
            return new Outcome(new FulfillmentResult(order.Id, FulfillmentStatus.NotFound, $"{entityType.Name} '{order.Resource?.Key}' no longer exists"), null);
        }

        var workflow = type.Policies.Workflow;
        if (workflow.HardDelete || (workflow.EndDateProperty is null && workflow.ActiveProperty is null))
        {
            await writer.DeleteAsync(entityType.Name, [resource.Key], cancellationToken).ConfigureAwait(false);
            return new Outcome(new FulfillmentResult(order.Id, FulfillmentStatus.Succeeded, $"deleted {entityType.Name} '{resource.Key}'"), null);
        }

        var values = resource.CopyValues(entityType);
        var written = new List<string>();
        if (workflow.EndDateProperty is { } end)
        {
            values[IndexOf(entityType, end)] = at.UtcDateTime;
            written.Add(end);
        }

        if (workflow.ActiveProperty is { } active)
        {
            values[IndexOf(entityType, active)] = false;
            written.Add(active);
        }

        var digest = await RepositoryValues.WriteAsync(writer, entityType, resource.Key, values, insert: false, cancellationToken).ConfigureAwait(false);
        await writer.SetSourcesAsync(entityType.Name, resource.Key, [.. written.Select(p => Source(type, order, p, at) with { Detail = "ended by the internal workflow" })], cancellationToken).ConfigureAwait(false);
        return new Outcome(new FulfillmentResult(order.Id, FulfillmentStatus.Succeeded, $"ended {entityType.Name} '{resource.Key}' (history kept)"), new StoredResource(resource.Id, resource.EntityType, resource.Key, digest, values));
    }

    internal static int IndexOf(EntityType type, string property) =>
        type.IndexOf(property) is >= 0 and var index ? index : throw new IdentitySyncException($"{type.Name} has no property '{property}'.");

    private sealed record Outcome(FulfillmentResult Result, StoredResource? Written);
}
