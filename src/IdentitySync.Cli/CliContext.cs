using IdentitySync.Configuration;
using IdentitySync.Connections;
using IdentitySync.Connections.Csv;
using IdentitySync.Connections.Ldap;
using IdentitySync.Connections.Sql;
using IdentitySync.Model;
using IdentitySync.Storage;
using IdentitySync.Synchronization;
using Microsoft.Extensions.Configuration;

namespace IdentitySync.Cli;

/// <summary>What a command works with: the configuration file, the model, the store and the engine.</summary>
internal sealed class CliContext : IDisposable
{
    public const string DefaultConfigFile = "identitysync.json";
    public const string DefaultStoreFile = "identitysync.db";

    private static readonly IConnectionPackage[] s_packages =
    [
        new CsvConnectionPackage(),
        new OrderFileConnectionPackage(),
        new LdapConnectionPackage(),
        // The SQL package reaches the databases whose providers the command line carries for its stores.
        new SqlConnectionPackage(new Dictionary<string, System.Data.Common.DbProviderFactory>
        {
            ["Sqlite"] = Microsoft.Data.Sqlite.SqliteFactory.Instance,
            ["PostgreSql"] = Npgsql.NpgsqlFactory.Instance,
        }),
    ];

    private readonly List<IDisposable> _opened = [];

    private readonly IReadOnlyList<IConnectionPackage> _packages;

    private CliContext(string configPath, IdentityModel model, StoreSettings store, string baseDirectory, IReadOnlyList<IConnectionPackage> packages)
    {
        _packages = packages;
        ConfigPath = configPath;
        Model = model;
        Store = store;
        BaseDirectory = baseDirectory;
    }

    public string ConfigPath { get; }

    public IdentityModel Model { get; }

    public StoreSettings Store { get; }

    /// <summary>Gets the SQLite file (the store's location when it is a file).</summary>
    public string StorePath => Store.Location;

    public string BaseDirectory { get; }

    /// <summary>Reads and validates the configuration; every problem becomes one <see cref="UsageException"/>.</summary>
    public static CliContext Load(string? configOption, string? storeOption)
    {
        var configPath = Path.GetFullPath(configOption ?? DefaultConfigFile);
        if (!File.Exists(configPath))
        {
            throw new UsageException(configOption is null
                ? $"No {DefaultConfigFile} in {Path.GetDirectoryName(configPath)}; give one with --config, or run 'identitysync demo' to see an example."
                : $"The configuration file '{configPath}' does not exist.");
        }

        IConfigurationRoot configuration;
        var options = new IdentitySyncOptions();
        try
        {
            configuration = new ConfigurationBuilder().AddJsonFile(configPath, optional: false).Build();
        }
        catch (Exception exception) when (exception is FormatException or InvalidDataException or InvalidOperationException)
        {
            throw new UsageException($"{configPath}: {exception.Message}");
        }

        // Strict first: a key that names no setting, or a value of the wrong type, is never skipped silently.
        var problems = StrictConfiguration.Check(configuration, typeof(ConfigurationFile));
        if (problems.Count > 0)
        {
            throw UsageException.Invalid(configPath, problems);
        }

        configuration.GetSection(IdentitySyncOptions.SectionName).Bind(options);
        var directory = Path.GetDirectoryName(configPath)!;
        var packages = WithPlugins(configuration, directory);
        var errors = new IdentityModelBuilder(options).WithConnectionPackages(packages.Select(static p => p.Id)).Validate();
        if (errors.Count > 0)
        {
            throw UsageException.Invalid(configPath, errors);
        }

        var store = StoreSettings.From(configuration, storeOption, directory);
        // One base directory for every relative path: the configuration file's folder, or the one the file names.
        if (options.BaseDirectory is not null && configuration["Exports:BaseDirectory"] is { } exports && !string.Equals(exports, options.BaseDirectory, StringComparison.Ordinal))
        {
            throw UsageException.Invalid(configPath, [$"IdentitySync.BaseDirectory and Exports.BaseDirectory: two base directories ('{options.BaseDirectory}', '{exports}'); keep IdentitySync.BaseDirectory only"]);
        }

        var baseDirectory = Path.GetFullPath(Path.Combine(directory, options.BaseDirectory ?? configuration["Exports:BaseDirectory"] ?? "."));
        var model = new IdentityModelBuilder(options).Build();

        // From here on, whatever is printed or written is masked with the secrets (no message before this
        // point repeats a connection setting's value: connection settings are text, checked later).
        CliApplication.Secrets = SecretRedactor.For(model, packages, [Environment.GetEnvironmentVariable("PGPASSWORD")]);
        return new CliContext(configPath, model, store, baseDirectory, packages);
    }

