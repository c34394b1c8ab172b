using FluentValidation;
using IdentitySync.Model;

namespace IdentitySync.Configuration;

internal sealed class PropertyMappingOptionsValidator : AbstractValidator<PropertyMappingOptions>
{
    public PropertyMappingOptionsValidator(EntityTypeMappingOptions mapping)
    {
        RuleFor(p => p).Custom((propertyMapping, context) =>
        {
            var key = ValidationRules.ParseEnum<PropertyKey>(propertyMapping.Key);
            if (key is null)
            {
                context.AddFailure("Key", $"'{propertyMapping.Key}' is not a key role; allowed: {ValidationRules.Allowed<PropertyKey>()}");
            }

            var format = ValueFormatSyntax.TryParse(propertyMapping.Format, out var formatError);
            if (format is null)
            {
                context.AddFailure("Format", formatError!);
            }

            if (propertyMapping.Separator is { Length: 0 })
            {
                context.AddFailure("Separator", "empty; give the text that separates the values, or leave it out for '|'");
            }

            var index = ConfigurationIndex.From(context);
            if (string.IsNullOrWhiteSpace(mapping.EntityType) || !index.EntityTypes.TryGetValue(mapping.EntityType, out var entityType))
            {
                return;
            }

            var declared = ConfigurationIndex.ListOrNone(entityType.Properties.Select(static p => p.Name ?? string.Empty).Where(static n => n.Length > 0));
            if (string.IsNullOrWhiteSpace(propertyMapping.Property))
            {
                context.AddFailure("Property", $"required; name a scalar property of '{entityType.Name}' ({declared})");
                return;
            }

            var property = entityType.Properties.FirstOrDefault(
                p => string.Equals(p.Name, propertyMapping.Property, StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                var hint = entityType.NavigationProperties.Any(n => string.Equals(n.Name, propertyMapping.Property, StringComparison.OrdinalIgnoreCase))
                    ? " (navigation properties are fed by association mappings)"
                    : string.Empty;
                context.AddFailure("Property", $"entity type '{entityType.Name}' has no scalar property '{propertyMapping.Property}'{hint}; {declared}");
                return;
            }

            if (ValidationRules.ParseEnum<ScalarType>(property.Type) is not { } type)
            {
                return;
            }

            if (format is not null && !format.AppliesTo.Contains(type))
            {
                context.AddFailure("Format", $"'{propertyMapping.Format}' does not apply to {type} property '{property.Name}'; allowed for {type}: {ValueFormatSyntax.Describe(type)}");
            }

            if (key is PropertyKey.Primary or PropertyKey.Unique && property.IsMultiValued)
            {
                context.AddFailure("Key", $"'{property.Name}' is multi-valued and cannot be a {key.ToString()!.ToLowerInvariant()} key; a key holds one value");
            }

            if (propertyMapping.IgnoreCase && (key is not (PropertyKey.Primary or PropertyKey.Unique) || type != ScalarType.String || format?.Kind != ValueFormatKind.Default))
            {
                context.AddFailure("IgnoreCase", $"'{property.Name}' is not a text key; IgnoreCase applies to primary and unique keys of type String with the default format");
            }

            if (propertyMapping.Separator is not null && !property.IsMultiValued)
            {
                context.AddFailure("Separator", $"'{property.Name}' is mono-valued; a separator applies to multi-valued properties only");
            }
        });
    }
}
