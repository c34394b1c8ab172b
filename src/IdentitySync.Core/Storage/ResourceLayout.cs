using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using IdentitySync.Internal;
using IdentitySync.Model;

namespace IdentitySync.Storage;

/// <summary>
/// The properties of an entity type, in the order its values are packed: what a resource's values were
/// written in. Its text (JSON: the entity type, then each property's name, type and multi-valuedness) is
/// what a store keeps; its id is the text's hash, which packed values carry in their header. Layouts are
/// immutable and named by their content, so one process-wide cache serves every store.
/// </summary>
internal sealed class ResourceLayout
{
    private static readonly ConditionalWeakTable<EntityType, ResourceLayout> s_ofType = [];
    private static readonly ConcurrentDictionary<long, ResourceLayout> s_known = new();
    private static readonly ConditionalWeakTable<EntityType, ConcurrentDictionary<long, LayoutMap>> s_maps = [];
    private static int s_generation;

    [ThreadStatic]
    private static EntityType? t_lastType;

    [ThreadStatic]
    private static ResourceLayout? t_lastLayout;

    [ThreadStatic]
    private static int t_lastGeneration;

    private ResourceLayout(long id, string text, string entityType, IReadOnlyList<LayoutProperty> properties)
    {
        Id = id;
        Text = text;
        EntityType = entityType;
        Properties = properties;
    }

    /// <summary>Gets the id: the text's hash, never 0.</summary>
    public long Id { get; }

    /// <summary>Gets the text a store keeps.</summary>
    public string Text { get; }

    /// <summary>Gets the entity type's name.</summary>
    public string EntityType { get; }

    /// <summary>Gets the properties, in packing order.</summary>
    public IReadOnlyList<LayoutProperty> Properties { get; }

    /// <summary>Gets the layout of an entity type as the model has it now.</summary>
    /// <param name="type">The entity type.</param>
    /// <returns>Its layout (known to the cache from then on).</returns>
    public static ResourceLayout Of(EntityType type)
    {
        // Every value an engine reads asks for its entity type's layout: the last one asked on this thread is
        // answered without the table lookup (the generation drops it after Forget).
        if (ReferenceEquals(t_lastType, type) && t_lastGeneration == Volatile.Read(ref s_generation))
        {
            return t_lastLayout!;
        }

        var layout = s_ofType.GetValue(type, static t =>
        {
            var properties = t.Properties.Select(static p => new LayoutProperty(p.Name, p.Type, p.IsMultiValued)).ToArray();
            var text = JsonSerializer.Serialize(new LayoutText(t.Name, properties), StoredJsonContext.Default.LayoutText);
            var layout = new ResourceLayout(IdOf(text), text, t.Name, properties);
            return s_known.GetOrAdd(layout.Id, layout);
        });
        (t_lastType, t_lastLayout, t_lastGeneration) = (type, layout, Volatile.Read(ref s_generation));
        return layout;
    }

    /// <summary>Learns a layout a store kept; text that is not a layout is ignored (its values read by position).</summary>
    /// <param name="id">The id the store kept it under.</param>
    /// <param name="text">Its text.</param>
    public static void Learn(long id, string text)
    {
        if (s_known.ContainsKey(id) || IdOf(text) != id)
        {
            return;
        }

        try
        {
            if (JsonSerializer.Deserialize(text, StoredJsonContext.Default.LayoutText) is { EntityType: { } name, Properties: { } properties })
            {
                s_known.TryAdd(id, new ResourceLayout(id, text, name, properties));
            }
        }
        catch (JsonException)
        {
            // Not a layout this version can read: values written in it read by position.
        }
    }

    /// <summary>Learns every layout a store keeps.</summary>
    /// <param name="reader">The store.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>A task that completes when they are known.</returns>
    public static async ValueTask LearnAsync(IResourceReader reader, CancellationToken cancellationToken)
    {
        foreach (var (id, text) in await reader.GetLayoutsAsync(cancellationToken).ConfigureAwait(false))
        {
            Learn(id, text);
        }
    }

