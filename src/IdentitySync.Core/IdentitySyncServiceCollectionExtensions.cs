using IdentitySync.Configuration;
using IdentitySync.Connections;
using IdentitySync.Model;
using IdentitySync.Storage;
using IdentitySync.Synchronization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IdentitySync;

/// <summary>Registers IdentitySync in a service collection.</summary>
public static class IdentitySyncServiceCollectionExtensions
{
    /// <summary>
    /// Adds IdentitySync: the options (bind them with <c>services.Configure&lt;IdentitySyncOptions&gt;(section)</c>
    /// or edit them with <see cref="IdentitySyncBuilderExtensions.ConfigureModel"/>), their validation at
    /// start-up, the <see cref="IdentityModel"/> built from them, and the <see cref="SyncEngine"/>,
    /// <see cref="Categorization.CategorizationEngine"/> and <see cref="Provisioning.ProvisioningEngine"/> (which need a store: see
    /// <see cref="IdentitySyncBuilderExtensions.UseInMemoryStore"/>). Calling it again adds nothing twice.
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

            // Callers depend on the store role they use; each resolves to the one registered store.
            services.TryAddSingleton<IResourceReader>(static provider => StoreOf(provider));
            services.TryAddSingleton<ISyncStateStore>(static provider => StoreOf(provider));
            services.TryAddSingleton<ICategorizationStore>(static provider => StoreOf(provider));
            services.TryAddSingleton<IOrderStore>(static provider => StoreOf(provider));
            services.TryAddSingleton<IProvenanceStore>(static provider => StoreOf(provider));
            services.TryAddSingleton<IJobRunStore>(static provider => StoreOf(provider));
            services.TryAddSingleton(static provider => IdentityModelFactory.Create(
                provider.GetRequiredService<IOptions<IdentitySyncOptions>>().Value,
                IdentitySyncOptionsValidation.PackageIds(provider.GetServices<IConnectionPackage>())));
            // One base directory for both engines: IdentitySyncOptions.BaseDirectory, against the content root. A
            // host that configures an engine's own BaseDirectory after AddIdentitySync still has the last word.
            services.AddOptions<SyncEngineOptions>()
                .Configure<IOptions<IdentitySyncOptions>, IServiceProvider>(static (o, identity, provider) => o.BaseDirectory = BaseDirectoryOf(identity.Value, provider));
            services.TryAddSingleton(static provider => new SyncEngine(
                provider.GetRequiredService<IdentityModel>(),
                StoreOf(provider),
                provider.GetServices<IConnectionPackage>(),
                provider.GetRequiredService<IOptions<SyncEngineOptions>>().Value,
                provider.GetRequiredService<TimeProvider>(),
                LoggersOf(provider)));
            services.TryAddSingleton(static provider => new Categorization.CategorizationEngine(
                provider.GetRequiredService<IdentityModel>(),
                StoreOf(provider),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetService<ILogger<Categorization.CategorizationEngine>>()));
            services.AddOptions<Provisioning.ProvisioningEngineOptions>()
                .Configure<IOptions<IdentitySyncOptions>, IServiceProvider>(static (o, identity, provider) => o.BaseDirectory = BaseDirectoryOf(identity.Value, provider));
            services.TryAddSingleton(static provider => new Provisioning.ProvisioningEngine(
                provider.GetRequiredService<IdentityModel>(),
                StoreOf(provider),
                provider.GetServices<IConnectionPackage>(),
                provider.GetRequiredService<IOptions<Provisioning.ProvisioningEngineOptions>>().Value,
                provider.GetRequiredService<TimeProvider>(),
                provider.GetService<Provisioning.IInternalWorkflow>(),
                LoggersOf(provider)));
            services.TryAddSingleton(static provider => SecretRedactor.For(
                provider.GetRequiredService<IdentityModel>(),
                provider.GetServices<IConnectionPackage>()));
            services.TryAddSingleton(static provider => new Jobs.JobRunner(
                StoreOf(provider),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<SecretRedactor>(),
                provider.GetService<ILogger<Jobs.JobRunner>>()));
            services.TryAddSingleton(static provider => new Provisioning.RepositoryEditor(
                provider.GetRequiredService<IdentityModel>(),
                StoreOf(provider),
                provider.GetRequiredService<TimeProvider>()));
            services.TryAddSingleton(static provider => new Reading.RepositoryReader(
                provider.GetRequiredService<IdentityModel>(),
                provider.GetRequiredService<IResourceReader>(),
                provider.GetRequiredService<ICategorizationStore>(),
                provider.GetRequiredService<IOrderStore>()));
        }

        var builder = new IdentitySyncBuilder(services);
        configure?.Invoke(builder);
        return builder;
    }

    /// <summary>
    /// Adds IdentitySync with its options bound from a configuration section (<c>configuration.GetSection("IdentitySync")</c>),
    /// strictly: a key that names no setting, or a value that does not convert to its setting's type, fails
    /// the host at start with one message per problem (the path, the value, what is expected or the
    /// closest known setting), as <c>identitysync validate</c> reports them. Otherwise as <see cref="AddIdentitySync(IServiceCollection, Action{IIdentitySyncBuilder}?)"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding the model: EntityTypes, Associations, Connectors, ResourceTypes.</param>
    /// <param name="configure">Configures the builder: connection packages, the store; runs after the binding, so its model edits win.</param>
    /// <returns>The builder, to chain plug-in registrations.</returns>
    public static IIdentitySyncBuilder AddIdentitySync(this IServiceCollection services, IConfiguration configuration, Action<IIdentitySyncBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = services.AddIdentitySync();
        var check = new ConfigurationCheck(configuration);
        services.AddOptions<IdentitySyncOptions>().Configure(options =>
        {
            // A configuration with problems is not bound half-way: the validation below reports it instead.
            if (check.Problems.Count == 0)
            {
                configuration.Bind(options);
            }
        });
        services.AddSingleton<IValidateOptions<IdentitySyncOptions>>(check);
        configure?.Invoke(builder);
        return builder;
    }

    /// <summary>
    /// The folder relative paths resolve against: <see cref="IdentitySyncOptions.BaseDirectory"/>, relative to the
    /// host's content root (a generic host puts it in the configuration as <c>contentRoot</c>), else the current directory.
    /// </summary>
    private static string BaseDirectoryOf(IdentitySyncOptions options, IServiceProvider provider)
    {
        var root = provider.GetService<IConfiguration>()?["contentRoot"] is { Length: > 0 } contentRoot ? contentRoot : Environment.CurrentDirectory;
        return Path.GetFullPath(options.BaseDirectory ?? ".", root);
    }

    /// <summary>The host's logger factory, or one that logs nothing: the engines then give connections their loggers.</summary>
    private static ILoggerFactory LoggersOf(IServiceProvider provider) =>
        provider.GetService<ILoggerFactory>() ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;

    private static IResourceStore StoreOf(IServiceProvider provider) =>
        provider.GetService<IResourceStore>()
        ?? throw new IdentitySyncException("No IdentitySync store is registered; choose one on AddIdentitySync, for example UseInMemoryStore().");

    /// <summary>The strict check of a bound section, run once and reported as options validation at start.</summary>
    private sealed class ConfigurationCheck(IConfiguration configuration) : IValidateOptions<IdentitySyncOptions>
    {
        private readonly Lazy<IReadOnlyList<string>> _problems = new(() => StrictConfiguration.Check(configuration, typeof(IdentitySyncOptions)));

        public IReadOnlyList<string> Problems => _problems.Value;

        public ValidateOptionsResult Validate(string? name, IdentitySyncOptions options) =>
            Problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(Problems);
    }

    private sealed class IdentitySyncMarker;

    private sealed class IdentitySyncBuilder(IServiceCollection services) : IIdentitySyncBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}
