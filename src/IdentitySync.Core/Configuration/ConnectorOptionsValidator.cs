using FluentValidation;
using IdentitySync.Model;

namespace IdentitySync.Configuration;

internal sealed class ConnectorOptionsValidator : AbstractValidator<ConnectorOptions>
{
    public ConnectorOptionsValidator()
    {
        RuleFor(c => c.Name).MustBeUniqueIdentifier(static index => index.Connectors, "connector");

        RuleFor(c => c.Agent).Custom(static (agent, context) =>
        {
            if (!string.Equals(agent, Connector.InProcessAgent, StringComparison.OrdinalIgnoreCase))
            {
                context.AddFailure($"unknown agent '{agent}'; the only agent is {Connector.InProcessAgent}, which runs connections inside the host");
            }
        });

        RuleFor(c => c).Custom(static (connector, context) =>
        {
            ValidationRules.CheckIdentifiers(context, connector.Connections, static c => c.Name, "Connections", "Name", "connection");

            var mapped = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var index = 0;
            foreach (var mapping in connector.Mappings)
            {
                if (!string.IsNullOrWhiteSpace(mapping.EntityType) && !mapped.Add(mapping.EntityType))
                {
                    context.AddFailure(
                        "Mappings" + ValidationRules.Indexer(mapping.EntityType, index) + ".EntityType",
                        $"entity type '{mapping.EntityType}' is mapped twice in this connector; map it once, with all its properties");
                }

                index++;
            }

            var associations = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            index = 0;
            foreach (var mapping in connector.AssociationMappings)
            {
                if (!string.IsNullOrWhiteSpace(mapping.Association) && !associations.Add(mapping.Association))
                {
                    context.AddFailure(
                        "AssociationMappings" + ValidationRules.Indexer(mapping.Association, index) + ".Association",
                        $"association '{mapping.Association}' is mapped twice in this connector; map it once");
                }

                index++;
            }
        });

        RuleForEach(c => c.Connections)
            .OverrideIndexer(static (_, _, c, i) => ValidationRules.Indexer(c.Name, i))
            .ChildRules(static connection => connection.RuleFor(c => c.Package).Custom(static (package, context) =>
            {
                var registered = ConfigurationIndex.From(context).ConnectionPackages;
                var known = registered is null ? string.Empty : "; registered: " + (registered.Count == 0 ? "none" : string.Join(", ", registered));
                if (string.IsNullOrWhiteSpace(package))
                {
                    context.AddFailure($"required; name the connection package that implements this connection, such as Csv{known}");
                }
                else if (registered is not null && !registered.Contains(package, StringComparer.OrdinalIgnoreCase))
                {
                    context.AddFailure($"no connection package '{package}' is registered{known}");
                }
            }));

        RuleForEach(c => c.Mappings)
            .OverrideIndexer(static (_, _, m, i) => ValidationRules.Indexer(m.EntityType, i))
            .SetValidator(static (connector, _) => new EntityTypeMappingOptionsValidator(connector));

        RuleForEach(c => c.AssociationMappings)
            .OverrideIndexer(static (_, _, m, i) => ValidationRules.Indexer(m.Association, i))
            .SetValidator(static (connector, _) => new AssociationMappingOptionsValidator(connector));

        RuleFor(c => c.Thresholds.Resources).SetValidator(new ResourceThresholdOptionsValidator());
        RuleFor(c => c.Thresholds.Links).SetValidator(new LinkThresholdOptionsValidator());
        RuleFor(c => c.Thresholds.MaxQuarantined).MustBeCount();
        RuleFor(c => c.Thresholds.MaxQuarantinedPercent).MustBePercent();
        RuleFor(c => c.MaxValueLength).GreaterThan(0).WithMessage("must be at least 1 character; the default is 1048576");
    }

    /// <summary>Explains why a mapping's connection reference is wrong, or returns null.</summary>
    internal static string? ConnectionError(ConnectorOptions connector, string? connection)
    {
        var declared = ConfigurationIndex.ListOrNone(connector.Connections.Select(static c => c.Name ?? string.Empty).Where(static n => n.Length > 0));
        if (string.IsNullOrWhiteSpace(connection))
        {
            return $"required; name the connection of connector '{connector.Name}' that exports the table ({declared})";
        }

        return connector.Connections.Any(c => string.Equals(c.Name, connection, StringComparison.OrdinalIgnoreCase))
            ? null
            : $"unknown connection '{connection}' in connector '{connector.Name}'; {declared}";
    }
}
