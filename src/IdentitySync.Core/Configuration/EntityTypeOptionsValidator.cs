using FluentValidation;
using IdentitySync.Model;

namespace IdentitySync.Configuration;

internal sealed class EntityTypeOptionsValidator : AbstractValidator<EntityTypeOptions>
{
    private static void CheckPairing(EntityTypeOptions entityType, ValidationContext<EntityTypeOptions> context)
    {
        if (string.IsNullOrWhiteSpace(entityType.Name))
        {
            return;
        }

        var index = ConfigurationIndex.From(context);
        var position = 0;
        foreach (var navigation in entityType.NavigationProperties)
        {
            var path = "NavigationProperties" + ValidationRules.Indexer(navigation.Name, position++) + ".Name";
            if (string.IsNullOrWhiteSpace(navigation.Name))
            {
                continue;
            }

            var side = entityType.Name + "." + navigation.Name;
            var associations = index.AssociationsOfNavigation.GetValueOrDefault(side);
            if (associations is null)
            {
                context.AddFailure(path, $"'{side}' is not paired by any association; declare an association whose First or Second is '{side}' and whose other side is its inverse");
            }
            else if (associations.Count > 1)
            {
                context.AddFailure(path, $"'{side}' is a side of several associations ({string.Join(", ", associations)}); a navigation property belongs to exactly one association");
            }
        }
    }

    public EntityTypeOptionsValidator()
    {
        RuleFor(e => e.Name).MustBeUniqueIdentifier(static index => index.EntityTypes, "entity type");

        RuleFor(e => e).Custom(static (entityType, context) =>
        {
            // Scalar and navigation properties share one namespace: a path such as Owner.Manager must be unambiguous.
            var all = entityType.Properties.Select(static (p, i) => (p.Name, Path: "Properties" + ValidationRules.Indexer(p.Name, i)))
                .Concat(entityType.NavigationProperties.Select(static (n, i) => (n.Name, Path: "NavigationProperties" + ValidationRules.Indexer(n.Name, i))));
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, list) in all)
            {
                var path = list + ".Name";
                if (string.IsNullOrWhiteSpace(name))
                {
                    context.AddFailure(path, $"required; give the property an identifier ({ValidationRules.IdentifierRule})");
                }
                else if (!ValidationRules.IsIdentifier(name))
                {
                    context.AddFailure(path, $"'{name}' is not a valid identifier; {ValidationRules.IdentifierRule}");
                }
                else if (!seen.Add(name))
                {
                    context.AddFailure(path, $"duplicate property name '{name}' (names are case-insensitive, scalar and navigation properties alike); each property needs its own name");
                }
            }

            CheckPairing(entityType, context);
        });

        RuleForEach(e => e.Properties)
            .OverrideIndexer(static (_, _, p, i) => ValidationRules.Indexer(p.Name, i))
            .ChildRules(static property => property.RuleFor(p => p.Type).Custom(static (type, context) =>
            {
                if (ValidationRules.ParseEnum<ScalarType>(type) is null)
                {
                    context.AddFailure($"'{type}' is not a scalar type; allowed: {ValidationRules.Allowed<ScalarType>()}");
                }
            }));

        RuleForEach(e => e.NavigationProperties)
            .OverrideIndexer(static (_, _, n, i) => ValidationRules.Indexer(n.Name, i))
            .ChildRules(static navigation =>
            {
                navigation.RuleFor(n => n.Target).Custom(static (target, context) =>
                {
                    var index = ConfigurationIndex.From(context);
                    if (string.IsNullOrWhiteSpace(target))
                    {
                        context.AddFailure($"required; name the entity type this property refers to ({index.DeclaredEntityTypes})");
                    }
                    else if (!index.EntityTypes.ContainsKey(target))
                    {
                        context.AddFailure($"unknown entity type '{target}'; {index.DeclaredEntityTypes}");
                    }
                });
            });
    }
}
