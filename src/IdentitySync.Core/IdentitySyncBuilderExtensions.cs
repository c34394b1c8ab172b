using IdentitySync.Configuration;
using IdentitySync.Connections;
using IdentitySync.Storage;
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

    /// <summary>Adds a connection package instance; a second package with the same id is not added.</summary>
    /// <param name="builder">The IdentitySync builder.</param>
    /// <param name="package">The package.</param>
    /// <returns>The builder.</returns>
    public static IIdentitySyncBuilder AddConnectionPackage(this IIdentitySyncBuilder builder, IConnectionPackage package)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(package);
        if (!builder.Services.Any(d => d.ServiceType == typeof(IConnectionPackage) && d.ImplementationInstance is IConnectionPackage p
                && string.Equals(p.Id, package.Id, StringComparison.OrdinalIgnoreCase)))
        {
            builder.Services.AddSingleton(package);
        }

        return builder;
    }

    /// <summary>
    /// Replaces the internal workflow that fulfills repository orders (identities fed by HR), for example to
    /// route changes through the host's own approvals; the replacement typically wraps <see cref="Provisioning.RepositoryWorkflow"/>.
    /// </summary>
    /// <typeparam name="TWorkflow">The workflow, resolved from the container.</typeparam>
    /// <param name="builder">The IdentitySync builder.</param>
    /// <returns>The builder.</returns>
    public static IIdentitySyncBuilder UseInternalWorkflow<TWorkflow>(this IIdentitySyncBuilder builder)
        where TWorkflow : class, Provisioning.IInternalWorkflow
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<Provisioning.IInternalWorkflow, TWorkflow>());
        return builder;
    }

    /// <summary>Uses the in-memory store: for tests and hosts that keep nothing between processes.</summary>
    /// <param name="builder">The IdentitySync builder.</param>
    /// <returns>The builder.</returns>
    public static IIdentitySyncBuilder UseInMemoryStore(this IIdentitySyncBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IResourceStore, InMemoryResourceStore>());
        return builder;
    }
}
