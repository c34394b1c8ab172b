using IdentitySync.Connections;
using IdentitySync.Connections.Ldap;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace IdentitySync;

/// <summary>Registers the LDAP connection package.</summary>
public static class LdapConnectionsIdentitySyncBuilderExtensions
{
    /// <summary>Adds the LDAP connection package (<c>Ldap</c>); adding it twice registers it once.</summary>
    /// <param name="builder">The IdentitySync builder.</param>
    /// <returns>The builder.</returns>
    public static IIdentitySyncBuilder AddLdapConnectionPackage(this IIdentitySyncBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IConnectionPackage, LdapConnectionPackage>());
        return builder;
    }
}
