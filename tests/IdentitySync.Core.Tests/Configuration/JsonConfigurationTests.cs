using IdentitySync.Configuration;
using IdentitySync.Model;
using IdentitySync.Testing;
using IdentitySync.Tests.Samples;
using Microsoft.Extensions.Configuration;

namespace IdentitySync.Tests.Configuration;

public sealed class JsonConfigurationTests
{
    internal static IdentitySyncOptions Bind(string jsonFile)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(TestContext.CurrentContext.TestDirectory, jsonFile), optional: false)
            .Build();
        var options = new IdentitySyncOptions();
        configuration.GetSection(IdentitySyncOptions.SectionName).Bind(options);
        return options;
    }

    [Test]
    public void Bind_ThreeConnectorJson_EqualsItsCodeFirstTwin()
    {
        var fromJson = new IdentityModelBuilder(Bind(ThreeConnectorSample.JsonFile)).Build();
        var codeFirst = ThreeConnectorSample.CodeFirst().Build();

        Assert.Multiple(() =>
        {
            Assert.That(fromJson.Connectors.Select(static c => c.Name), Is.EqualTo(new[] { "HR", "AD", "App" }));
            Assert.That(fromJson, Is.EqualTo(codeFirst));
        });
    }

    [Test]
    public void Bind_ThreeConnectorJson_ReadsEverySettingKind()
    {
        var model = new IdentityModelBuilder(Bind(ThreeConnectorSample.JsonFile)).Build();
        var hr = model.GetConnector("HR");
        var app = model.GetConnector("App");
        var appUser = model.GetResourceType("App_User");

        Assert.Multiple(() =>
        {
            Assert.That(hr.FindConnection("people")!.Settings["separator"], Is.EqualTo(";"));
            Assert.That(hr.FindEntityTypeMapping("HR_Person")!.FindProperty("HireDate")!.Format, Is.EqualTo(ValueFormat.DatePattern("dd/MM/yyyy")));
            Assert.That(hr.FindEntityTypeMapping("HR_Person")!.Thresholds.MaxDeleted, Is.EqualTo(20));
            Assert.That(hr.Thresholds.Resources.MaxDeletedPercent, Is.EqualTo(2));
            Assert.That(hr.Thresholds.Resources.MaxDeleted, Is.EqualTo(100), "unset siblings keep their defaults");
            Assert.That(app.FindConnection("Tickets")!.IsExportDeactivated, Is.True);
            Assert.That(app.FindEntityTypeMapping("App_Account")!.FindProperty("Login")!.Column, Is.EqualTo("Login"));
            Assert.That(appUser.Policies.DependsOn, Is.EqualTo(new[] { "AD_NominativeUser" }));
            Assert.That(appUser.Policies.TransmittedTimeout, Is.EqualTo(TimeSpan.FromDays(3)));
            Assert.That(model.GetResourceType("HR_Identity").TargetEntityType, Is.EqualTo("Identity"));
        });
    }

    [Test]
    public void Bind_ThreeConnectorJson_ModelMatchesApprovedSnapshot()
    {
        var model = new IdentityModelBuilder(Bind(ThreeConnectorSample.JsonFile)).Build();

        Approvals.VerifyJson(model);
    }
}
