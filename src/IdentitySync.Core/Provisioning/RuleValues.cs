using IdentitySync.Model;
using IdentitySync.Rules;
using IdentitySync.Storage;

namespace IdentitySync.Provisioning;

/// <summary>How rule results and stored values are read and compared: as text, arrays of text, or nothing.</summary>
internal static class RuleValues
{
    /// <summary>The non-empty texts of a value (one for a scalar, each item of an array).</summary>
    /// <param name="value">A computed or stored value.</param>
    /// <returns>Its texts.</returns>
    public static string[] Texts(object? value)
    {
        var texts = new List<string>();
        Values.AddTexts(value, texts);
        return [.. texts];
    }

    /// <summary>Whether two values (text, arrays of text, or null) are equal under a comparison; arrays compare as sets.</summary>
    /// <param name="left">One value.</param>
    /// <param name="right">The other.</param>
    /// <param name="comparison">How texts compare.</param>
    /// <returns>Whether they hold the same texts.</returns>
    public static bool Same(object? left, object? right, ComparisonType comparison)
    {
        if (left is not object[] && right is not object[])
        {
            // Two scalars, the common case (a million accounts, several rules each): their texts, no sets.
            var one = Values.Text(left);
            var other = Values.Text(right);
            return one.Length == 0 || other.Length == 0
                ? one.Length == other.Length
                : string.Equals(Normalize(one, comparison), Normalize(other, comparison), StringComparison.Ordinal);
        }

        return SameSets(left, right, comparison);
    }

    /// <summary>
    /// Arrays compared as sets. Apart from <see cref="Same"/>: C# allocates a lambda's closure where the captured
    /// parameter is declared, so in <see cref="Same"/> it was allocated for every pair of scalars too.
    /// </summary>
    private static bool SameSets(object? left, object? right, ComparisonType comparison)
    {
        var l = Texts(left).Select(t => Normalize(t, comparison)).ToHashSet(StringComparer.Ordinal);
        var r = Texts(right).Select(t => Normalize(t, comparison)).ToHashSet(StringComparer.Ordinal);
        return l.SetEquals(r);
    }

    /// <summary>A stored property's value as the rules compute it: text, or an array of texts for a multi-valued property.</summary>
    /// <param name="resource">The stored resource.</param>
    /// <param name="entityType">Its entity type.</param>
    /// <param name="property">The property.</param>
    /// <returns>The value, or null when empty.</returns>
    public static object? Actual(StoredResource resource, EntityType entityType, ScalarProperty property)
    {
        var value = resource.ValueAt(entityType, entityType.IndexOf(property.Name));
        return property.IsMultiValued ? (Texts(value) is { Length: > 0 } items ? items : null) : value is null ? null : Values.Text(value);
    }

    /// <summary>How a rule's criteria read in a reason.</summary>
    /// <param name="criteria">The criteria, if any.</param>
    /// <returns>The text, starting with a space.</returns>
    public static string Describe(IRuleExpression? criteria) => criteria is null ? " (no criteria)" : $" (`{criteria.Text}`)";

    private static string Normalize(string text, ComparisonType comparison) => comparison switch
    {
        ComparisonType.IgnoreCase => text.ToUpperInvariant(),
        ComparisonType.IgnoreDiacritics => Values.RemoveDiacritics(text).ToUpperInvariant(),
        ComparisonType.Simplified => Values.Simplify(text),
        ComparisonType.DistinguishedName => Model.DistinguishedName.TryNormalize(text, out var normalized) ? normalized : text.ToUpperInvariant(),
        _ => text,
    };
}
