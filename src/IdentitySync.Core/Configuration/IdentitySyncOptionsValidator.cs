using FluentValidation;
using FluentValidation.Results;

namespace IdentitySync.Configuration;

/// <summary>Validates the whole configuration; every failure names the path of its setting.</summary>
internal sealed class IdentitySyncOptionsValidator : AbstractValidator<IdentitySyncOptions>
{
    private readonly IReadOnlyCollection<string>? _connectionPackages;

    public IdentitySyncOptionsValidator(IReadOnlyCollection<string>? connectionPackages)
    {
        _connectionPackages = connectionPackages;

        RuleForEach(o => o.EntityTypes)
            .OverrideIndexer(static (_, _, e, i) => ValidationRules.Indexer(e.Name, i))
            .SetValidator(new EntityTypeOptionsValidator());
        RuleForEach(o => o.Associations)
            .OverrideIndexer(static (_, _, a, i) => ValidationRules.Indexer(a.Name, i))
            .SetValidator(new AssociationOptionsValidator());
        RuleForEach(o => o.Connectors)
            .OverrideIndexer(static (_, _, c, i) => ValidationRules.Indexer(c.Name, i))
            .SetValidator(new ConnectorOptionsValidator());
        RuleForEach(o => o.ResourceTypes)
            .OverrideIndexer(static (_, _, r, i) => ValidationRules.Indexer(r.Name, i))
            .SetValidator(new ResourceTypeOptionsValidator());
    }

    /// <summary>Validates and returns every failure as <c>path: message</c>, in configuration order.</summary>
    public IReadOnlyList<string> ValidateToMessages(IdentitySyncOptions options) =>
        [.. Validate(options).Errors.Select(static e => e.PropertyName + ": " + e.ErrorMessage)];

    protected override bool PreValidate(ValidationContext<IdentitySyncOptions> context, ValidationResult result)
    {
        context.RootContextData[ConfigurationIndex.ContextKey] = new ConfigurationIndex(context.InstanceToValidate, _connectionPackages);
        return true;
    }
}
