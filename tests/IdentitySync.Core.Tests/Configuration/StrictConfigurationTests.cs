using System.Reflection;
using IdentitySync.Configuration;
using IdentitySync.Tests.Samples;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IdentitySync.Tests.Configuration;

/// <summary>
/// Every section of the configuration reports a key that names no setting and a value that does not
/// bind, on the three-connector sample with one key added; the binder alone skips the first and drops
/// the list item holding the second.
/// </summary>
public sealed class StrictConfigurationTests
{
    private const string Number = "a number (such as 5 or 2.5, without a unit or %)";

    /// <summary>Per section: where a key is added, an unknown key and the setting it is close to, and a value that does not bind.</summary>
    private static readonly (Type Section, string At, string Path, string Typo, string Meant, string Setting, string Value, string Problem)[] s_sections =
    [
        (typeof(IdentitySyncOptions), "IdentitySync", "IdentitySync", "Conectors", "Connectors", "EntityTypes", "Identity", "'Identity' is a single value; expected a list [ … ]"),
        (typeof(EntityTypeOptions), "IdentitySync:EntityTypes:0", "IdentitySync.EntityTypes[Identity]", "Propertes", "Properties", "Properties", "FirstName", "'FirstName' is a single value; expected a list [ … ]"),
        (typeof(ScalarPropertyOptions), "IdentitySync:EntityTypes:0:Properties:0", "IdentitySync.EntityTypes[Identity].Properties[EmployeeId]", "IsMultivalue", "IsMultiValued", "IsMultiValued", "several", "'several' is not true or false"),
        (typeof(NavigationPropertyOptions), "IdentitySync:EntityTypes:0:NavigationProperties:0", "IdentitySync.EntityTypes[Identity].NavigationProperties[Manager]", "Targt", "Target", "IsMultiValued", "yes", "'yes' is not true or false"),
        (typeof(AssociationOptions), "IdentitySync:Associations:0", "IdentitySync.Associations[IdentityManager]", "Cardinalty", "Cardinality", "First:Name", "Identity", "First: expected a text, not a section or a list"),
        (typeof(ConnectorOptions), "IdentitySync:Connectors:0", "IdentitySync.Connectors[HR]", "IsDeactived", "IsDeactivated", "IsDeactivated", "off", "'off' is not true or false"),
        (typeof(ConnectorThresholdOptions), "IdentitySync:Connectors:0:Thresholds", "IdentitySync.Connectors[HR].Thresholds", "Resource", "Resources", "Links", "5", "'5' is a single value; expected a section { … }"),
        (typeof(ResourceThresholdOptions), "IdentitySync:Connectors:0:Thresholds:Resources", "IdentitySync.Connectors[HR].Thresholds.Resources", "MaxDeletedPrecent", "MaxDeletedPercent", "MaxDeletedPercent", "5%", $"'5%' is not {Number}"),
        (typeof(LinkThresholdOptions), "IdentitySync:Connectors:0:Thresholds:Links", "IdentitySync.Connectors[HR].Thresholds.Links", "MaxInsert", "MaxInserted", "MaxInserted", "ten", "'ten' is not a whole number"),
        (typeof(ConnectionOptions), "IdentitySync:Connectors:0:Connections:0", "IdentitySync.Connectors[HR].Connections[People]", "Pakage", "Package", "IsExportDeactivated", "no", "'no' is not true or false"),
        (typeof(EntityTypeMappingOptions), "IdentitySync:Connectors:0:Mappings:0", "IdentitySync.Connectors[HR].Mappings[HR_Person]", "Tabel", "Table", "Thresholds:MaxDeleted", "many", "'many' is not a whole number"),
        (typeof(PropertyMappingOptions), "IdentitySync:Connectors:0:Mappings:0:Properties:0", "IdentitySync.Connectors[HR].Mappings[HR_Person].Properties[EmployeeId]", "Colum", "Column", "IgnoreCase", "Y", "'Y' is not true or false"),
        (typeof(AssociationMappingOptions), "IdentitySync:Connectors:0:AssociationMappings:0", "IdentitySync.Connectors[HR].AssociationMappings[HR_PersonOrganization]", "FirstColum", "FirstColumn", "Thresholds:MaxDeletedPercent", "1,5", $"'1,5' is not {Number}"),
        (typeof(ResourceTypeOptions), "IdentitySync:ResourceTypes:0", "IdentitySync.ResourceTypes[HR_Identity]", "RequireRevew", "RequireReview", "TransmittedTimeout", "3 days", "'3 days' is not a duration such as 00:30:00 (hours:minutes:seconds) or 2.00:00:00 (days.hours:minutes:seconds)"),
        (typeof(CorrelationRuleOptions), "IdentitySync:ResourceTypes:1:CorrelationRules:0", "IdentitySync.ResourceTypes[AD_NominativeUser].CorrelationRules[0]", "Acount", "Account", "Confidence", "high", "'high' is not a whole number"),
        (typeof(ClassificationRuleOptions), "IdentitySync:ResourceTypes:2:ClassificationRules:0", "IdentitySync.ResourceTypes[AD_AdminUser].ClassificationRules[0]", "Predicat", "Predicate", "PredicateExpression", "startsWith(Account.Login, 'adm')", "set in code only (an IRuleExpression), not in configuration"),
        (typeof(TypeRuleOptions), "IdentitySync:ResourceTypes:2:TypeRules:0", "IdentitySync.ResourceTypes[AD_AdminUser].TypeRules[0]", "Criterias", "Criteria", "Deny", "always", "'always' is not true or false"),
        (typeof(ScalarRuleOptions), "IdentitySync:ResourceTypes:1:ScalarRules:0", "IdentitySync.ResourceTypes[AD_NominativeUser].ScalarRules[0]", "CreatOnly", "CreateOnly", "CreateOnly", "once", "'once' is not true or false"),
        (typeof(NavigationRuleOptions), "IdentitySync:ResourceTypes:1:NavigationRules:0", "IdentitySync.ResourceTypes[AD_NominativeUser].NavigationRules[0]", "Proprety", "Property", "Target:Cn", "x", "Target: expected a text, not a section or a list"),
        (typeof(QueryRuleOptions), "IdentitySync:ResourceTypes:1:QueryRules:0", "IdentitySync.ResourceTypes[AD_NominativeUser].QueryRules[0]", "Ownr", "Owner", "OwnerExpression", "Owner.Department", "set in code only (an IRuleExpression), not in configuration"),
        (typeof(WorkflowOptions), "IdentitySync:ResourceTypes:0:Workflow", "IdentitySync.ResourceTypes[HR_Identity].Workflow", "HardDelet", "HardDelete", "HardDelete", "sometimes", "'sometimes' is not true or false"),
        (typeof(ProvisioningThresholdOptions), "IdentitySync:ResourceTypes:3:Thresholds", "IdentitySync.ResourceTypes[App_User].Thresholds", "MaxOrder", "MaxOrders", "MaxOrdersPercent", "half", $"'half' is not {Number}"),
    ];

