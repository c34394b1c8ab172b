using IdentitySync.Model;

namespace IdentitySync.Storage;

/// <summary>
/// Reads a stored resource's values by property position, whatever the entity type looked like when
/// they were written: a property added to the model since has no stored value (null), and a copy is
/// sized to the entity type as it is now.
/// </summary>
internal static class StoredValues
{
    /// <summary>Gets the value at a property's position, or null when the resource was stored before the property existed.</summary>
    /// <param name="resource">The resource.</param>
    /// <param name="index">The property's position in its entity type.</param>
    /// <returns>The value.</returns>
    public static object? ValueAt(this StoredResource resource, int index) =>
        (uint)index < (uint)resource.Values.Count ? resource.Values[index] : null;

    /// <summary>Copies the values into an array of the entity type's size, to change and write back.</summary>
    /// <param name="resource">The resource.</param>
    /// <param name="entityType">Its entity type, as the model has it now.</param>
    /// <returns>The copy.</returns>
    public static object?[] CopyValues(this StoredResource resource, EntityType entityType)
    {
        var values = new object?[entityType.Properties.Count];
        for (var i = 0; i < values.Length && i < resource.Values.Count; i++)
        {
            values[i] = resource.Values[i];
        }

        return values;
    }
}
