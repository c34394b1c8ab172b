using IdentitySync.Storage;
using IdentitySync.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace IdentitySync;

/// <summary>Registers the SQLite store.</summary>
public static class SqliteStorageIdentitySyncBuilderExtensions
{
    /// <summary>Uses the SQLite store in a file: the embedded, durable default.</summary>
    /// <param name="builder">The IdentitySync builder.</param>
    /// <param name="path">The database file; created when missing.</param>
    /// <returns>The builder.</returns>
    public static IIdentitySyncBuilder UseSqliteStore(this IIdentitySyncBuilder builder, string path) => UseSqliteStore(builder, path, static _ => { });

    /// <summary>Uses the SQLite store in a file, with settings (such as the change feed's retention).</summary>
    /// <param name="builder">The IdentitySync builder.</param>
    /// <param name="path">The database file; created when missing.</param>
    /// <param name="configure">Sets the store's settings.</param>
    /// <returns>The builder.</returns>
    public static IIdentitySyncBuilder UseSqliteStore(this IIdentitySyncBuilder builder, string path, Action<SqliteStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new SqliteStoreOptions();
        configure(options);
        builder.Services.Replace(ServiceDescriptor.Singleton<IResourceStore>(provider => new SqliteResourceStore(path, options, provider.GetService<ILogger<SqliteResourceStore>>())));
        return builder;
    }
}
