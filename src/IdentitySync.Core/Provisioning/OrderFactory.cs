using IdentitySync.Model;
using IdentitySync.Orders;
using IdentitySync.Rules;
using IdentitySync.Storage;

namespace IdentitySync.Provisioning;

/// <summary>
/// Builds one resource type's orders: who they are for, the account they change with its values, the
/// connector's key arguments, and the state (pending, or awaiting approval) with its first history entry.
/// </summary>
internal sealed class OrderFactory(IdentityModel model, ResourceType type, EntityType targetType, DateTimeOffset now)
{
    /// <summary>Creates an order of this generation.</summary>
    /// <param name="changeType">Added, modified or deleted.</param>
    /// <param name="kind">A rule's order, a non-conforming value or a gap.</param>
    /// <param name="owner">The owner, if known.</param>
    /// <param name="resource">The account, unless added.</param>
    /// <param name="changes">The property changes.</param>
    /// <param name="navigation">The link changes.</param>
    /// <param name="arguments">The connector's key arguments.</param>
    /// <param name="reason">The reason in plain words.</param>
    /// <param name="requireReview">Whether it waits for review whatever the type's policy.</param>
    /// <returns>The order, not yet saved.</returns>
    public ProvisioningOrder Create(
        OrderChangeType changeType,
        OrderKind kind,
        OrderOwner? owner,
        OrderResource? resource,
        Dictionary<string, object?> changes,
        Dictionary<string, NavigationChange> navigation,
        Dictionary<string, string> arguments,
        string reason,
        bool requireReview)
    {
        var state = kind != OrderKind.Rule || requireReview || type.Policies.RequireReview ? OrderState.AwaitingApproval : OrderState.Pending;
        var note = state == OrderState.Pending ? "generated"
            : kind != OrderKind.Rule ? "generated; waits for review"
            : type.Policies.RequireReview ? $"generated; {type.Name} requires review"
            : "generated; waits for review because the correlation behind it has a confidence below 100";
        return new ProvisioningOrder
        {
            ChangeType = changeType,
            Kind = kind,
            Connector = type.Connector,
            ResourceType = type.Name,
            Owner = owner,
            Resource = resource,
            Changes = changes,
            Navigation = navigation,
            Arguments = arguments,
            Reason = reason,
            State = state,
            CreatedAt = now,
            StateChangedAt = now,
            History = [new OrderHistoryEntry(state, now, note)],
        };
    }

    /// <summary>The owner as an order names them: id, key and a display name.</summary>
    /// <param name="owner">The stored owner.</param>
    /// <returns>The order's owner.</returns>
    public OrderOwner OwnerOf(StoredResource owner)
    {
        var ownerType = model.GetEntityType(owner.EntityType);
        string? Get(string name) => ownerType.FindProperty(name) is { } p ? Values.Text(owner.ValueAt(ownerType, ownerType.IndexOf(p.Name))) : null;
        var display = Get("DisplayName") is { Length: > 0 } d ? d
            : (Get("FirstName") + " " + Get("LastName")).Trim() is { Length: > 0 } n ? n
            : owner.Key;
        return new OrderOwner(owner.Id, owner.Key, display);
    }

    /// <summary>The account as an order names it, with every value it holds.</summary>
    /// <param name="account">The stored account.</param>
    /// <returns>The order's resource.</returns>
    public OrderResource ResourceOf(StoredResource account) => new(account.Id, account.Key, ValuesOf(account));

    /// <summary>The connector's key arguments of an account.</summary>
    /// <param name="account">The stored account.</param>
    /// <returns>Key property names and values.</returns>
    public Dictionary<string, string> ArgumentsOf(StoredResource account) => ArgumentsOf(ValuesOf(account));

    /// <summary>The connector's key arguments among computed values (an account to add).</summary>
    /// <param name="values">Values by property name.</param>
    /// <returns>Key property names and values.</returns>
    public Dictionary<string, string> ArgumentsOf(Dictionary<string, object?> values)
    {
        var arguments = new Dictionary<string, string>(StringComparer.Ordinal);
        var mapping = model.GetConnector(type.Connector).FindEntityTypeMapping(targetType.Name);
        foreach (var key in mapping?.Properties.Where(static p => p.Key != PropertyKey.None) ?? [])
        {
            if (values.GetValueOrDefault(key.Property) is { } value)
            {
                arguments[key.Property] = Values.Text(value);
            }
        }

        return arguments;
    }

    private Dictionary<string, object?> ValuesOf(StoredResource account) =>
        targetType.Properties.ToDictionary(static p => p.Name, p => RuleValues.Actual(account, targetType, p), StringComparer.Ordinal);
}