    /// <summary>
    /// Saves, in a writer's transaction, the layouts values about to be written carry (each once), so that
    /// the store can name their properties after the model changed. A layout this process does not know
    /// (values of a change set computed elsewhere under another model) is left out: those values read by position.
    /// </summary>
    /// <param name="writer">The writer.</param>
    /// <param name="values">The values the transaction writes.</param>
    /// <param name="saved">The layouts saved so far in the transaction; updated.</param>
    /// <param name="cancellationToken">Stops the write.</param>
    /// <returns>A task that completes when they are saved.</returns>
    public static async ValueTask SaveAsync(IChangeSetWriter writer, IEnumerable<IReadOnlyList<object?>> values, HashSet<long> saved, CancellationToken cancellationToken)
    {
        foreach (var id in values.Select(ResourceValueCodec.LayoutOf).Where(id => id != 0 && !saved.Contains(id)).Distinct().ToList())
        {
            saved.Add(id);
            if (s_known.TryGetValue(id, out var layout))
            {
                await writer.SaveLayoutAsync(id, layout.Text, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Saves, in a writer's transaction, the layout of an entity type as the model has it now.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="type">The entity type.</param>
    /// <param name="cancellationToken">Stops the write.</param>
    /// <returns>A task that completes when it is saved.</returns>
    public static ValueTask SaveAsync(IChangeSetWriter writer, EntityType type, CancellationToken cancellationToken)
    {
        var layout = Of(type);
        return writer.SaveLayoutAsync(layout.Id, layout.Text, cancellationToken);
    }

    /// <summary>
    /// Gets how to read values written in one layout as an entity type has them now, or null when they read
    /// by position: the same layout, values without one, or a layout this process has not learnt.
    /// </summary>
    /// <param name="from">The layout the values were written in.</param>
    /// <param name="to">The entity type now.</param>
    /// <returns>The map, or null.</returns>
    public static LayoutMap? Map(long from, EntityType to)
    {
        if (from == 0 || from == Of(to).Id || !s_known.TryGetValue(from, out var stored))
        {
            return null;
        }

        return s_maps.GetValue(to, static _ => new()).GetOrAdd(from, static (_, state) => new LayoutMap(state.Stored, state.To), (Stored: stored, To: to));
    }

    /// <summary>Forgets every layout, as a new process starts: tests prove with it that layouts come back from the store.</summary>
    internal static void Forget()
    {
        Interlocked.Increment(ref s_generation);
        s_ofType.Clear();
        s_known.Clear();
        s_maps.Clear();
    }

    private static long IdOf(string text)
    {
        var id = unchecked((long)Xxh64.Hash(Encoding.UTF8.GetBytes(text)));
        return id == 0 ? 1 : id;
    }
}

/// <summary>One property of a layout.</summary>
/// <param name="Name">The property's name.</param>
/// <param name="Type">Its type.</param>
/// <param name="MultiValued">Whether it holds several values.</param>
internal sealed record LayoutProperty(string Name, ScalarType Type, bool MultiValued);

/// <summary>A layout's text.</summary>
/// <param name="EntityType">The entity type's name.</param>
/// <param name="Properties">Its properties, in packing order.</param>
internal sealed record LayoutText(string EntityType, LayoutProperty[] Properties);


/// <summary>
/// Reads values written in an older layout as the entity type has them now: by property name (case
/// ignored); a property the old layout lacked reads empty; a retyped one is converted through its text
/// (empty when the text is not a value of the new type); a single value read as multi-valued becomes a
/// list of one, and a list read as single-valued keeps its first item.
/// </summary>
internal sealed class LayoutMap
{
    private readonly int[] _source;
    private readonly LayoutProperty?[] _convertFrom;
    private readonly ScalarProperty[] _to;

    public LayoutMap(ResourceLayout from, EntityType to)
    {
        _to = [.. to.Properties];
        _source = new int[_to.Length];
        _convertFrom = new LayoutProperty?[_to.Length];
        for (var i = 0; i < _to.Length; i++)
        {
            _source[i] = -1;
            for (var j = 0; j < from.Properties.Count; j++)
            {
                var old = from.Properties[j];
                if (string.Equals(old.Name, _to[i].Name, StringComparison.OrdinalIgnoreCase))
                {
                    _source[i] = j;
                    _convertFrom[i] = old.Type == _to[i].Type && old.MultiValued == _to[i].IsMultiValued ? null : old;
                    break;
                }
            }
        }
    }

    /// <summary>Reads one value.</summary>
    /// <param name="values">The values as written.</param>
    /// <param name="index">The property's position now.</param>
    /// <returns>The value, or null.</returns>
    public object? Read(IReadOnlyList<object?> values, int index)
    {
        if ((uint)index >= (uint)_source.Length || _source[index] is var source && (source < 0 || source >= values.Count))
        {
            return null;
        }

        var value = values[source];
        return _convertFrom[index] is null ? value : Convert(value, _to[index]);
    }

    private static object? Convert(object? value, ScalarProperty to)
    {
        if (value is null)
        {
            return null;
        }

        if (to.IsMultiValued)
        {
            var items = (value is object[] many ? many : [value]).Select(i => ConvertOne(i, to.Type)).Where(static i => i is not null).ToArray();
            return items.Length == 0 ? null : items;
        }

        return ConvertOne(value is object[] list ? list.FirstOrDefault() : value, to.Type);
    }

    private static object? ConvertOne(object? value, ScalarType type)
    {
        if (value is null)
        {
            return null;
        }

        var text = value is byte[] bytes ? System.Convert.ToBase64String(bytes) : Rules.Values.Text(value);
        if (text.Length == 0)
        {
            return null;
        }

        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        return type switch
        {
            ScalarType.String => text,
            ScalarType.Int32 => int.TryParse(text, invariant, out var i) ? i : null,
            ScalarType.Int64 => long.TryParse(text, invariant, out var l) ? l : null,
            ScalarType.Double => double.TryParse(text, invariant, out var d) ? d : null,
            ScalarType.Bool => bool.TryParse(text, out var b) ? b : null,
            ScalarType.Guid => Guid.TryParse(text, out var g) ? g : null,
            ScalarType.DateTime => DateTime.TryParse(text, invariant, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var t) ? t : null,
            ScalarType.Binary => TryBase64(text),
            _ => null,
        };
    }

    private static byte[]? TryBase64(string text)
    {
        var buffer = new byte[text.Length];
        return System.Convert.TryFromBase64String(text, buffer, out var written) ? buffer[..written] : null;
    }
}
