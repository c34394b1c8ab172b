using IdentitySync.Model;
using IdentitySync.Rules;
using IdentitySync.Storage;

namespace IdentitySync.Categorization;

/// <summary>
/// Owners found by their primary key (decision 111). When a correlation rule's owner side is the owners' key property
/// alone (<c>Owner.EmployeeId</c>, where the connector feeding the owners maps <c>EmployeeId</c> as the primary key, as
/// text in its default format), an owner matches an account's value only if its key is that value (upper case, for a
/// key mapped without case), because a synchronization keys each resource by that property's text. A run that examines
/// a few accounts then looks those owners up instead of reading every owner. Repository types (no connector) are never
/// looked up: their resources may be written with any key. Resources written through the store's writer by other code
/// could break the rule, so the first page of owners is checked before each run uses the lookup (<see cref="ConfirmAsync"/>).
/// </summary>
internal sealed class OwnerKeyLookup
{
    /// <summary>How many owners, first in key order, must be keyed by their property's text for the lookup to be used.</summary>
    internal const int Sample = 32;

    private readonly EntityType _ownerType;
    private readonly int _property;
    private readonly bool _upperCaseKeys;

    private OwnerKeyLookup(EntityType ownerType, string property, bool upperCaseKeys)
    {
        _ownerType = ownerType;
        _property = ownerType.IndexOf(property);
        _upperCaseKeys = upperCaseKeys;
    }

    /// <summary>
    /// The lookup a run uses for a rule's owner side: <see cref="For"/>, confirmed on the store's first owners
    /// (<see cref="ConfirmAsync"/>); <see langword="null"/> when the owners must all be read.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="ownerType">The owners' entity type.</param>
    /// <param name="ownerSide">The rule's owner expression.</param>
    /// <param name="store">The store.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public static async Task<OwnerKeyLookup?> ForAsync(IdentityModel model, string ownerType, IRuleExpression ownerSide, IResourceReader store, CancellationToken cancellationToken) =>
        For(model, ownerType, ownerSide) is { } lookup && await lookup.ConfirmAsync(store, cancellationToken).ConfigureAwait(false) ? lookup : null;

    /// <summary>The lookup for a rule's owner side, or <see langword="null"/> when the owners must all be read.</summary>
    /// <param name="model">The model.</param>
    /// <param name="ownerType">The owners' entity type.</param>
    /// <param name="ownerSide">The rule's owner expression.</param>
    public static OwnerKeyLookup? For(IdentityModel model, string ownerType, IRuleExpression ownerSide)
    {
        if (ownerSide is not RuleExpression { Paths: [{ Properties: [var name] } path] } parsed
            || !string.Equals(path.Root, "Owner", StringComparison.OrdinalIgnoreCase)
            || !string.Equals(parsed.Text.Trim(), path.ToString(), StringComparison.OrdinalIgnoreCase)
            || model.FindConnectorOf(ownerType)?.FindEntityTypeMapping(ownerType) is not { } mapping)
        {
            return null;
        }

        var key = mapping.PrimaryKey;
        var type = model.GetEntityType(ownerType);
        return string.Equals(key.Property, name, StringComparison.OrdinalIgnoreCase)
            && key.Format.Kind == ValueFormatKind.Default
            && type.FindProperty(key.Property) is { Type: ScalarType.String, IsMultiValued: false } property
                ? new OwnerKeyLookup(type, property.Name, key.IgnoreCase)
                : null;
    }

    /// <summary>
    /// Whether the first owners in key order are keyed by their property's text, as a synchronization keys them: if
    /// one is not (written by other code under another key), the run reads every owner instead.
    /// </summary>
    /// <param name="store">The store.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task<bool> ConfirmAsync(IResourceReader store, CancellationToken cancellationToken)
    {
        foreach (var owner in await store.GetResourcePageAsync(_ownerType.Name, null, Sample, cancellationToken).ConfigureAwait(false))
        {
            var text = owner.ValueAt(_ownerType, _property) as string;
            if (!string.Equals(owner.Key, _upperCaseKeys ? text?.ToUpperInvariant() : text, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Reads the owners whose keys are some of the given values.</summary>
    /// <param name="store">The store.</param>
    /// <param name="values">The values the accounts examined have for the rule.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The owners found; the caller still evaluates the rule on each.</returns>
    public async Task<IReadOnlyList<StoredResource>> FindAsync(IResourceReader store, IReadOnlyCollection<string> values, CancellationToken cancellationToken) =>
        await store.GetResourcesByKeyAsync(_ownerType.Name, _upperCaseKeys ? [.. values.Select(static v => v.ToUpperInvariant())] : values, cancellationToken).ConfigureAwait(false);
}
