using IdentitySync.Connections;
using Microsoft.Extensions.Options;

namespace IdentitySync.Configuration;

/// <summary>Runs the FluentValidation rules as options validation, so an invalid configuration fails at start.</summary>
internal sealed class IdentitySyncOptionsValidation(IEnumerable<IConnectionPackage> packages) : IValidateOptions<IdentitySyncOptions>
{
    private readonly IReadOnlyCollection<string> _packageIds = PackageIds(packages);

    public static IReadOnlyCollection<string> PackageIds(IEnumerable<IConnectionPackage> packages) =>
        [.. packages.Select(static p => p.Id).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase)];

    public ValidateOptionsResult Validate(string? name, IdentitySyncOptions options)
    {
        var errors = new IdentitySyncOptionsValidator(_packageIds).ValidateToMessages(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
