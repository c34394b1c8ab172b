using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IdentitySync.Connections;

/// <summary>What a connection may use from its host.</summary>
public sealed record ConnectionContext
{
    /// <summary>Initializes a new instance of the <see cref="ConnectionContext"/> class.</summary>
    /// <param name="connector">The name of the connector the connection belongs to.</param>
    /// <param name="baseDirectory">The directory relative paths in settings are resolved against.</param>
    /// <param name="timeProvider">The clock.</param>
    public ConnectionContext(string connector, string baseDirectory, TimeProvider timeProvider)
    {
        Connector = connector;
        BaseDirectory = baseDirectory;
        TimeProvider = timeProvider;
    }

    /// <summary>Gets the name of the connector the connection belongs to.</summary>
    public string Connector { get; }

    /// <summary>Gets the directory relative paths in settings are resolved against.</summary>
    public string BaseDirectory { get; }

    /// <summary>Gets the clock: use it for every time the connection reads or waits, so that tests can move it.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>
    /// Gets the logger of the connection's package (category <c>IdentitySync.Connections.</c> and the package's id);
    /// nothing is logged when the host gave none. Never log a secret setting's value; log keys and names only at
    /// <see cref="LogLevel.Debug"/> (docs/observability.md).
    /// </summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;

    /// <summary>
    /// Gets the token of the run the connection was created for: cancelled when the run is. Each call also gets its
    /// own token; this one is for work a connection starts on its own (a prefetch, a keep-alive).
    /// </summary>
    public CancellationToken RunCancellation { get; init; }

    /// <summary>The context an engine gives a connection of <paramref name="package"/>: the package's logger, the run's token.</summary>
    internal static ConnectionContext For(string connector, string baseDirectory, TimeProvider timeProvider, IConnectionPackage package, ILoggerFactory? loggers, CancellationToken run) =>
        new(connector, baseDirectory, timeProvider)
        {
            Logger = loggers?.CreateLogger("IdentitySync.Connections." + package.Id) ?? NullLogger.Instance,
            RunCancellation = run,
        };
}
