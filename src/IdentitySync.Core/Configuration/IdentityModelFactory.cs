using IdentitySync.Internal;
using IdentitySync.Model;
using IdentitySync.Rules;

namespace IdentitySync.Configuration;

/// <summary>Turns validated options into the immutable model; every route to a model ends here.</summary>
internal static class IdentityModelFactory
{
    public const string DefaultSeparator = "|";

    public static IdentityModel Create(IdentitySyncOptions options, IReadOnlyCollection<string>? connectionPackages)
    {
        var errors = new IdentitySyncOptionsValidator(connectionPackages).ValidateToMessages(options);
        if (errors.Count > 0)
        {
            throw new IdentityModelValidationException(errors);
        }

        var entityTypes = Canonical(List(options.EntityTypes.Select(CreateEntityType)));
        var associations = List(options.Associations.Select(a => CreateAssociation(a, entityTypes)));
        var connectors = List(options.Connectors.Select(c => CreateConnector(c, entityTypes, associations)));
        var resourceTypes = List(options.ResourceTypes.Select(r => CreateResourceType(r, entityTypes, connectors, options.ResourceTypes)));
        return new IdentityModel(entityTypes, associations, connectors, resourceTypes);
    }

    private static ValueList<T> List<T>(IEnumerable<T> items) => new(items);

    private static EntityType CreateEntityType(EntityTypeOptions options) => new(
        options.Name!,
        List(options.Properties.Select(static p => new ScalarProperty(p.Name!, Parse<ScalarType>(p.Type), p.IsMultiValued))),
        List(options.NavigationProperties.Select(static n => new NavigationProperty(n.Name!, n.Target!, n.IsMultiValued))));

    private static ValueList<EntityType> Canonical(ValueList<EntityType> entityTypes) =>
        List(entityTypes.Select(e => new EntityType(
            e.Name,
            e.Properties,
            List(e.NavigationProperties.Select(n => new NavigationProperty(
                n.Name,
                ModelLookup.Find(entityTypes, n.TargetEntityType, static t => t.Name)!.Name,
                n.IsMultiValued))))));

    private static EntityAssociation CreateAssociation(AssociationOptions options, IReadOnlyList<EntityType> entityTypes)
    {
        var (first, firstNavigation) = End(options.First!, entityTypes);
        var (second, secondNavigation) = End(options.Second!, entityTypes);
        var cardinality = options.Cardinality is null
            ? AssociationOptionsValidator.Expected(firstNavigation.IsMultiValued, secondNavigation.IsMultiValued)
            : Parse<AssociationCardinality>(options.Cardinality);
        return new EntityAssociation(options.Name!, first, second, cardinality);
    }

    // Names are stored as declared on the entity type, not as the reference spells them, so that
    // case-insensitive references do not make otherwise equal models differ.
    private static (AssociationEnd End, NavigationProperty Navigation) End(string side, IReadOnlyList<EntityType> entityTypes)
    {
        var parts = side.Split('.');
        var entityType = ModelLookup.Find(entityTypes, parts[0].Trim(), static e => e.Name)!;
        var navigation = entityType.FindNavigationProperty(parts[1].Trim())!;
        return (new AssociationEnd(entityType.Name, navigation.Name), navigation);
    }

    private static Connector CreateConnector(ConnectorOptions options, IReadOnlyList<EntityType> entityTypes, IReadOnlyList<EntityAssociation> associations)
    {
        var connections = List(options.Connections.Select(static c => new Connection(
            c.Name!,
            c.Package!,
            new ValueDictionary(c.Settings.Select(static s => KeyValuePair.Create(s.Key, s.Value ?? string.Empty))),
            c.IsExportDeactivated,
            c.IsFulfillDeactivated)));

        string ConnectionName(string name) => ModelLookup.Find(connections, name, static c => c.Name)!.Name;

        var mappings = List(options.Mappings.Select(m =>
        {
            var entityType = ModelLookup.Find(entityTypes, m.EntityType!, static e => e.Name)!;
            return new EntityTypeMapping(
                entityType.Name,
                ConnectionName(m.Connection!),
                m.Table!,
                List(m.Properties.Select(p =>
                {
                    var property = entityType.FindProperty(p.Property!)!;
                    var format = ValueFormatSyntax.TryParse(p.Format, out _)!;
                    var key = Parse<PropertyKey>(p.Key);

                    // Directories compare distinguished names without case: so do keys in that format.
                    return new PropertyMapping(
                        property.Name,
                        string.IsNullOrEmpty(p.Column) ? property.Name : p.Column,
                        format,
                        key,
                        property.IsMultiValued ? p.Separator ?? DefaultSeparator : null,
                        p.IgnoreCase || (format.Kind == ValueFormatKind.DistinguishedName && key != PropertyKey.None));
                })),
                Create(m.Thresholds),
                m.EmptyFields);
        }));

        var associationMappings = List(options.AssociationMappings.Select(m =>
        {
            var association = ModelLookup.Find(associations, m.Association!, static a => a.Name)!;
            return new AssociationMapping(
                association.Name,
                ConnectionName(m.Connection!),
                m.Table!,
                new AssociationMappingEnd(m.FirstColumn!, KeyOf(association.First, m.FirstKey)),
                new AssociationMappingEnd(m.SecondColumn!, KeyOf(association.Second, m.SecondKey)),
                Create(m.Thresholds));
        }));

        return new Connector(
            options.Name!,
            Connector.InProcessAgent,
            options.IsDeactivated,
            connections,
            mappings,
            associationMappings,
            new ConnectorThresholds(Create(options.Thresholds.Resources), Create(options.Thresholds.Links), options.Thresholds.MaxQuarantined, options.Thresholds.MaxQuarantinedPercent),
            options.MaxValueLength);

        string KeyOf(AssociationEnd end, string? key)
        {
            var sideMapping = ModelLookup.Find(mappings, end.EntityType, static m => m.EntityType)!;
            return key is null ? sideMapping.PrimaryKey.Property : sideMapping.FindProperty(key)!.Property;
        }
    }

