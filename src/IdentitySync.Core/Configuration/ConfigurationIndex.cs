namespace IdentitySync.Configuration;

/// <summary>Name lookups over the whole configuration, built once per validation for cross-reference rules.</summary>
internal sealed class ConfigurationIndex
{
    public const string ContextKey = "IdentitySync.ConfigurationIndex";

    public ConfigurationIndex(IdentitySyncOptions options, IReadOnlyCollection<string>? connectionPackages)
    {
        ConnectionPackages = connectionPackages;
        EntityTypes = FirstByName(options.EntityTypes, static e => e.Name);
        Associations = FirstByName(options.Associations, static a => a.Name);
        Connectors = FirstByName(options.Connectors, static c => c.Name);
        ResourceTypes = FirstByName(options.ResourceTypes, static r => r.Name);

        foreach (var connector in options.Connectors)
        {
            foreach (var mapping in connector.Mappings)
            {
                if (!string.IsNullOrEmpty(mapping.EntityType) && !string.IsNullOrEmpty(connector.Name))
                {
                    MappingConnectors.TryAdd(mapping.EntityType, connector.Name);
                }
            }
        }

        foreach (var association in options.Associations)
        {
            foreach (var side in (ReadOnlySpan<string?>)[association.First, association.Second])
            {
                if (side is not null && !string.IsNullOrEmpty(association.Name))
                {
                    if (!AssociationsOfNavigation.TryGetValue(side.Trim(), out var names))
                    {
                        AssociationsOfNavigation[side.Trim()] = names = [];
                    }

                    names.Add(association.Name);
                }
            }
        }
    }

    public IReadOnlyCollection<string>? ConnectionPackages { get; }

    public Dictionary<string, EntityTypeOptions> EntityTypes { get; }

    public Dictionary<string, AssociationOptions> Associations { get; }

    public Dictionary<string, ConnectorOptions> Connectors { get; }

    public Dictionary<string, ResourceTypeOptions> ResourceTypes { get; }

    /// <summary>Entity type name → the first connector that maps it.</summary>
    public Dictionary<string, string> MappingConnectors { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary><c>EntityType.Navigation</c> → the associations that name it as a side.</summary>
    public Dictionary<string, List<string>> AssociationsOfNavigation { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static ConfigurationIndex From<T>(FluentValidation.ValidationContext<T> context) =>
        (ConfigurationIndex)context.RootContextData[ContextKey];

    public string DeclaredEntityTypes => ListOrNone(EntityTypes.Keys);

    public static string ListOrNone(IEnumerable<string> names)
    {
        var list = string.Join(", ", names);
        return list.Length == 0 ? "none is declared" : "declared: " + list;
    }

    /// <summary>Resolves <c>EntityType.Navigation</c> to its parts, or explains why it cannot.</summary>
    public (EntityTypeOptions EntityType, NavigationPropertyOptions Navigation)? ResolveSide(string text, out string? error)
    {
        error = null;
        var parts = text.Split('.');
        if (parts.Length != 2 || parts.Any(string.IsNullOrWhiteSpace))
        {
            error = $"'{text}' is not of the form EntityType.NavigationProperty, for example Group.member";
            return null;
        }

        if (!EntityTypes.TryGetValue(parts[0].Trim(), out var entityType))
        {
            error = $"unknown entity type '{parts[0].Trim()}'; {DeclaredEntityTypes}";
            return null;
        }

        var navigation = entityType.NavigationProperties.FirstOrDefault(
            n => string.Equals(n.Name, parts[1].Trim(), StringComparison.OrdinalIgnoreCase));
        if (navigation is null)
        {
            error = $"entity type '{entityType.Name}' has no navigation property '{parts[1].Trim()}'; "
                + ListOrNone(entityType.NavigationProperties.Select(n => n.Name!));
            return null;
        }

        return (entityType, navigation);
    }

    private static Dictionary<string, T> FirstByName<T>(IEnumerable<T> items, Func<T, string?> nameOf)
    {
        var result = new Dictionary<string, T>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in items)
        {
            var name = nameOf(item);
            if (!string.IsNullOrEmpty(name))
            {
                result.TryAdd(name, item);
            }
        }

        return result;
    }
}
