using FluentValidation;
using IdentitySync.Model;

namespace IdentitySync.Configuration;

internal sealed class EntityTypeMappingOptionsValidator : AbstractValidator<EntityTypeMappingOptions>
{
    public const int MaxUniqueKeys = 3;

    public EntityTypeMappingOptionsValidator(ConnectorOptions connector)
    {
        RuleFor(m => m.EntityType).Custom((entityType, context) =>
        {
            var index = ConfigurationIndex.From(context);
            if (string.IsNullOrWhiteSpace(entityType))
            {
                context.AddFailure($"required; name the entity type this mapping feeds ({index.DeclaredEntityTypes})");
            }
            else if (!index.EntityTypes.ContainsKey(entityType))
            {
                context.AddFailure($"unknown entity type '{entityType}'; {index.DeclaredEntityTypes}");
            }
            else if (index.MappingConnectors.TryGetValue(entityType, out var owner)
                     && !string.Equals(owner, connector.Name, StringComparison.OrdinalIgnoreCase))
            {
                context.AddFailure($"entity type '{entityType}' is already mapped by connector '{owner}'; an entity type is fed by one connector");
            }
        });

        RuleFor(m => m.Connection).Custom((connection, context) =>
        {
            if (ConnectorOptionsValidator.ConnectionError(connector, connection) is { } error)
            {
                context.AddFailure(error);
            }
        });

        RuleFor(m => m.Table).Custom(static (table, context) =>
        {
            if (string.IsNullOrWhiteSpace(table))
            {
                context.AddFailure("required; name the connection table (for a CSV connection, the table its file is read as)");
            }
        });

        RuleFor(m => m).Custom(static (mapping, context) =>
        {
            var primary = mapping.Properties.Where(static p => ValidationRules.ParseEnum<PropertyKey>(p.Key) == PropertyKey.Primary)
                .Select(static p => p.Property).ToList();
            if (primary.Count != 1)
            {
                var found = primary.Count == 0 ? "none" : $"{primary.Count} ({string.Join(", ", primary)})";
                context.AddFailure("PrimaryKey", $"exactly one property must be the primary key (Key: Primary); found {found}");
            }

            var unique = mapping.Properties.Where(static p => ValidationRules.ParseEnum<PropertyKey>(p.Key) == PropertyKey.Unique)
                .Select(static p => p.Property).ToList();
            if (unique.Count > MaxUniqueKeys)
            {
                context.AddFailure("UniqueKeys", $"at most {MaxUniqueKeys} properties may be unique keys (Key: Unique); found {unique.Count} ({string.Join(", ", unique)})");
            }

            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var position = 0;
            foreach (var property in mapping.Properties)
            {
                if (!string.IsNullOrWhiteSpace(property.Property) && !seen.Add(property.Property))
                {
                    context.AddFailure(
                        "Properties" + ValidationRules.Indexer(property.Property, position) + ".Property",
                        $"property '{property.Property}' is mapped twice; map each property from one column");
                }

                position++;
            }
        });

        RuleForEach(m => m.Properties)
            .OverrideIndexer(static (_, _, p, i) => ValidationRules.Indexer(p.Property, i))
            .SetValidator(static (mapping, _) => new PropertyMappingOptionsValidator(mapping));

        RuleFor(m => m.Thresholds).SetValidator(new ResourceThresholdOptionsValidator());
    }
}
