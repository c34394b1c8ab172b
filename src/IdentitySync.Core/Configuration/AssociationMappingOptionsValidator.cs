using FluentValidation;
using IdentitySync.Model;

namespace IdentitySync.Configuration;

internal sealed class AssociationMappingOptionsValidator : AbstractValidator<AssociationMappingOptions>
{
    public AssociationMappingOptionsValidator(ConnectorOptions connector)
    {
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
                context.AddFailure("required; name the connection table that holds the pairs");
            }
        });

        RuleFor(m => m.FirstColumn).Custom(static (column, context) => RequireColumn(column, "first", context));
        RuleFor(m => m.SecondColumn).Custom(static (column, context) => RequireColumn(column, "second", context));

        RuleFor(m => m).Custom((mapping, context) =>
        {
            var index = ConfigurationIndex.From(context);
            var declared = ConfigurationIndex.ListOrNone(index.Associations.Keys);
            if (string.IsNullOrWhiteSpace(mapping.Association))
            {
                context.AddFailure("Association", $"required; name the association this table feeds ({declared})");
                return;
            }

            if (!index.Associations.TryGetValue(mapping.Association, out var association))
            {
                context.AddFailure("Association", $"unknown association '{mapping.Association}'; {declared}");
                return;
            }

            CheckSide(association.First, mapping.FirstKey, "FirstKey");
            CheckSide(association.Second, mapping.SecondKey, "SecondKey");

            void CheckSide(string? side, string? key, string setting)
            {
                if (side is null || index.ResolveSide(side, out _) is not { } resolved)
                {
                    return;
                }

                var entityType = resolved.EntityType.Name!;
                var sideMapping = connector.Mappings.FirstOrDefault(
                    m => string.Equals(m.EntityType, entityType, StringComparison.OrdinalIgnoreCase));
                if (sideMapping is null)
                {
                    context.AddFailure(setting, $"connector '{connector.Name}' does not map entity type '{entityType}' ({side}); an association mapping resolves both sides through the connector's own mappings");
                    return;
                }

                if (key is null)
                {
                    return;
                }

                var keys = sideMapping.Properties
                    .Where(static p => ValidationRules.ParseEnum<PropertyKey>(p.Key) is PropertyKey.Primary or PropertyKey.Unique)
                    .Select(static p => p.Property ?? string.Empty)
                    .ToList();
                if (!keys.Contains(key, StringComparer.OrdinalIgnoreCase))
                {
                    context.AddFailure(setting, $"'{key}' is not a primary or unique key of the mapping of '{entityType}'; its keys: {string.Join(", ", keys)}");
                }
            }
        });

        RuleFor(m => m.Thresholds).SetValidator(new LinkThresholdOptionsValidator());
    }

    private static void RequireColumn(string? column, string side, ValidationContext<AssociationMappingOptions> context)
    {
        if (string.IsNullOrWhiteSpace(column))
        {
            context.AddFailure($"required; name the column that holds the {side} side's key values");
        }
    }
}
