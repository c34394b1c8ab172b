using IdentitySync.Configuration;
using IdentitySync.Connections;
using IdentitySync.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace IdentitySync;

/// <summary>Registers IdentitySync in a service collection.</summary>
public static class IdentitySyncServiceCollectionExtensions
{
    /// <summary>
    /// Adds IdentitySync: the options (bind them with <c>services.Configure&lt;IdentitySyncOptions&gt;(section)</c>
    /// or edit them with <see cref="IdentitySyncBuilderExtensions.ConfigureModel"/>), their validation at
    /// start-up, and the <see cref="IdentityModel"/> built from them. Calling it again adds nothing twice.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the builder: the model, connection packages, the store.</param>
    /// <returns>The builder, to chain plug-in registrations.</returns>
    public static IIdentitySyncBuilder AddIdentitySync(this IServiceCollection services, Action<IIdentitySyncBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        // ValidateOnStart adds a configuration action on every call: register the core once only.
        if (!services.Any(static d => d.ServiceType == typeof(IdentitySyncMarker)))
        {
            services.AddSingleton<IdentitySyncMarker>();
            services.AddOptions<IdentitySyncOptions>().ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IdentitySyncOptions>, IdentitySyncOptionsValidation>());
            services.TryAddSingleton(TimeProvider.System);
            services.TryAddSingleton(static provider => IdentityModelFactory.Create(
                provider.GetRequiredService<IOptions<IdentitySyncOptions>>().Value,
                IdentitySyncOptionsValidation.PackageIds(provider.GetServices<IConnectionPackage>())));
        }

        var builder = new IdentitySyncBuilder(services);
        configure?.Invoke(builder);
        return builder;
    }

    private sealed class IdentitySyncMarker;

    private sealed class IdentitySyncBuilder(IServiceCollection services) : IIdentitySyncBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}