    private static ResourceType CreateResourceType(
        ResourceTypeOptions options,
        IReadOnlyList<EntityType> entityTypes,
        IReadOnlyList<Connector> connectors,
        IEnumerable<ResourceTypeOptions> resourceTypes)
    {
        string EntityTypeName(string name) => ModelLookup.Find(entityTypes, name, static e => e.Name)!.Name;
        string ResourceTypeName(string name) =>
            resourceTypes.First(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase)).Name!;

        return new ResourceType(
            options.Name!,
            string.IsNullOrWhiteSpace(options.DisplayName) ? options.Name! : options.DisplayName,
            ModelLookup.Find(connectors, options.Connector!, static c => c.Name)!.Name,
            EntityTypeName(options.OwnerEntityType!),
            EntityTypeName(options.TargetEntityType!),
            new ResourceTypePolicies(
                options.AllowAdd,
                options.AllowRemove,
                options.RemoveOrphans,
                options.RequireReview,
                options.AllowMultiplePerOwner,
                List(options.DependsOn.Select(ResourceTypeName)),
                new ProvisioningThresholds(options.Thresholds.MaxOrders, options.Thresholds.MaxOrdersPercent),
                options.TransmittedTimeout,
                options.ComputedValuesWin,
                new WorkflowPolicy(
                    options.Workflow.EndDateProperty is { } end ? TargetProperty(end) : null,
                    options.Workflow.ActiveProperty is { } active ? TargetProperty(active) : null,
                    options.Workflow.HardDelete)),
            List(options.CorrelationRules.Select(static r => new CorrelationRule(
                r.OwnerExpression ?? RuleExpression.Parse(r.Owner!),
                r.AccountExpression ?? RuleExpression.Parse(r.Account!),
                r.Confidence))),
            List(options.ClassificationRules.Select(static r => new ClassificationRule(
                r.PredicateExpression ?? RuleExpression.Parse(r.Predicate!),
                r.Confidence))),
            List(options.TypeRules.Select(static r => new TypeRule(Optional(r.Criteria, r.CriteriaExpression), r.Deny))),
            List(options.ScalarRules.Select(r => new ScalarRule(
                TargetProperty(r.Property!),
                r.ValueExpression ?? RuleExpression.Parse(r.Value!),
                r.Comparison is null ? ComparisonType.CaseSensitive : Parse<ComparisonType>(r.Comparison),
                r.CreateOnly,
                r.Ownership is null ? null : Parse<PropertyOwnership>(r.Ownership)))),
            List(options.NavigationRules.Select(r => new NavigationRule(TargetNavigation(r.Property!), r.Target!, Optional(r.Criteria, r.CriteriaExpression)))),
            List(options.QueryRules.Select(r => new QueryRule(
                TargetNavigation(r.Property!),
                r.OwnerExpression ?? RuleExpression.Parse(r.Owner!),
                r.TargetExpression ?? RuleExpression.Parse(r.Target!),
                Optional(r.Criteria, r.CriteriaExpression)))),
            options.ArchiveAfter);

        string TargetProperty(string name) => ModelLookup.Find(entityTypes, options.TargetEntityType!, static e => e.Name)!.FindProperty(name)!.Name;

        string TargetNavigation(string name) => ModelLookup.Find(entityTypes, options.TargetEntityType!, static e => e.Name)!.FindNavigationProperty(name)!.Name;
    }

    private static IRuleExpression? Optional(string? text, IRuleExpression? code) =>
        code ?? (string.IsNullOrWhiteSpace(text) ? null : RuleExpression.Parse(text));

    private static ResourceThresholds Create(ResourceThresholdOptions o) =>
        new(o.MaxInserted, o.MaxUpdated, o.MaxDeleted, o.MaxInsertedPercent, o.MaxUpdatedPercent, o.MaxDeletedPercent);

    private static LinkThresholds Create(LinkThresholdOptions o) =>
        new(o.MaxInserted, o.MaxDeleted, o.MaxInsertedPercent, o.MaxDeletedPercent);

    private static T Parse<T>(T? value)
        where T : struct, Enum => ValidationRules.ParseEnum(value) ?? throw new InvalidOperationException($"'{value}' passed validation as {typeof(T).Name}.");

    private static T Parse<T>(T value)
        where T : struct, Enum => ValidationRules.ParseEnum(value) ?? throw new InvalidOperationException($"'{value}' passed validation as {typeof(T).Name}.");
}
