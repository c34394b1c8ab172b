using FluentValidation;
using IdentitySync.Rules;

namespace IdentitySync.Configuration;

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

            if (resourceType.ArchiveAfter <= TimeSpan.Zero)
            {
                context.AddFailure("ArchiveAfter", $"{resourceType.ArchiveAfter} is out of range; give a positive duration such as 90.00:00:00 (ninety days), or leave it out to keep every order");
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

            CheckProvisioningRules(context, index, resourceType, owner, target);
        });

        RuleFor(r => r.Thresholds).ChildRules(static thresholds =>
        {
            thresholds.RuleFor(t => t.MaxOrders).MustBeCount();
            thresholds.RuleFor(t => t.MaxOrdersPercent).MustBePercent();
        });
    }

    private static void CheckProvisioningRules(ValidationContext<ResourceTypeOptions> context, ConfigurationIndex index, ResourceTypeOptions resourceType, string? owner, string? target)
    {
        var targetType = target is null ? null : index.EntityTypes[target];
        var position = 0;
        foreach (var rule in resourceType.TypeRules)
        {
            CheckCriteria(context, index, $"TypeRules[{position++}].Criteria", rule.Criteria, rule.CriteriaExpression, owner);
        }

        position = 0;
        foreach (var rule in resourceType.ScalarRules)
        {
            var path = $"ScalarRules[{position++}]";
            if (targetType is not null)
            {
                var properties = targetType.Properties.Select(static p => p.Name ?? string.Empty).ToList();
                if (string.IsNullOrWhiteSpace(rule.Property))
                {
                    context.AddFailure(path + ".Property", $"required; name a property of '{targetType.Name}' ({string.Join(", ", properties)})");
                }
                else if (!properties.Contains(rule.Property, StringComparer.OrdinalIgnoreCase))
                {
                    context.AddFailure(path + ".Property", $"entity type '{targetType.Name}' has no property '{rule.Property}'; it has: {string.Join(", ", properties)}");
                }
            }

            RuleExpressionChecks.Check(context, index, path + ".Value", rule.Value, rule.ValueExpression, ExpressionKind.Value, "Owner", owner);
            if (rule.Ownership is not null && ValidationRules.ParseEnum<Model.PropertyOwnership>(rule.Ownership) is null)
            {
                context.AddFailure(path + ".Ownership", $"'{rule.Ownership}' is not an ownership policy; use {ValidationRules.Allowed<Model.PropertyOwnership>()}");
            }

            if (rule.Comparison is not null && ValidationRules.ParseEnum<Model.ComparisonType>(rule.Comparison) is null)
            {
                context.AddFailure(path + ".Comparison", $"'{rule.Comparison}' is not a comparison; use {ValidationRules.Allowed<Model.ComparisonType>()}");
            }
        }

        if (targetType is not null && !index.MappingConnectors.ContainsKey(targetType.Name!))
        {
            // A repository type (identities): the internal workflow creates its resources, keyed by the first property.
            var key = targetType.Properties.FirstOrDefault()?.Name;
            if (key is not null && resourceType.TypeRules.Count > 0 && !resourceType.ScalarRules.Any(r => string.Equals(r.Property, key, StringComparison.OrdinalIgnoreCase)))
            {
                context.AddFailure("ScalarRules", $"'{targetType.Name}' is a repository type (no connector maps it): its resources are created here and keyed by its first property, '{key}'; give a scalar rule for '{key}'");
            }
        }

        CheckWorkflowProperty(context, "Workflow.EndDateProperty", resourceType.Workflow.EndDateProperty, targetType, nameof(Model.ScalarType.DateTime));
        CheckWorkflowProperty(context, "Workflow.ActiveProperty", resourceType.Workflow.ActiveProperty, targetType, nameof(Model.ScalarType.Bool));

        position = 0;
        foreach (var rule in resourceType.NavigationRules)
        {
            var path = $"NavigationRules[{position++}]";
            CheckNavigation(context, path + ".Property", rule.Property, targetType);
            if (string.IsNullOrWhiteSpace(rule.Target))
            {
                context.AddFailure(path + ".Target", "required; give the primary key of the resource to link, such as CN=Staff,OU=Groups,DC=corp,DC=example");
            }

            CheckCriteria(context, index, path + ".Criteria", rule.Criteria, rule.CriteriaExpression, owner);
        }

        position = 0;
        foreach (var rule in resourceType.QueryRules)
        {
            var path = $"QueryRules[{position++}]";
            var linked = CheckNavigation(context, path + ".Property", rule.Property, targetType);
            RuleExpressionChecks.Check(context, index, path + ".Owner", rule.Owner, rule.OwnerExpression, ExpressionKind.Value, "Owner", owner);
            RuleExpressionChecks.Check(context, index, path + ".Target", rule.Target, rule.TargetExpression, ExpressionKind.Value, "Target", linked);
            CheckCriteria(context, index, path + ".Criteria", rule.Criteria, rule.CriteriaExpression, owner);
        }
    }

    private static void CheckWorkflowProperty(ValidationContext<ResourceTypeOptions> context, string path, string? property, EntityTypeOptions? targetType, string type)
    {
        if (property is null || targetType is null)
        {
            return;
        }

        var found = targetType.Properties.FirstOrDefault(p => string.Equals(p.Name, property, StringComparison.OrdinalIgnoreCase));
        if (found is null)
        {
            context.AddFailure(path, $"entity type '{targetType.Name}' has no property '{property}'; it has: {string.Join(", ", targetType.Properties.Select(static p => p.Name))}");
        }
        else if (!string.Equals(found.Type.ToString(), type, StringComparison.OrdinalIgnoreCase) || found.IsMultiValued)
        {
            context.AddFailure(path, $"'{property}' is {found.Type}{(found.IsMultiValued ? " (multi-valued)" : string.Empty)}; this setting needs a single-valued {type} property");
        }
    }

    private static void CheckCriteria(ValidationContext<ResourceTypeOptions> context, ConfigurationIndex index, string path, string? text, IRuleExpression? code, string? owner)
    {
        if (code is not null || !string.IsNullOrWhiteSpace(text))
        {
            RuleExpressionChecks.Check(context, index, path, text, code, ExpressionKind.Predicate, "Owner", owner);
        }
    }

    /// <summary>Checks a navigation property of the target type and returns the entity type it leads to.</summary>
    private static string? CheckNavigation(ValidationContext<ResourceTypeOptions> context, string path, string? property, EntityTypeOptions? targetType)
    {
        if (targetType is null)
        {
            return null;
        }

        var navigations = targetType.NavigationProperties.Where(static n => n.Name is not null).ToList();
        var found = navigations.FirstOrDefault(n => string.Equals(n.Name, property, StringComparison.OrdinalIgnoreCase));
        if (found is null)
        {
            var names = ConfigurationIndex.ListOrNone(navigations.Select(static n => n.Name!));
            context.AddFailure(path, string.IsNullOrWhiteSpace(property)
                ? $"required; name a navigation property of '{targetType.Name}' ({names})"
                : $"entity type '{targetType.Name}' has no navigation property '{property}'; {names}");
        }

        return found?.Target;
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
