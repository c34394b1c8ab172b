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
/// looked up: their resources may be written with any key.
/// </summary>
internal sealed class OwnerKeyLookup
{
    private readonly string _ownerType;
    private readonly bool _upperCaseKeys;

    private OwnerKeyLookup(string ownerType, bool upperCaseKeys)
    {
        _ownerType = ownerType;
        _upperCaseKeys = upperCaseKeys;
    }

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
        var property = model.GetEntityType(ownerType).FindProperty(key.Property);
        return string.Equals(key.Property, name, StringComparison.OrdinalIgnoreCase)
            && key.Format.Kind == ValueFormatKind.Default
            && property is { Type: ScalarType.String, IsMultiValued: false }
                ? new OwnerKeyLookup(mapping.EntityType, key.IgnoreCase)
                : null;
    }

    /// <summary>Reads the owners whose keys are some of the given values.</summary>
    /// <param name="store">The store.</param>
    /// <param name="values">The values the accounts examined have for the rule.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The owners found; the caller still evaluates the rule on each.</returns>
    public async Task<IReadOnlyList<StoredResource>> FindAsync(IResourceReader store, IReadOnlyCollection<string> values, CancellationToken cancellationToken) =>
        await store.GetResourcesByKeyAsync(_ownerType, _upperCaseKeys ? [.. values.Select(static v => v.ToUpperInvariant())] : values, cancellationToken).ConfigureAwait(false);
}
