using IdentitySync.Model;

namespace IdentitySync.Storage;

/// <summary>
/// Reads a stored resource's values as its entity type has them now, whatever it looked like when they
/// were written: values that carry their layout read by property name (<see cref="LayoutMap"/>), values
/// without one (written before layouts were kept) by position, where a property added since reads empty.
/// </summary>
internal static class StoredValues
{
    /// <summary>Gets the value of a property.</summary>
    /// <param name="resource">The resource.</param>
    /// <param name="type">Its entity type, as the model has it now.</param>
    /// <param name="index">The property's position in <paramref name="type"/>.</param>
    /// <returns>The value, or null.</returns>
    public static object? ValueAt(this StoredResource resource, EntityType type, int index) =>
        ValueAt(resource.Values, type, index);

    /// <summary>Gets the value of a property from values as stored.</summary>
    /// <param name="values">The values as stored.</param>
    /// <param name="type">Their entity type, as the model has it now.</param>
    /// <param name="index">The property's position in <paramref name="type"/>.</param>
    /// <returns>The value, or null.</returns>
    public static object? ValueAt(IReadOnlyList<object?> values, EntityType type, int index)
    {
        if (ResourceLayout.Map(ResourceValueCodec.LayoutOf(values), type) is { } map)
        {
            return map.Read(values, index);
        }

        return (uint)index < (uint)values.Count ? values[index] : null;
    }

    /// <summary>Copies the values into an array of the entity type's size, to change and write back.</summary>
    /// <param name="resource">The resource.</param>
    /// <param name="entityType">Its entity type, as the model has it now.</param>
    /// <returns>The copy.</returns>
    public static object?[] CopyValues(this StoredResource resource, EntityType entityType)
    {
        var values = new object?[entityType.Properties.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = ValueAt(resource.Values, entityType, i);
        }

        return values;
    }

    /// <summary>Marks values with the layout of their entity type, so that they are packed with it.</summary>
    /// <param name="values">Values in the entity type's order.</param>
    /// <param name="entityType">The entity type, as the model has it now.</param>
    /// <returns>The values with their layout.</returns>
    public static IReadOnlyList<object?> WithLayout(object?[] values, EntityType entityType) =>
        new ResourceValueCodec.LaidOutValues(values, ResourceLayout.Of(entityType).Id);
}
