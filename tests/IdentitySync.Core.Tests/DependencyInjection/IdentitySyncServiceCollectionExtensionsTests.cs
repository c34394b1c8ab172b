using IdentitySync.ChangeSets;
using IdentitySync.Configuration;
using IdentitySync.Connections;
using IdentitySync.Model;
using IdentitySync.Storage;
using IdentitySync.Synchronization;
using IdentitySync.Testing;
using IdentitySync.Tests.Configuration;
using IdentitySync.Tests.Samples;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IdentitySync.Tests.DependencyInjection;

public sealed class IdentitySyncServiceCollectionExtensionsTests
{
    [Test]
    public void AddIdentitySync_CalledTwice_RegistersNothingTwice()
    {
        var services = new ServiceCollection();
        services.AddIdentitySync(b => b.AddConnectionPackage<CsvPackage>());
        var count = services.Count;

        services.AddIdentitySync(b => b.AddConnectionPackage<CsvPackage>());

        Assert.That(services, Has.Count.EqualTo(count));
    }

    [Test]
    public void AddIdentitySync_EveryStoreRole_ResolvesToTheOneRegisteredStore()
    {
        var services = new ServiceCollection();
        services.AddIdentitySync(b => b.UseInMemoryStore());
        using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<IResourceStore>();

        object[] roles =
        [
            provider.GetRequiredService<IResourceReader>(),
            provider.GetRequiredService<ISyncStateStore>(),
            provider.GetRequiredService<ICategorizationStore>(),
            provider.GetRequiredService<IOrderStore>(),
            provider.GetRequiredService<IProvenanceStore>(),
            provider.GetRequiredService<IJobRunStore>(),
        ];

        Assert.That(roles, Has.All.SameAs(store));
    }

    [Test]
    public void AddIdentitySync_ConfiguredInCode_ResolvesTheModel()
    {
        var services = new ServiceCollection();
        services.AddIdentitySync(b => b
            .AddConnectionPackage<CsvPackage>()
            .ConfigureModel(m => MinimalSampleInto(m)));
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();

        Assert.Multiple(() =>
        {
            Assert.That(provider.GetRequiredService<IdentityModel>(), Is.EqualTo(MinimalSample.Create().Build()));
            Assert.That(provider.GetRequiredService<TimeProvider>(), Is.SameAs(TimeProvider.System));
        });
    }

