using IdentitySync.Configuration;
using IdentitySync.Model;
using IdentitySync.Tests.Samples;

namespace IdentitySync.Tests.Model;

public sealed class IdentityModelBuilderTests
{
    [Test]
    public void Build_MinimalSample_AppliesDomainDefaults()
    {
        var model = MinimalSample.Create().Build();

        var connector = model.GetConnector("AD");
        Assert.Multiple(() =>
        {
            Assert.That(connector.Agent, Is.EqualTo("InProcess"));
            Assert.That(connector.IsDeactivated, Is.False);
            Assert.That(connector.Thresholds.Resources.MaxInserted, Is.EqualTo(100));
            Assert.That(connector.Thresholds.Resources.MaxUpdated, Is.EqualTo(100));
            Assert.That(connector.Thresholds.Resources.MaxDeleted, Is.EqualTo(100));
            Assert.That(connector.Thresholds.Resources.MaxDeletedPercent, Is.EqualTo(5));
            Assert.That(connector.Thresholds.Links.MaxInserted, Is.EqualTo(1000));
            Assert.That(connector.Thresholds.Links.MaxDeletedPercent, Is.EqualTo(5));
            Assert.That(connector.FindEntityTypeMapping("AD_User")!.Thresholds.MaxDeleted, Is.Zero);
            Assert.That(connector.FindEntityTypeMapping("AD_User")!.Thresholds.MaxDeletedPercent, Is.Zero);
            Assert.That(connector.FindAssociationMapping("AD_Membership")!.Thresholds.MaxInserted, Is.Zero);

            var policies = model.GetResourceType("AD_Nominative").Policies;
            Assert.That(policies.AllowAdd, Is.True);
            Assert.That(policies.AllowRemove, Is.True);
            Assert.That(policies.RemoveOrphans, Is.False);
            Assert.That(policies.RequireReview, Is.False);
            Assert.That(policies.AllowMultiplePerOwner, Is.False);
            Assert.That(policies.DependsOn, Is.Empty);
            Assert.That(policies.Thresholds.MaxOrders, Is.Zero);
            Assert.That(policies.Thresholds.MaxOrdersPercent, Is.EqualTo(30));
            Assert.That(policies.TransmittedTimeout, Is.EqualTo(TimeSpan.FromDays(1)));
            Assert.That(model.GetResourceType("AD_Nominative").DisplayName, Is.EqualTo("AD_Nominative"));
        });
    }

    [Test]
    public void Build_MappingWithoutKeysOrColumns_DerivesThemFromTheModel()
    {
        var model = MinimalSample.Create().Build();
        var connector = model.GetConnector("AD");
        var users = connector.FindEntityTypeMapping("AD_User")!;
        var membership = connector.FindAssociationMapping("AD_Membership")!;

        Assert.Multiple(() =>
        {
            Assert.That(users.PrimaryKey.Property, Is.EqualTo("Dn"));
            Assert.That(users.UniqueKeys.Select(static k => k.Property), Is.EqualTo(new[] { "Sam" }));
            Assert.That(users.FindProperty("Proxies")!.Separator, Is.EqualTo("|"));
            Assert.That(users.FindProperty("Sam")!.Separator, Is.Null);
            Assert.That(users.FindProperty("Created")!.Format, Is.EqualTo(ValueFormat.GeneralizedTime));
            Assert.That(users.FindProperty("EmployeeId")!.Format, Is.EqualTo(ValueFormat.Default));
            Assert.That(membership.First.Key, Is.EqualTo("Dn"));
            Assert.That(membership.Second.Key, Is.EqualTo("Dn"));
            Assert.That(model.GetAssociation("AD_Membership").Cardinality, Is.EqualTo(AssociationCardinality.ManyToMany));
        });
    }

    [Test]
    public void Build_ReferencesInAnotherCase_StoresTheDeclaredSpelling()
    {
        var builder = MinimalSample.Create();
        builder.Options.Associations[0].First = "ad_group.MEMBERS";
        builder.Options.Connectors[0].Mappings[0].Connection = "export";
        builder.Options.ResourceTypes[0].TargetEntityType = "ad_user";
        builder.Options.ResourceTypes[0].Connector = "ad";

        var model = builder.Build();

        Assert.Multiple(() =>
        {
            Assert.That(model.GetAssociation("AD_Membership").First.ToString(), Is.EqualTo("AD_Group.Members"));
            Assert.That(model.GetConnector("AD").EntityTypeMappings[0].Connection, Is.EqualTo("Export"));
            Assert.That(model.GetResourceType("AD_Nominative").TargetEntityType, Is.EqualTo("AD_User"));
            Assert.That(model.GetResourceType("AD_Nominative").Connector, Is.EqualTo("AD"));
            Assert.That(model, Is.EqualTo(MinimalSample.Create().Build()));
        });
    }

