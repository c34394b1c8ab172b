using IdentitySync.Configuration;
using IdentitySync.Connections;
using IdentitySync.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace IdentitySync;

/// <summary>Configures the model and the connection packages of an <see cref="IIdentitySyncBuilder"/>.</summary>
public static class IdentitySyncBuilderExtensions
{
    /// <summary>Adds to the model in code, after any bound configuration.</summary>
    /// <param name="builder">The IdentitySync builder.</param>
    /// <param name="configure">Adds entity types, connectors and resource types.</param>
    /// <returns>The builder.</returns>
    public static IIdentitySyncBuilder ConfigureModel(this IIdentitySyncBuilder builder, Action<IdentityModelBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure<IdentitySyncOptions>(options => configure(new IdentityModelBuilder(options)));
        return builder;
    }

    /// <summary>Adds a connection package; adding the same package type twice registers it once.</summary>
    /// <typeparam name="TPackage">The package type.</typeparam>
    /// <param name="builder">The IdentitySync builder.</param>
    /// <returns>The builder.</returns>
    public static IIdentitySyncBuilder AddConnectionPackage<TPackage>(this IIdentitySyncBuilder builder)
        where TPackage : class, IConnectionPackage
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IConnectionPackage, TPackage>());
        return builder;
    }
}
