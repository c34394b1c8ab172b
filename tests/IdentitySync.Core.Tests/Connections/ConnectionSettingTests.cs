using IdentitySync.Configuration;
using IdentitySync.Connections;
using IdentitySync.Model;

namespace IdentitySync.Core.Tests.Connections;

public sealed class ConnectionSettingTests
{
    [TestCase(ConnectionSettingType.WholeNumber, "12", null)]
    [TestCase(ConnectionSettingType.WholeNumber, "1.5", "Size: '1.5' is not a whole number")]
    [TestCase(ConnectionSettingType.Boolean, "yes", "Size: 'yes' is not true or false")]
    [TestCase(ConnectionSettingType.Character, ";;", "Size: ';;' is not one character")]
    [TestCase(ConnectionSettingType.Character, "tab", null)]
    [TestCase(ConnectionSettingType.Text, "anything", null)]
    public void Check_ValueOfTheDeclaredType(ConnectionSettingType type, string value, string? expected) =>
        Assert.That(new ConnectionSetting("Size", "How big.", type: type).Check(value), Is.EqualTo(expected));

    [Test]
    public void Check_ChoiceRequiredAndSecret()
    {
        var choice = new ConnectionSetting("Mode", "How.", type: ConnectionSettingType.Choice, choices: ["Fast", "Safe"]);
        var required = new ConnectionSetting("Url", "Where the API is.", isRequired: true);
        var secret = new ConnectionSetting("Pin", "The PIN.", isSecret: true, type: ConnectionSettingType.WholeNumber);

        Assert.Multiple(() =>
        {
            Assert.That(choice.Check("safe"), Is.Null, "choices compare without case");
            Assert.That(choice.Check("Slow"), Is.EqualTo("Mode: 'Slow' is not one of Fast, Safe"));
            Assert.That(required.Check(null), Is.EqualTo("Url: required; Where the API is."));
            Assert.That(secret.Check("12a4"), Is.EqualTo("Pin: the value is not a whole number"), "a secret is never repeated");
            Assert.Throws<ArgumentException>(() => _ = new ConnectionSetting("Mode", "How.", type: ConnectionSettingType.Choice));
        });
    }

    [Test]
    public void Validate_HoldsAPackageToItsDeclarations_WithoutReportingAProblemTwice()
    {
        var package = new DeclaringPackage();
        var connection = new IdentityModelBuilder()
            .AddConnector("App", static c => c.AddConnection("Api", "Declaring", [new("Size", "big"), new("Mode", "Slow")]))
            .Build().GetConnector("App").Connections[0];

        Assert.That(ConnectionSetting.Validate(package, connection), Is.EqualTo(new[]
        {
            "Mode: the package's own words",
            "Url: required; Where the API is.",
            "Size: 'big' is not a whole number",
        }));
    }

    private sealed class DeclaringPackage : IConnectionPackage
    {
        public string Id => "Declaring";

        public ConnectionCapabilities Capabilities => ConnectionCapabilities.ExportComplete;

        public IReadOnlyList<ConnectionSetting> Settings { get; } =
        [
            new("Url", "Where the API is.", isRequired: true),
            new("Size", "How big.", type: ConnectionSettingType.WholeNumber),
            new("Mode", "How.", type: ConnectionSettingType.Choice, choices: ["Fast", "Safe"]),
            new("<table>.Filter", "A family of settings, one per table, that the package checks itself.", isRequired: true),
        ];

        public IReadOnlyList<string> ValidateSettings(Connection connection) => ["Mode: the package's own words"];

        public IExportConnection CreateExportConnection(Connection connection, ConnectionContext context) => throw new NotSupportedException();
    }
}