    [Test]
    public void Build_OptionsChangedAfterwards_LeavesTheBuiltModelAsItWas()
    {
        var builder = MinimalSample.Create();
        var model = builder.Build();

        builder.Options.Connectors[0].Thresholds.Resources.MaxDeleted = 7;
        builder.Options.Connectors[0].Connections[0].Settings["Path"] = "changed.csv";
        builder.AddEntityType("Extra");

        Assert.Multiple(() =>
        {
            Assert.That(model.GetConnector("AD").Thresholds.Resources.MaxDeleted, Is.EqualTo(100));
            Assert.That(model.GetConnector("AD").Connections[0].Settings, Is.Empty);
            Assert.That(model.EntityTypes, Has.Count.EqualTo(3));
            Assert.That(builder.Build(), Is.Not.EqualTo(model));
        });
    }

    [Test]
    public void Equals_ModelsDifferingInOneSetting_AreNotEqual()
    {
        var left = MinimalSample.Create().Build();
        var changed = MinimalSample.Create();
        changed.Options.Connectors[0].Mappings[0].Properties[2].Column = "employeeNumber";

        Assert.Multiple(() =>
        {
            Assert.That(MinimalSample.Create().Build(), Is.EqualTo(left));
            Assert.That(MinimalSample.Create().Build().GetHashCode(), Is.EqualTo(left.GetHashCode()));
            Assert.That(changed.Build(), Is.Not.EqualTo(left));
        });
    }

    [Test]
    public void Build_InvalidOptions_ThrowsWithEveryError()
    {
        var builder = MinimalSample.Create();
        builder.Options.EntityTypes[0].Name = "1Identity";
        builder.Options.Connectors[0].Thresholds.Resources.MaxDeletedPercent = 101;

        var exception = Assert.Throws<IdentityModelValidationException>(() => builder.Build());

        Assert.That(exception.Errors, Is.EqualTo(new[]
        {
            "EntityTypes[1Identity].Name: '1Identity' is not a valid identifier; use letters, digits and '_', not starting with a digit",
            "Connectors[AD].Thresholds.Resources.MaxDeletedPercent: 101 is out of range; a percentage is from 0 (off) to 100",
            "ResourceTypes[AD_Nominative].OwnerEntityType: unknown entity type 'Identity'; declared: 1Identity, AD_User, AD_Group",
        }));
        Assert.That(exception.Message, Does.StartWith("The IdentitySync configuration is invalid (3 errors):" + Environment.NewLine + "  - EntityTypes[1Identity].Name: "));
    }

    [Test]
    public void GetConnector_UnknownName_ThrowsNamingWhatExists()
    {
        var model = MinimalSample.Create().Build();

        var exception = Assert.Throws<KeyNotFoundException>(() => model.GetConnector("HR"));

        Assert.That(exception.Message, Is.EqualTo("The model has no connector named 'HR'; it has: AD."));
    }

    [Test]
    public void GetConnector_OfAnEmptyModel_SaysToConfigureTheModel()
    {
        var model = new IdentityModelBuilder().Build();

        var exception = Assert.Throws<KeyNotFoundException>(() => model.GetConnector("HR"));

        Assert.That(exception.Message, Is.EqualTo("The model has no connector named 'HR': it has no connector at all. Configure the model first (the IdentitySync section of the configuration, AddIdentitySync(configuration), or ConfigureModel)."));
    }

    [Test]
    public void FindConnectorOf_MappedAndRepositoryTypes_ReturnsTheFeedingConnectorOrNull()
    {
        var model = MinimalSample.Create().Build();

        Assert.Multiple(() =>
        {
            Assert.That(model.FindConnectorOf("ad_group")?.Name, Is.EqualTo("AD"));
            Assert.That(model.FindConnectorOf("Identity"), Is.Null);
        });
    }

    [TestCase("", ValueFormatKind.Default, null)]
    [TestCase("GeneralizedTime", ValueFormatKind.GeneralizedTime, null)]
    [TestCase("filetime", ValueFormatKind.FileTime, null)]
    [TestCase("pattern:dd/MM/yyyy", ValueFormatKind.DatePattern, "dd/MM/yyyy")]
    [TestCase("bool: Oui | Non ", ValueFormatKind.BoolWords, "Oui|Non")]
    [TestCase("ObjectGuid", ValueFormatKind.ObjectGuid, null)]
    public void ValueFormatParse_KnownText_GivesKindAndArgument(string text, ValueFormatKind kind, string? argument)
    {
        var format = ValueFormat.Parse(text);

        Assert.Multiple(() =>
        {
            Assert.That(format.Kind, Is.EqualTo(kind));
            Assert.That(format.Argument, Is.EqualTo(argument));
            Assert.That(ValueFormat.Parse(format.ToString()), Is.EqualTo(format));
        });
    }

    [Test]
    public void ValueFormatParse_UnknownText_ThrowsListingTheFormats()
    {
        var exception = Assert.Throws<FormatException>(() => ValueFormat.Parse("Generalized"));

        Assert.That(exception.Message, Is.EqualTo("'Generalized' is not a known format; formats are GeneralizedTime, FileTime, Sid, ObjectGuid, Hex, DistinguishedName, pattern:<.NET date pattern> and bool:<true word>|<false word>"));
    }
}
