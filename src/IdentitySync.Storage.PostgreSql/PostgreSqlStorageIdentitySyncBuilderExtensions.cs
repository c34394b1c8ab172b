using IdentitySync.Storage;
using IdentitySync.Storage.PostgreSql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace IdentitySync;

/// <summary>Registers the PostgreSQL store.</summary>
public static class PostgreSqlStorageIdentitySyncBuilderExtensions
{
    /// <summary>Uses the PostgreSQL store: one repository that several hosts share.</summary>
    /// <param name="builder">The IdentitySync builder.</param>
    /// <param name="connectionString">An Npgsql connection string; leave the password out and give it through <c>PGPASSWORD</c> or a passfile.</param>
    /// <param name="configure">Sets the schema and whether opening may create or migrate it.</param>
    /// <returns>The builder.</returns>
    public static IIdentitySyncBuilder UsePostgreSqlStore(this IIdentitySyncBuilder builder, string connectionString, Action<PostgreSqlStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var options = Options(configure);
        builder.Services.Replace(ServiceDescriptor.Singleton<IResourceStore>(provider => new PostgreSqlResourceStore(connectionString, options, provider.GetService<ILogger<PostgreSqlResourceStore>>())));
        return builder;
    }

    /// <summary>Uses the PostgreSQL store on a data source the host builds and owns (its logging, its password provider).</summary>
    /// <param name="builder">The IdentitySync builder.</param>
    /// <param name="dataSource">The data source.</param>
    /// <param name="configure">Sets the schema and whether opening may create or migrate it.</param>
    /// <returns>The builder.</returns>
    public static IIdentitySyncBuilder UsePostgreSqlStore(this IIdentitySyncBuilder builder, NpgsqlDataSource dataSource, Action<PostgreSqlStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dataSource);
        var options = Options(configure);
        builder.Services.Replace(ServiceDescriptor.Singleton<IResourceStore>(provider => new PostgreSqlResourceStore(dataSource, options, provider.GetService<ILogger<PostgreSqlResourceStore>>())));
        return builder;
    }

    private static PostgreSqlStoreOptions Options(Action<PostgreSqlStoreOptions>? configure)
    {
        var options = new PostgreSqlStoreOptions();
        configure?.Invoke(options);
        return options;
    }
}
