using FluentValidation;
using IdentitySync.Rules;

namespace IdentitySync.Configuration.Validation;

internal sealed class ResourceTypeOptionsValidator : AbstractValidator<ResourceTypeOptions>
{
    public ResourceTypeOptionsValidator()
    {
        RuleFor(r => r.Name).MustBeUniqueIdentifier(static index => index.ResourceTypes, "resource type");

        RuleFor(r => r.Connector).Custom(static (connector, context) =>
        {
            var index = ConfigurationIndex.From(context);
            var declared = ConfigurationIndex.ListOrNone(index.Connectors.Keys);
            if (string.IsNullOrWhiteSpace(connector))
            {
                context.AddFailure($"required; name the connector whose resources this type holds ({declared})");
            }
            else if (!index.Connectors.ContainsKey(connector))
            {
                context.AddFailure($"unknown connector '{connector}'; {declared}");
            }
        });

        RuleFor(r => r.OwnerEntityType).Custom(static (entityType, context) =>
        {
            var index = ConfigurationIndex.From(context);
            if (string.IsNullOrWhiteSpace(entityType))
            {
                context.AddFailure($"required; name the owners' entity type, usually the identity ({index.DeclaredEntityTypes})");
            }
            else if (!index.EntityTypes.ContainsKey(entityType))
            {
                context.AddFailure($"unknown entity type '{entityType}'; {index.DeclaredEntityTypes}");
            }
        });

        RuleFor(r => r).Custom(static (resourceType, context) =>
        {
            var index = ConfigurationIndex.From(context);
            var target = resourceType.TargetEntityType;
            if (string.IsNullOrWhiteSpace(target))
            {
                context.AddFailure("TargetEntityType", $"required; name the target entity type ({index.DeclaredEntityTypes})");
            }
            else if (!index.EntityTypes.ContainsKey(target))
            {
                context.AddFailure("TargetEntityType", $"unknown entity type '{target}'; {index.DeclaredEntityTypes}");
            }
            else if (index.MappingConnectors.TryGetValue(target, out var owner)
                     && resourceType.Connector is not null
                     && index.Connectors.ContainsKey(resourceType.Connector)
                     && !string.Equals(owner, resourceType.Connector, StringComparison.OrdinalIgnoreCase))
            {
                // A target that no connector maps is a repository type (identities), provisioned by an internal workflow.
                context.AddFailure("TargetEntityType", $"entity type '{target}' is mapped by connector '{owner}', not by '{resourceType.Connector}'; a resource type's targets belong to its connector, or to no connector (repository types such as identities)");
            }

            var position = 0;
            foreach (var dependency in resourceType.DependsOn)
            {
                var path = $"DependsOn[{position++}]";
                if (!index.ResourceTypes.ContainsKey(dependency))
                {
                    context.AddFailure(path, $"unknown resource type '{dependency}'; {ConfigurationIndex.ListOrNone(index.ResourceTypes.Keys)}");
                }
                else if (string.Equals(dependency, resourceType.Name, StringComparison.OrdinalIgnoreCase))
                {
                    context.AddFailure(path, $"'{dependency}' cannot depend on itself");
                }
            }

            if (resourceType.Name is not null && FindCycle(resourceType, index) is { } cycle)
            {
                context.AddFailure("DependsOn", $"the dependencies form a cycle ({string.Join(" -> ", cycle)}); remove one of them");
            }

            if (resourceType.TransmittedTimeout <= TimeSpan.Zero)
            {
                context.AddFailure("TransmittedTimeout", $"{resourceType.TransmittedTimeout} is out of range; give a positive duration such as 1.00:00:00 (one day)");
            }
        });

        RuleFor(r => r).Custom(static (resourceType, context) =>
        {
            var index = ConfigurationIndex.From(context);
            var owner = resourceType.OwnerEntityType is { } o && index.EntityTypes.TryGetValue(o, out var ownerType) ? ownerType.Name : null;
            var target = resourceType.TargetEntityType is { } t && index.EntityTypes.TryGetValue(t, out var targetType) ? targetType.Name : null;
            var position = 0;
            foreach (var rule in resourceType.CorrelationRules)
            {
                var path = $"CorrelationRules[{position++}]";
                RuleExpressionChecks.Check(context, index, path + ".Owner", rule.Owner, rule.OwnerExpression, ExpressionKind.Value, "Owner", owner);
                RuleExpressionChecks.Check(context, index, path + ".Account", rule.Account, rule.AccountExpression, ExpressionKind.Value, "Account", target);
                RuleExpressionChecks.CheckConfidence(context, path + ".Confidence", rule.Confidence);
            }

            position = 0;
            foreach (var rule in resourceType.ClassificationRules)
            {
                var path = $"ClassificationRules[{position++}]";
                RuleExpressionChecks.Check(context, index, path + ".Predicate", rule.Predicate, rule.PredicateExpression, ExpressionKind.Predicate, "Account", target);
                RuleExpressionChecks.CheckConfidence(context, path + ".Confidence", rule.Confidence);
            }
        });

        RuleFor(r => r.Thresholds).ChildRules(static thresholds =>
        {
            thresholds.RuleFor(t => t.MaxOrders).MustBeCount();
            thresholds.RuleFor(t => t.MaxOrdersPercent).MustBePercent();
        });
    }

    private static List<string>? FindCycle(ResourceTypeOptions start, ConfigurationIndex index)
    {
        // Depth-first from start; a path that comes back to start is a cycle (self-dependency is reported apart).
        var path = new List<string> { start.Name! };
        var visited = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        return Visit(start);

        List<string>? Visit(ResourceTypeOptions current)
        {
            foreach (var dependency in current.DependsOn)
            {
                if (string.Equals(dependency, current.Name, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (string.Equals(dependency, start.Name, StringComparison.OrdinalIgnoreCase))
                {
                    return [.. path, start.Name!];
                }

                if (visited.Add(dependency) && index.ResourceTypes.TryGetValue(dependency, out var next))
                {
                    path.Add(next.Name!);
                    if (Visit(next) is { } cycle)
                    {
                        return cycle;
                    }

                    path.RemoveAt(path.Count - 1);
                }
            }

            return null;
        }
    }
}