    private static IEnumerable<TestCaseData> Sections() =>
        s_sections.Select(static s => new TestCaseData(s.At, s.Path, s.Typo, s.Meant, s.Setting, s.Value, s.Problem).SetName($"Check_{s.Section.Name}_ReportsAnUnknownKeyAndAValueThatDoesNotBind"));

    [TestCaseSource(nameof(Sections))]
    public void Check(string at, string path, string typo, string meant, string setting, string value, string problem)
    {
        var configuration = Sample((at + ":" + typo, "1"), (at + ":" + setting, value));

        var problems = StrictConfiguration.Check(configuration.GetSection(IdentitySyncOptions.SectionName), typeof(IdentitySyncOptions));

        Assert.That(problems, Is.EquivalentTo(new[]
        {
            $"{path}.{typo}: unknown setting; did you mean {meant}?",
            // A problem that starts with its own setting's name ("First: …") is reported there, not at the added key.
            problem.Contains(": ", StringComparison.Ordinal) && !problem.StartsWith('\'') ? $"{path}.{problem}" : $"{path}.{setting.Replace(':', '.')}: {problem}",
        }));
    }

    [Test]
    public void EveryOptionsType_HasACase()
    {
        var reachable = new HashSet<Type>();
        Reach(typeof(IdentitySyncOptions), reachable);

        Assert.That(s_sections.Select(static s => s.Section), Is.EquivalentTo(reachable));
    }

