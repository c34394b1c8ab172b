using System.Globalization;
using System.Text;
using IdentitySync.Internal;
using IdentitySync.ChangeSets;
using IdentitySync.Model;
using IdentitySync.Storage;

namespace IdentitySync.Provisioning;

/// <summary>Turns order values (text) into the typed values the store keeps for repository resources.</summary>
internal static class RepositoryValues
{
    /// <summary>
    /// Writes a repository resource's values (in the entity type's order, with its layout) in a writer's
    /// transaction, after the layout itself.
    /// </summary>
    /// <returns>The digest written.</returns>
    public static async ValueTask<ulong> WriteAsync(IChangeSetWriter writer, EntityType entityType, string key, object?[] values, bool insert, CancellationToken cancellationToken)
    {
        await ResourceLayout.SaveAsync(writer, entityType, cancellationToken).ConfigureAwait(false);
        ResourceChange change = new(key, DigestOf(values), StoredValues.WithLayout(values, entityType), [], 0);
        if (insert)
        {
            await writer.InsertAsync(entityType.Name, [change], cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await writer.UpdateAsync(entityType.Name, [change], cancellationToken).ConfigureAwait(false);
        }

        return change.Digest;
    }

    public static ulong DigestOf(IReadOnlyList<object?> values) =>
        Xxh64.Hash(Encoding.UTF8.GetBytes(string.Join('\u001f', values.Select(static v => v switch
        {
            null => "\u0000",
            _ => Rules.Values.Text(v is object[] items ? string.Join('\u001e', items.Select(Rules.Values.Text)) : v),
        }))));

    public static object? Typed(ScalarProperty property, object? value)
    {
        if (value is null)
        {
            return null;
        }

        return property.IsMultiValued
            ? TypedItems(property.Type, value is string[] texts ? texts : [Rules.Values.Text(value)])
            : ParseSingle(property.Type, value is string[] many ? many.FirstOrDefault() : Rules.Values.Text(value));
    }

    /// <summary>A multi-valued property's items, typed; apart, so that a single value allocates no closure.</summary>
    private static object?[]? TypedItems(ScalarType type, string[] items) =>
        items.Length == 0 ? null : items.Select(i => ParseSingle(type, i)).ToArray();

    public static object? ParseSingle(ScalarType type, string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var invariant = CultureInfo.InvariantCulture;
        return type switch
        {
            ScalarType.Bool => bool.Parse(text),
            ScalarType.Int32 => int.Parse(text, invariant),
            ScalarType.Int64 => long.Parse(text, invariant),
            ScalarType.Double => double.Parse(text, invariant),
            ScalarType.Guid => Guid.Parse(text),
            ScalarType.DateTime => DateTime.Parse(text, invariant, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
            ScalarType.Binary => Convert.FromBase64String(text),
            _ => text,
        };
    }


    /// <summary>A value as reasons and notes quote it: <c>'text'</c>, <c>['a', 'b']</c> for several, or <c>empty</c>.</summary>
    public static string Show(object? value) => value switch
    {
        null => "empty",
        object[] items => "[" + string.Join(", ", items.Select(static i => $"'{Rules.Values.Text(i)}'")) + "]",
        _ => $"'{Rules.Values.Text(value)}'",
    };
}
