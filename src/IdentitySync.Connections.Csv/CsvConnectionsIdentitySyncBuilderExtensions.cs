using IdentitySync.Connections;
using IdentitySync.Connections.Csv;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace IdentitySync;

/// <summary>Registers the CSV connection package.</summary>
public static class CsvConnectionsIdentitySyncBuilderExtensions
{
    /// <summary>Adds the CSV connection package (<c>Csv</c>); adding it twice registers it once.</summary>
    /// <param name="builder">The IdentitySync builder.</param>
    /// <returns>The builder.</returns>
    public static IIdentitySyncBuilder AddCsvConnectionPackage(this IIdentitySyncBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IConnectionPackage, CsvConnectionPackage>());
        return builder;
    }
}
