using IdentitySync.Model;

namespace IdentitySync.Configuration;

/// <summary>Maps the properties of an entity type to columns.</summary>
public sealed class EntityTypeMappingBuilder
{
    internal EntityTypeMappingBuilder(EntityTypeMappingOptions options) => Options = options;

    /// <summary>Gets the options the builder writes into.</summary>
    public EntityTypeMappingOptions Options { get; }

    /// <summary>Maps a property to a column.</summary>
    /// <param name="property">The scalar property.</param>
    /// <param name="column">The column's header; the property's name when <see langword="null"/>.</param>
    /// <param name="key">The property's key role.</param>
    /// <param name="format">How the column's text is parsed; the type's default when <see langword="null"/>.</param>
    /// <param name="separator">The separator of a multi-valued property's values; <c>|</c> when <see langword="null"/>.</param>
    /// <param name="ignoreCase">Whether the key compares without case, as LDAP distinguished names do.</param>
    /// <returns>This builder.</returns>
    public EntityTypeMappingBuilder Map(
        string property,
        string? column = null,
        PropertyKey key = PropertyKey.None,
        ValueFormat? format = null,
        string? separator = null,
        bool ignoreCase = false)
    {
        Options.Properties.Add(new PropertyMappingOptions
        {
            Property = property,
            Column = column,
            Key = key,
            Format = format is null || format.Kind == ValueFormatKind.Default ? null : format.ToString(),
            Separator = separator,
            IgnoreCase = ignoreCase,
        });
        return this;
    }

    /// <summary>Sets the thresholds of this mapping's scope.</summary>
    /// <param name="configure">Edits the thresholds, which start off.</param>
    /// <returns>This builder.</returns>
    public EntityTypeMappingBuilder ConfigureThresholds(Action<ResourceThresholdOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(Options.Thresholds);
        return this;
    }
}