    [Test]
    public void TheSample_HasNoProblem_AndBindsAsTheBinderDoes()
    {
        var section = Sample().GetSection(IdentitySyncOptions.SectionName);

        var options = StrictConfiguration.Bind<IdentitySyncOptions>(section);

        Assert.Multiple(() =>
        {
            Assert.That(StrictConfiguration.Check(section, typeof(IdentitySyncOptions)), Is.Empty);
            Assert.That(new IdentityModelBuilder(options).Build(), Is.EqualTo(new IdentityModelBuilder(JsonConfigurationTests.Bind(ThreeConnectorSample.JsonFile)).Build()));
        });
    }

    [Test]
    public void Bind_WithProblems_ThrowsThemAll()
    {
        var section = Sample(("IdentitySync:Connectors:0:Thresholds:Resources:MaxDeletedPercent", "5%"), ("IdentitySync:ResourceTypes:0:RequireRevew", "true"))
            .GetSection(IdentitySyncOptions.SectionName);

        var exception = Assert.Throws<IdentityModelValidationException>(() => StrictConfiguration.Bind<IdentitySyncOptions>(section));

        Assert.That(exception!.Errors, Is.EquivalentTo(new[]
        {
            $"IdentitySync.Connectors[HR].Thresholds.Resources.MaxDeletedPercent: '5%' is not {Number}",
            "IdentitySync.ResourceTypes[HR_Identity].RequireRevew: unknown setting; did you mean RequireReview?",
        }));
    }

    [Test]
    public void ABadValueInAListItem_IsReported_WhereTheBinderDropsTheItem()
    {
        var section = Sample(("IdentitySync:Connectors:0:Thresholds:Resources:MaxDeletedPercent", "5%")).GetSection(IdentitySyncOptions.SectionName);
        var bound = new IdentitySyncOptions();
        section.Bind(bound);

        Assert.Multiple(() =>
        {
            Assert.That(bound.Connectors.Select(static c => c.Name), Does.Not.Contain("HR"), "the binder alone drops the connector");
            Assert.That(StrictConfiguration.Check(section, typeof(IdentitySyncOptions)), Has.Count.EqualTo(1));
        });
    }

    [Test]
    public void ConnectionSettings_AreValues_NotSections()
    {
        var section = Sample(("IdentitySync:Connectors:0:Connections:0:Settings:Path:Nested", "x")).GetSection(IdentitySyncOptions.SectionName);

        Assert.That(StrictConfiguration.Check(section, typeof(IdentitySyncOptions)), Is.EqualTo(new[]
        {
            "IdentitySync.Connectors[HR].Connections[People].Settings.Path: expected a text, not a section or a list",
        }));
    }

    [Test]
    public void AListWrittenAsASection_IsReported()
    {
        var section = Sample(("IdentitySync:ResourceTypes:3:DependsOn:First", "AD_User")).GetSection(IdentitySyncOptions.SectionName);

        Assert.That(StrictConfiguration.Check(section, typeof(IdentitySyncOptions)), Is.EqualTo(new[]
        {
            "IdentitySync.ResourceTypes[App_User].DependsOn.First: expected a list [ … ], not a section with named settings",
        }));
    }

    [Test]
    public void AnUnknownKeyFarFromEverySetting_ListsTheSettings()
    {
        var section = Sample(("IdentitySync:ResourceTypes:3:Thresholds:Frobnicate", "1")).GetSection(IdentitySyncOptions.SectionName);

        Assert.That(StrictConfiguration.Check(section, typeof(IdentitySyncOptions)), Is.EqualTo(new[]
        {
            "IdentitySync.ResourceTypes[App_User].Thresholds.Frobnicate: unknown setting; the settings here are MaxOrders, MaxOrdersPercent",
        }));
    }

    [Test]
    public void KeysAndValues_IgnoreCase_AsTheBinderDoes()
    {
        var section = Sample(("IdentitySync:resourcetypes:0:requirereview", "TRUE"), ("IdentitySync:ResourceTypes:0:TRANSMITTEDTIMEOUT", "2.00:00:00"))
            .GetSection(IdentitySyncOptions.SectionName);

        Assert.That(StrictConfiguration.Check(section, typeof(IdentitySyncOptions)), Is.Empty);
    }

