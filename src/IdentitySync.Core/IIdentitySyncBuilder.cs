using Microsoft.Extensions.DependencyInjection;

namespace IdentitySync;

/// <summary>Configures IdentitySync in a service collection; plug-ins add extension methods to it.</summary>
public interface IIdentitySyncBuilder
{
    /// <summary>Gets the service collection IdentitySync is registered in.</summary>
    IServiceCollection Services { get; }
}