    [Test]
    public void AddIdentitySync_BoundFromJson_ResolvesTheSameModelAsCodeFirst()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(TestContext.CurrentContext.TestDirectory, ThreeConnectorSample.JsonFile))
            .Build();
        var services = new ServiceCollection();
        services.Configure<IdentitySyncOptions>(configuration.GetSection(IdentitySyncOptions.SectionName));
        services.AddIdentitySync(b => b.AddConnectionPackage<CsvPackage>().AddConnectionPackage<ManualTicketPackage>());
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();

        Assert.That(provider.GetRequiredService<IdentityModel>(), Is.EqualTo(ThreeConnectorSample.CodeFirst().Build()));
    }

    [TestCase(null, "/srv/iga", "/srv/iga")]
    [TestCase("exports", "/srv/iga", "/srv/iga/exports")]
    [TestCase("/data/exports", "/srv/iga", "/data/exports")]
    public void BaseDirectory_IsOneFolder_ForBothEngines_AgainstTheHostsContentRoot(string? baseDirectory, string contentRoot, string expected)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["contentRoot"] = contentRoot, ["IdentitySync:BaseDirectory"] = baseDirectory })
            .Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddIdentitySync(configuration.GetSection(IdentitySyncOptions.SectionName));
        using var provider = services.BuildServiceProvider();

        Assert.Multiple(() =>
        {
            Assert.That(provider.GetRequiredService<IOptions<SyncEngineOptions>>().Value.BaseDirectory, Is.EqualTo(expected));
            Assert.That(provider.GetRequiredService<IOptions<IdentitySync.Provisioning.ProvisioningEngineOptions>>().Value.BaseDirectory, Is.EqualTo(expected));
        });
    }

    [Test]
    public void Validate_InvalidConfiguration_FailsAtStartListingEveryError()
    {
        var options = JsonConfigurationTests.Bind(ThreeConnectorSample.JsonFile);
        options.Connectors[1].Mappings[0].Properties[0].Key = IdentitySync.Model.PropertyKey.None;
        options.ResourceTypes[0].Thresholds.MaxOrdersPercent = -1;
        var services = new ServiceCollection();
        services.AddIdentitySync(b => b
            .AddConnectionPackage<CsvPackage>()
            .ConfigureModel(m => CopyInto(options, m.Options)));
        using var provider = services.BuildServiceProvider();

        var exception = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.That(exception.Failures, Is.EqualTo(new[]
        {
            "Connectors[AD].Mappings[AD_User].PrimaryKey: exactly one property must be the primary key (Key: Primary); found none",
            "Connectors[App].Connections[Tickets].Package: no connection package 'ManualTicket' is registered; registered: Csv",
            "ResourceTypes[HR_Identity].Thresholds.MaxOrdersPercent: -1 is out of range; a percentage is from 0 (off) to 100",
        }));
    }

    [Test]
    public async Task AddIdentitySync_WithStoreAndPackage_ResolvesAWorkingSyncEngine()
    {
        var package = new InMemoryConnectionPackage("Csv");
        package.SetTable("users", "dn;sAMAccountName;employeeID;whenCreated;proxyAddresses", "CN=a;a;1;20240101000000Z;x|y");
        package.SetTable("groups", "dn");
        package.SetTable("members", "group_dn;member_dn");
        var services = new ServiceCollection();
        services.AddIdentitySync(b => b
            .UseInMemoryStore()
            .AddConnectionPackage(package)
            .AddConnectionPackage(new InMemoryConnectionPackage("csv"))
            .ConfigureModel(m => MinimalSampleInto(m)));
        using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<SyncEngine>().SynchronizeAsync("AD", new SyncRunOptions { Mode = SyncMode.Initial });

        Assert.Multiple(async () =>
        {
            Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Succeeded), report.Message);
            Assert.That(await provider.GetRequiredService<IResourceStore>().CountResourcesAsync("AD_User", CancellationToken.None), Is.EqualTo(1));
            Assert.That(provider.GetServices<IConnectionPackage>().Count(), Is.EqualTo(1), "a second package with the same id is not added");
            Assert.That((await provider.GetRequiredService<IdentitySync.Categorization.CategorizationEngine>().CategorizeAsync()).Considered, Is.EqualTo(1));
            Assert.That((await provider.GetRequiredService<IdentitySync.Provisioning.ProvisioningEngine>().GenerateAsync()).ResourceTypes.Single().Owners, Is.Zero);
        });
    }

    [Test]
    public void AddIdentitySync_WithoutStore_SaysHowToChooseOne()
    {
        var services = new ServiceCollection();
        services.AddIdentitySync(b => b.ConfigureModel(m => m.AddEntityType("Identity")));
        using var provider = services.BuildServiceProvider();

        var exception = Assert.Throws<IdentitySyncException>(() => provider.GetRequiredService<SyncEngine>());

        Assert.That(exception.Message, Is.EqualTo("No IdentitySync store is registered; choose one on AddIdentitySync, for example UseInMemoryStore()."));
    }

    private static void MinimalSampleInto(IdentityModelBuilder builder) => CopyInto(MinimalSample.Create().Options, builder.Options);

    private static void CopyInto(IdentitySyncOptions source, IdentitySyncOptions target)
    {
        foreach (var e in source.EntityTypes)
        {
            target.EntityTypes.Add(e);
        }

        foreach (var a in source.Associations)
        {
            target.Associations.Add(a);
        }

        foreach (var c in source.Connectors)
        {
            target.Connectors.Add(c);
        }

        foreach (var r in source.ResourceTypes)
        {
            target.ResourceTypes.Add(r);
        }
    }

    private abstract class NamedPackage(string id) : IConnectionPackage
    {
        public string Id { get; } = id;

        public ConnectionCapabilities Capabilities => ConnectionCapabilities.None;

        public IReadOnlyList<ConnectionSetting> Settings => [];

        public IReadOnlyList<string> ValidateSettings(Connection connection) => [];

        public IExportConnection CreateExportConnection(Connection connection, ConnectionContext context) =>
            throw new NotSupportedException("Registration tests never export.");
    }

    private sealed class CsvPackage() : NamedPackage("Csv");

    private sealed class ManualTicketPackage() : NamedPackage("ManualTicket");
}
