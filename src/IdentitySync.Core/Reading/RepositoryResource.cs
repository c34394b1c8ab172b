using System.Globalization;
using IdentitySync.Model;
using IdentitySync.Storage;

namespace IdentitySync.Reading;

/// <summary>
/// A resource of the repository, read by property name as the model has its entity type now: values
/// stored under an older model read by name (a property added since reads empty, a retyped one is
/// converted, a removed one is gone), never by position.
/// </summary>
public sealed class RepositoryResource
{
    private readonly StoredResource _stored;

    internal RepositoryResource(EntityType entityType, StoredResource stored)
    {
        EntityType = entityType;
        _stored = stored;
    }

    /// <summary>Gets the resource's stable internal id.</summary>
    public long Id => _stored.Id;

    /// <summary>Gets the resource's entity type, as the model has it now.</summary>
    public EntityType EntityType { get; }

    /// <summary>Gets the resource's primary key.</summary>
    public string Key => _stored.Key;

    /// <summary>Gets a property's value as stored: null, or a string, int, long, bool, UTC DateTime, Guid, double, byte[] or, for a multi-valued property, an object[] of these.</summary>
    /// <param name="property">The property's name (case ignored).</param>
    /// <returns>The value, or null when empty.</returns>
    /// <exception cref="ArgumentException">The entity type has no such property.</exception>
    public object? this[string property] => _stored.ValueAt(EntityType, IndexOf(property));

    /// <summary>
    /// Gets a property's value as a given type: the value itself when it is one, its text for
    /// <see cref="string"/>, a conversion between numbers, <see cref="DateTimeOffset"/> for dates. Use a
    /// nullable type (<c>Get&lt;int?&gt;</c>) to tell an empty value from zero.
    /// </summary>
    /// <typeparam name="T">The type to read the value as.</typeparam>
    /// <param name="property">The property's name (case ignored).</param>
    /// <returns>The value, or <see langword="default"/> when empty.</returns>
    /// <exception cref="ArgumentException">The entity type has no such property.</exception>
    /// <exception cref="InvalidOperationException">The property is multi-valued (read it with <see cref="GetValues{T}"/>).</exception>
    /// <exception cref="InvalidCastException">The value cannot be read as <typeparamref name="T"/>.</exception>
    public T? Get<T>(string property)
    {
        var index = IndexOf(property);
        var declared = EntityType.Properties[index];
        if (declared.IsMultiValued)
        {
            throw new InvalidOperationException($"{EntityType.Name}.{declared.Name} is multi-valued: read it with GetValues<T>(\"{declared.Name}\").");
        }

        return Convert<T>(_stored.ValueAt(EntityType, index), declared);
    }

    /// <summary>Gets a property's values as a given type: each item of a multi-valued property, or the one value of a single-valued one.</summary>
    /// <typeparam name="T">The type to read each value as.</typeparam>
    /// <param name="property">The property's name (case ignored).</param>
    /// <returns>The values; empty when there are none.</returns>
    /// <exception cref="ArgumentException">The entity type has no such property.</exception>
    /// <exception cref="InvalidCastException">A value cannot be read as <typeparamref name="T"/>.</exception>
    public IReadOnlyList<T> GetValues<T>(string property)
    {
        var index = IndexOf(property);
        var declared = EntityType.Properties[index];
        return _stored.ValueAt(EntityType, index) switch
        {
            null => [],
            object[] items => [.. items.Where(static i => i is not null).Select(i => Convert<T>(i, declared)!)],
            var single => [Convert<T>(single, declared)!],
        };
    }

    /// <summary>Gets every property's value by name, in the entity type's order.</summary>
    /// <returns>The values, as <see cref="this[string]"/> reads them.</returns>
    public IReadOnlyDictionary<string, object?> ToDictionary()
    {
        var values = new OrderedDictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < EntityType.Properties.Count; i++)
        {
            values[EntityType.Properties[i].Name] = _stored.ValueAt(EntityType, i);
        }

        return values;
    }

    /// <inheritdoc />
    public override string ToString() => $"{EntityType.Name} '{Key}'";

    private int IndexOf(string property)
    {
        ArgumentNullException.ThrowIfNull(property);
        var index = EntityType.IndexOf(property);
        return index >= 0
            ? index
            : throw new ArgumentException($"{EntityType.Name} has no property '{property}'; it has {string.Join(", ", EntityType.Properties.Select(static p => p.Name))}.", nameof(property));
    }

    private T? Convert<T>(object? value, ScalarProperty declared)
    {
        if (value is null)
        {
            return default;
        }

        if (value is T typed)
        {
            return typed;
        }

        var target = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        try
        {
            object converted = target == typeof(string) ? Rules.Values.Text(value)
                : target == typeof(DateTimeOffset) && value is DateTime date ? new DateTimeOffset(DateTime.SpecifyKind(date, DateTimeKind.Utc))
                : value is IConvertible && target.IsPrimitive ? System.Convert.ChangeType(value, target, CultureInfo.InvariantCulture)
                : throw new InvalidCastException();
            return (T)converted;
        }
        catch (Exception exception) when (exception is InvalidCastException or FormatException or OverflowException)
        {
            throw new InvalidCastException($"{EntityType.Name}.{declared.Name} of {this} holds a {declared.Type} ('{Rules.Values.Text(value)}'); it cannot be read as {typeof(T).Name}.", exception);
        }
    }
}