    [Test]
    public void SchemaKey_IsAllowedAtTheTopOfAFile_Only()
    {
        var configuration = Sample(("$schema", "identitysync.schema.json"), ("IdentitySync:$schema", "x"));

        Assert.That(StrictConfiguration.Check(configuration, typeof(FileShape)), Is.EqualTo(new[]
        {
            "IdentitySync.$schema: unknown setting; the settings here are EntityTypes, Associations, Connectors, ResourceTypes, BaseDirectory",
        }));
    }

    [TestCase("RequireRevew", "RequireReview")]
    [TestCase("requirereview", "RequireReview")]
    [TestCase("ReqiureReview", "RequireReview")]
    [TestCase("MaxDeleted", "MaxDeleted")]
    [TestCase("Separater", "Separator")]
    [TestCase("MaxDel", "MaxDeleted")]
    [TestCase("Max", null)]
    [TestCase("Frobnicate", null)]
    [TestCase("X", null)]
    public void ClosestName_AllowsAFewEdits(string name, string? expected)
    {
        Assert.That(StrictConfiguration.ClosestName(name, ["RequireReview", "MaxDeleted", "MaxDeletedPercent", "Separator", "Y1"]), Is.EqualTo(expected));
    }

    [Test]
    public void AddIdentitySyncWithConfiguration_FailsAtStart_WithTheSameMessages()
    {
        var section = Sample(("IdentitySync:Connectors:0:Thresholds:Resources:MaxDeletedPercent", "5%"), ("IdentitySync:ResourceTypes:0:RequireRevew", "true"))
            .GetSection(IdentitySyncOptions.SectionName);
        using var provider = new ServiceCollection().AddIdentitySync(section, static b => b.UseInMemoryStore()).Services.BuildServiceProvider();

        var exception = Assert.Throws<OptionsValidationException>(() => _ = provider.GetRequiredService<IOptions<IdentitySyncOptions>>().Value);

        Assert.That(exception!.Failures, Is.SupersetOf(new[]
        {
            $"IdentitySync.Connectors[HR].Thresholds.Resources.MaxDeletedPercent: '5%' is not {Number}",
            "IdentitySync.ResourceTypes[HR_Identity].RequireRevew: unknown setting; did you mean RequireReview?",
        }));
    }

    [Test]
    public void AddIdentitySyncWithConfiguration_BindsAValidSection()
    {
        var section = Sample().GetSection(IdentitySyncOptions.SectionName);
        using var provider = new ServiceCollection()
            .AddIdentitySync(section, static b => b.UseInMemoryStore().ConfigureModel(static m => m.Options.ResourceTypes[0].DisplayName = "edited in code"))
            .Services.BuildServiceProvider();

        // The configuration steps alone: validation would also ask for the sample's packages (Csv, ManualTicket).
        var options = new IdentitySyncOptions();
        foreach (var step in provider.GetServices<IConfigureOptions<IdentitySyncOptions>>())
        {
            step.Configure(options);
        }

        Assert.Multiple(() =>
        {
            Assert.That(options.Connectors.Select(static c => c.Name), Is.EqualTo(new[] { "HR", "AD", "App" }));
            Assert.That(options.ResourceTypes[0].DisplayName, Is.EqualTo("edited in code"), "code edits run after the binding");
        });
    }

    private static IConfigurationRoot Sample(params (string Key, string Value)[] added) =>
        new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(TestContext.CurrentContext.TestDirectory, ThreeConnectorSample.JsonFile), optional: false)
            .AddInMemoryCollection(added.Select(static a => new KeyValuePair<string, string?>(a.Key, a.Value)))
            .Build();

    private static void Reach(Type type, HashSet<Type> reached)
    {
        if (!reached.Add(type))
        {
            return;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var propertyType = property.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition() == typeof(IList<>)
                ? property.PropertyType.GetGenericArguments()[0]
                : property.PropertyType;
            if (propertyType.Namespace == typeof(IdentitySyncOptions).Namespace && propertyType.IsClass)
            {
                Reach(propertyType, reached);
            }
        }
    }

    /// <summary>A file holding the model, as the command line's.</summary>
    private sealed class FileShape
    {
        public IdentitySyncOptions IdentitySync { get; } = new();
    }
}
