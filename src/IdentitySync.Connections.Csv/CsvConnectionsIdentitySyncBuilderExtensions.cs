using IdentitySync.Connections;
using IdentitySync.Connections.Csv;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace IdentitySync;

/// <summary>Registers the CSV and order-file connection packages.</summary>
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

    /// <summary>Adds the order-file connection package (<c>OrderFile</c>), which writes orders as JSON files for scripts; adding it twice registers it once.</summary>
    /// <param name="builder">The IdentitySync builder.</param>
    /// <returns>The builder.</returns>
    public static IIdentitySyncBuilder AddOrderFileConnectionPackage(this IIdentitySyncBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IConnectionPackage, OrderFileConnectionPackage>());
        return builder;
    }
}