    /// <summary>
    /// The built-in packages and the plug-ins a configuration file names under <c>ConnectionPackages</c>,
    /// reading nothing else of it (listing packages must work while the rest of the file is being written).
    /// Without <paramref name="configOption"/>, the default file when there is one, else the built-in packages.
    /// </summary>
    public static IReadOnlyList<IConnectionPackage> PackagesFor(string? configOption)
    {
        var configPath = Path.GetFullPath(configOption ?? DefaultConfigFile);
        if (!File.Exists(configPath))
        {
            return configOption is null ? s_packages : throw new UsageException($"The configuration file '{configPath}' does not exist.");
        }

        try
        {
            return WithPlugins(new ConfigurationBuilder().AddJsonFile(configPath, optional: false).Build(), Path.GetDirectoryName(configPath)!);
        }
        catch (Exception exception) when (exception is FormatException or InvalidDataException or InvalidOperationException)
        {
            throw new UsageException($"{configPath}: {exception.Message}");
        }
    }

    /// <summary>Gets whether a package is built into the command line rather than loaded as a plug-in.</summary>
    public static bool IsBuiltIn(IConnectionPackage package) => s_packages.Contains(package);

    private static IReadOnlyList<IConnectionPackage> WithPlugins(IConfiguration configuration, string directory) =>
    [
        .. s_packages,
        .. ConnectionPlugins.Load(
            configuration.GetSection(nameof(ConfigurationFile.ConnectionPackages)).GetChildren().ToDictionary(static c => c.Key, static c => c.Value ?? string.Empty, StringComparer.OrdinalIgnoreCase),
            directory,
            s_packages),
    ];

    /// <summary>Asks each connection's package to check its settings, as <c>validate</c> does before any run.</summary>
    /// <returns>Problems as <c>Connectors[c].Connections[n].Settings.Setting: message</c>.</returns>
    public IReadOnlyList<string> CheckConnectionSettings() =>
    [
        .. from connector in Model.Connectors
           from connection in connector.Connections
           let package = PackageOf(connection)
           where package is not null
           from problem in ConnectionSetting.Validate(package, connection)
           select $"Connectors[{connector.Name}].Connections[{connection.Name}].Settings.{problem}",
    ];

    /// <summary>
    /// Asks each connection's package to check it against its system (<see cref="IConnectionPackage.CheckAsync"/>):
    /// the tables and columns its mappings read.
    /// </summary>
    /// <returns>Problems as <c>Connectors[c].Connections[n]: table.column: message</c>.</returns>
    public async Task<IReadOnlyList<string>> CheckConnectionsAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        foreach (var connector in Model.Connectors)
        {
            foreach (var connection in connector.Connections)
            {
                var package = PackageOf(connection);
                if (package is null)
                {
                    continue;
                }

                var tables = connector.EntityTypeMappings.Where(m => m.Connection == connection.Name)
                    .Select(static m => (m.Table, Columns: m.Properties.Select(static p => p.Column)))
                    .Concat(connector.AssociationMappings.Where(m => m.Connection == connection.Name)
                        .Select(static m => (m.Table, Columns: (IEnumerable<string>)[m.First.Column, m.Second.Column])))
                    .GroupBy(static t => t.Table, StringComparer.OrdinalIgnoreCase)
                    .ToDictionary(static g => g.Key, static g => (IReadOnlyList<string>)[.. g.SelectMany(static t => t.Columns).Distinct(StringComparer.OrdinalIgnoreCase)], StringComparer.OrdinalIgnoreCase);
                if (tables.Count == 0)
                {
                    continue;
                }

                var context = ContextOf(connector);
                foreach (var problem in await package.CheckAsync(connection, tables, context, cancellationToken).ConfigureAwait(false))
                {
                    problems.Add($"Connectors[{connector.Name}].Connections[{connection.Name}]: {problem}");
                }
            }
        }

