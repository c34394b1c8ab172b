using IdentitySync.Configuration;
using IdentitySync.Model;

namespace IdentitySync.Connections.Testing;

/// <summary>
/// What every connection package's settings must do: declared once each, described, checked before any run
/// (a missing required setting and a value of the wrong type are named), and a secret never repeated in a
/// problem. The fixture gives the settings of a valid connection.
/// </summary>
public abstract class PackageSettingsConformanceTests : ConformanceFixture
{
    private const string SecretMarker = "s3cr3t-C0nformance";

    /// <summary>Gets the settings of a valid connection; relative paths resolve against <paramref name="directory"/>, which the fixture may fill.</summary>
    /// <param name="directory">The test's work directory.</param>
    /// <returns>The settings.</returns>
    protected abstract IReadOnlyDictionary<string, string> ValidSettings(string directory);

    /// <summary>The id is an identifier, the capabilities say something, and each setting is declared once, with a description.</summary>
    [Test]
    public void Package_DeclaresItsIdCapabilitiesAndSettings()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Package.Id, Does.Match("^[A-Za-z_][A-Za-z0-9_]*$"));
            Assert.That(Package.Capabilities, Is.Not.EqualTo(ConnectionCapabilities.None));
            Assert.That(Package.Settings.Select(static s => s.Name), Is.Unique.Using((IEqualityComparer<string>)StringComparer.OrdinalIgnoreCase));
            Assert.That(Package.Settings.Where(static s => string.IsNullOrWhiteSpace(s.Description)).Select(static s => s.Name), Is.Empty, "every setting is described");
            Assert.That(Package.Settings.Where(static s => s.IsRequired && s.DefaultValue is not null).Select(static s => s.Name), Is.Empty, "a required setting has no default");
        });
    }

    /// <summary>The fixture's settings are valid.</summary>
    [Test]
    public void ValidSettings_HaveNoProblem() =>
        Assert.That(ConnectionSetting.Validate(Package, Connection(ValidSettings(WorkDirectory))), Is.Empty);

    /// <summary>Leaving out a required setting is a problem that names it.</summary>
    [Test]
    public void RequiredSetting_LeftOut_IsNamed()
    {
        var valid = ValidSettings(WorkDirectory);
        foreach (var setting in Package.Settings.Where(static s => s.IsRequired && !s.Name.Contains('<', StringComparison.Ordinal)))
        {
            var settings = valid.Where(p => !string.Equals(p.Key, setting.Name, StringComparison.OrdinalIgnoreCase)).ToDictionary();

            var problems = ConnectionSetting.Validate(Package, Connection(settings));

            Assert.That(problems, Has.Some.StartsWith(setting.Name).IgnoreCase, $"leaving out {setting.Name}");
        }
    }

    /// <summary>A value that is not of a typed setting's type is a problem that names the setting.</summary>
    [Test]
    public void TypedSetting_WrongValue_IsNamed()
    {
        var valid = ValidSettings(WorkDirectory);
        foreach (var setting in Package.Settings.Where(static s => s.Type is ConnectionSettingType.WholeNumber or ConnectionSettingType.Boolean or ConnectionSettingType.Choice
            && !s.Name.Contains('<', StringComparison.Ordinal)))
        {
            var settings = valid.ToDictionary(StringComparer.OrdinalIgnoreCase);
            settings[setting.Name] = "not-a-value-of-any-type";

            var problems = ConnectionSetting.Validate(Package, Connection(settings));

            Assert.That(problems, Has.Some.StartsWith(setting.Name).IgnoreCase, $"'not-a-value-of-any-type' for {setting.Name}");
        }
    }

    /// <summary>A secret setting's value never appears in a problem, even when another setting is wrong.</summary>
    [Test]
    public void SecretSetting_IsNeverRepeatedInProblems()
    {
        var valid = ValidSettings(WorkDirectory);
        foreach (var secret in Package.Settings.Where(static s => s.IsSecret && !s.Name.Contains('<', StringComparison.Ordinal)))
        {
            var settings = valid.ToDictionary(StringComparer.OrdinalIgnoreCase);
            settings[secret.Name] = SecretMarker;
            foreach (var typed in Package.Settings.Where(static s => s.Type is ConnectionSettingType.WholeNumber or ConnectionSettingType.Boolean && !s.Name.Contains('<', StringComparison.Ordinal)))
            {
                settings[typed.Name] = "wrong";
            }

            var problems = ConnectionSetting.Validate(Package, Connection(settings));

            Assert.That(string.Join("\n", problems), Does.Not.Contain(SecretMarker), $"the value of {secret.Name}");
        }
    }

    private Connection Connection(IReadOnlyDictionary<string, string> settings) =>
        new IdentityModelBuilder()
            .AddConnector("Conformance", c => c.AddConnection("Connection", Package.Id, settings))
            .Build()
            .GetConnector("Conformance").Connections[0];
}
