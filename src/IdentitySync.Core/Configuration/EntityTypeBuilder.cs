using IdentitySync.Model;

namespace IdentitySync.Configuration;

/// <summary>Adds the properties of an entity type.</summary>
public sealed class EntityTypeBuilder
{
    internal EntityTypeBuilder(EntityTypeOptions options) => Options = options;

    /// <summary>Gets the options the builder writes into.</summary>
    public EntityTypeOptions Options { get; }

    /// <summary>Adds a scalar property.</summary>
    /// <param name="name">The identifier.</param>
    /// <param name="type">The type of its values.</param>
    /// <param name="isMultiValued">Whether it holds several values.</param>
    /// <returns>This builder.</returns>
    public EntityTypeBuilder AddProperty(string name, ScalarType type = ScalarType.String, bool isMultiValued = false)
    {
        Options.Properties.Add(new ScalarPropertyOptions { Name = name, Type = type, IsMultiValued = isMultiValued });
        return this;
    }

    /// <summary>Adds a navigation property; an association must pair it with its inverse.</summary>
    /// <param name="name">The identifier.</param>
    /// <param name="targetEntityType">The entity type it refers to.</param>
    /// <param name="isMultiValued">Whether it refers to several resources.</param>
    /// <returns>This builder.</returns>
    public EntityTypeBuilder AddNavigationProperty(string name, string targetEntityType, bool isMultiValued = false)
    {
        Options.NavigationProperties.Add(new NavigationPropertyOptions { Name = name, Target = targetEntityType, IsMultiValued = isMultiValued });
        return this;
    }
}