        return problems;
    }

    /// <summary>Asks each connection's package what it can read (<see cref="IConnectionPackage.DiscoverAsync"/>), for <c>identitysync discover</c>.</summary>
    /// <param name="connector">One connector, or every one when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the discovery.</param>
    /// <returns>Per connection: its connector, itself, and the tables (<see langword="null"/> when its package cannot list them).</returns>
    public async Task<IReadOnlyList<(Connector Connector, Connection Connection, IReadOnlyList<DiscoveredTable>? Tables)>> DiscoverAsync(string? connector, CancellationToken cancellationToken)
    {
        var found = new List<(Connector, Connection, IReadOnlyList<DiscoveredTable>?)>();
        foreach (var each in connector is null ? Model.Connectors : [Connector(connector)])
        {
            foreach (var connection in each.Connections)
            {
                var package = PackageOf(connection)!;
                var context = ContextOf(each);
                found.Add((each, connection, await package.DiscoverAsync(connection, context, cancellationToken).ConfigureAwait(false)));
            }
        }

        return found;
    }

    /// <summary>The package a connection names; null when none has that id (model validation reports it).</summary>
    private IConnectionPackage? PackageOf(Connection connection) =>
        _packages.FirstOrDefault(p => string.Equals(p.Id, connection.Package, StringComparison.OrdinalIgnoreCase));

    /// <summary>The context of a command that talks to a connector's systems outside a run.</summary>
    private ConnectionContext ContextOf(Connector connector) => new(connector.Name, BaseDirectory, TimeProvider.System);

    /// <summary>Opens the store; a dry run on a SQLite store that does not exist yet works in memory and creates no file.</summary>
    public IResourceStore OpenStore(bool dryRun = false)
    {
        if (dryRun && !Store.IsPostgreSql && !File.Exists(StorePath))
        {
            return new InMemoryResourceStore();
        }

        var store = Store.Open();
        _opened.Add((IDisposable)store);
        return store;
    }

    public void Dispose() => _opened.ForEach(static s => s.Dispose());

    public SyncEngine Engine(IResourceStore store, TimeProvider? timeProvider = null) =>
        new(Model, store, _packages, new SyncEngineOptions { BaseDirectory = BaseDirectory }, timeProvider);

    /// <summary>Opens the store and reads it through the model's names.</summary>
    public Reading.RepositoryReader Reader()
    {
        var store = OpenStore();
        return new(Model, store, store, store);
    }

    public Provisioning.ProvisioningEngine Provisioning(IResourceStore store, TimeProvider? timeProvider = null) =>
        new(Model, store, _packages, new Provisioning.ProvisioningEngineOptions { BaseDirectory = BaseDirectory }, timeProvider);

    /// <summary>Whether some resource type has provisioning rules, so that jobs generate, fulfill and verify orders.</summary>
    public bool Provisions => Jobs.StandardJob.Provisions(Model);

    public Connector Connector(string name) =>
        Model.Connectors.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new UsageException($"--connector: unknown connector '{name}'; the configuration has {string.Join(", ", Model.Connectors.Select(static c => c.Name))}.");

    public EntityType EntityType(string name) =>
        Model.EntityTypes.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new UsageException($"--entity-type: unknown entity type '{name}'; the configuration has {string.Join(", ", Model.EntityTypes.Select(static e => e.Name))}.");
}
