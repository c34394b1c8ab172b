using IdentitySync.Connections.Testing;

namespace IdentitySync.Connections.Ldap.Tests;

/// <summary>The LDAP package's settings against the conformance suite.</summary>
public sealed class LdapSettingsConformanceTests : PackageSettingsConformanceTests
{
    protected override IConnectionPackage Package { get; } = new LdapConnectionPackage();

    protected override IReadOnlyDictionary<string, string> ValidSettings(string directory) =>
        LdapServer.Settings(("users.BaseDn", "ou=people," + LdapServer.Base));
}
