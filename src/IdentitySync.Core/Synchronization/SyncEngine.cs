using IdentitySync.ChangeSets;
using IdentitySync.Connections;
using IdentitySync.Diagnostics;
using IdentitySync.Model;
using IdentitySync.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace IdentitySync.Synchronization;

/// <summary>
/// Synchronizes a connector's managed system into the store: export, prepare, diff, thresholds, and
/// one transaction. A failed, cancelled or blocked run leaves the store exactly as it was.
/// </summary>
public sealed partial class SyncEngine
{
    private readonly IdentityModel _model;
    private readonly ISyncStateStore _store;
    private readonly Dictionary<string, IConnectionPackage> _packages;
    private readonly SyncEngineOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SecretRedactor _secrets;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly ResiliencePipeline _openRetry;

    /// <summary>Initializes a new instance of the <see cref="SyncEngine"/> class.</summary>
    /// <param name="model">The model.</param>
    /// <param name="store">The store.</param>
    /// <param name="packages">The connection packages the model's connections use.</param>
    /// <param name="options">Host settings; the defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock; the system clock when <see langword="null"/>.</param>
    /// <param name="logger">The logger.</param>
    public SyncEngine(
        IdentityModel model,
        ISyncStateStore store,
        IEnumerable<IConnectionPackage> packages,
        SyncEngineOptions? options = null,
        TimeProvider? timeProvider = null,
        ILogger<SyncEngine>? logger = null)
        : this(model, store, packages, options, timeProvider, logger, loggerFactory: null)
    {
    }

    /// <summary>
    /// Initializes a new instance of the <see cref="SyncEngine"/> class that logs through a factory: the
    /// engine under its type's name, each connection under <c>IdentitySync.Connections.</c> and its package's id
    /// (<see cref="ConnectionContext.Logger"/>).
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="store">The store.</param>
    /// <param name="packages">The connection packages the model's connections use.</param>
    /// <param name="options">Host settings; the defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock; the system clock when <see langword="null"/>.</param>
    /// <param name="loggerFactory">The logger factory.</param>
    public SyncEngine(
        IdentityModel model,
        ISyncStateStore store,
        IEnumerable<IConnectionPackage> packages,
        SyncEngineOptions? options,
        TimeProvider? timeProvider,
        ILoggerFactory loggerFactory)
        : this(model, store, packages, options, timeProvider, loggerFactory?.CreateLogger<SyncEngine>(), loggerFactory)
    {
    }

    private SyncEngine(
        IdentityModel model,
        ISyncStateStore store,
        IEnumerable<IConnectionPackage> packages,
        SyncEngineOptions? options,
        TimeProvider? timeProvider,
        ILogger? logger,
        ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(packages);
        _model = model;
        _store = store;
        _packages = new Dictionary<string, IConnectionPackage>(StringComparer.OrdinalIgnoreCase);
        foreach (var package in packages)
        {
            _packages.TryAdd(package.Id, package);
        }

        _options = options ?? new SyncEngineOptions();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _loggerFactory = loggerFactory;
        _secrets = SecretRedactor.For(model, _packages.Values);
        _openRetry = ConnectionRetry.Create(_timeProvider, _logger);
    }

    /// <summary>Synchronizes one connector.</summary>
    /// <param name="connector">The connector's name.</param>
    /// <param name="options">The mode, force and dry run; a complete run when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the run; nothing is applied then.</param>
    /// <returns>The report.</returns>
    public async Task<SyncReport> SynchronizeAsync(string connector, SyncRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new SyncRunOptions();
        var model = _model.GetConnector(connector);
        var started = _timeProvider.GetUtcNow();
        var clock = _timeProvider.GetTimestamp();
        var report = new SyncReport
        {
            Connector = model.Name,
            Mode = options.Mode,
            Outcome = SyncOutcome.Skipped,
            Forced = options.Force,
            DryRun = options.DryRun,
            StartedAt = started,
        };

        using var activity = IdentitySyncTelemetry.Start("identitysync.sync", IdentitySyncTelemetry.Tag("identitysync.connector", model.Name), IdentitySyncTelemetry.Tag("identitysync.mode", options.Mode.ToString()));
        if (model.IsDeactivated)
        {
            return Finish(report with { Message = $"Connector '{model.Name}' is deactivated (IsDeactivated: true); activate it to synchronize." });
        }

        if (CheckConnections(model) is { } problem)
        {
            return Finish(report with { Outcome = SyncOutcome.Failed, Failure = FailureKind.InvalidInput, Message = problem });
        }

        try
        {
            await using var runLock = (await _store.LockConnectorAsync(model.Name, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
            await ResourceLayout.LearnAsync(_store, cancellationToken).ConfigureAwait(false);
            var run = new SyncRun(this, model, options, report, clock);
            return Finish(await run.ExecuteAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (IdentitySyncException exception) when (exception is ConnectionException or StoreConflictException or ConnectorBusyException)
        {
            return Finish(report with { Outcome = SyncOutcome.Failed, Failure = exception.Kind, Message = exception.Message, Durations = Durations(clock, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero) });
        }
        catch (Exception exception) when (exception is not OperationCanceledException && _secrets.Redact(exception.Message) is var redacted && redacted != exception.Message)
        {
            // Something a package threw repeats one of its secrets: the caller gets the message masked, and not
            // the original exception, whose message (and ToString) would carry the secret on.
            throw new IdentitySyncException($"Connector '{model.Name}': {redacted} ({exception.GetType().Name}); nothing of this run was applied.");
        }

        SyncReport Finish(SyncReport result)
        {
            result = result with { Message = _secrets.Redact(result.Message) };
            LogRun(_logger, model.Name, options.Mode, result.Outcome, result.Message ?? "no message");
            var quarantined = result.EntityTypes.Sum(static e => e.QuarantinedCount) + result.Associations.Sum(static a => a.QuarantinedCount);
            if (quarantined > 0)
            {
                LogQuarantined(_logger, model.Name, quarantined);
            }

            if (result.Outcome == SyncOutcome.Blocked)
            {
                LogBlocked(_logger, model.Name, result.Thresholds.Count(static v => v.Exceeded));
            }

            SyncTelemetry.Record(activity, result, _timeProvider.GetElapsedTime(clock));
            return result;
        }
    }

    /// <summary>Applies the change set a threshold blocked, exactly as it was staged.</summary>
    /// <param name="connector">The connector's name.</param>
    /// <param name="cancellationToken">Cancels the apply; nothing is applied then.</param>
    /// <returns>The report: <see cref="SyncOutcome.Skipped"/> when nothing is blocked, <see cref="SyncOutcome.Failed"/> when the connector's data changed since.</returns>
    public async Task<SyncReport> ResumeAsync(string connector, CancellationToken cancellationToken = default)
    {
        var model = _model.GetConnector(connector);
        var clock = _timeProvider.GetTimestamp();
        var report = new SyncReport { Connector = model.Name, Mode = SyncMode.Complete, Outcome = SyncOutcome.Failed, Failure = FailureKind.Failed, StartedAt = _timeProvider.GetUtcNow(), Forced = true };
        try
        {
            await using var runLock = (await _store.LockConnectorAsync(model.Name, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
            var state = await _store.GetConnectorStateAsync(model.Name, cancellationToken).ConfigureAwait(false);
            if (state.Blocked is not { } blocked)
            {
                // Nothing to do is not a failure.
                return report with
                {
                    Outcome = SyncOutcome.Skipped,
                    Failure = FailureKind.None,
                    Forced = false,
                    Message = $"Connector '{model.Name}' has no blocked synchronization; there is nothing to resume.",
                };
            }

            report = report with { Mode = blocked.Mode, BatchId = blocked.BatchId, EntityTypes = SyncReportBuilder.EntityTypes(blocked), Associations = SyncReportBuilder.Associations(blocked) };
            if (blocked.BaseVersion != state.Version)
            {
                return report with { Message = $"Connector '{model.Name}' changed since the blocked synchronization was computed; abandon it and synchronize again." };
            }

            var applyStart = _timeProvider.GetTimestamp();
            await Writer.ApplyAsync(blocked, state, exportFingerprint: null, cancellationToken).ConfigureAwait(false);
            return report with
            {
                Outcome = SyncOutcome.Succeeded,
                Failure = FailureKind.None,
                Durations = Durations(clock, TimeSpan.Zero, TimeSpan.Zero, _timeProvider.GetElapsedTime(applyStart)),
            };
        }
        catch (IdentitySyncException exception) when (exception is StoreConflictException or ConnectorBusyException)
        {
            return report with { Failure = exception.Kind, Message = exception.Message };
        }
    }

    /// <summary>Discards the change set a threshold blocked.</summary>
    /// <param name="connector">The connector's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when a blocked change set was discarded.</returns>
    public async Task<bool> AbandonAsync(string connector, CancellationToken cancellationToken = default)
    {
        var model = _model.GetConnector(connector);
        await using var runLock = (await _store.LockConnectorAsync(model.Name, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        var state = await _store.GetConnectorStateAsync(model.Name, cancellationToken).ConfigureAwait(false);
        if (state.Blocked is null)
        {
            return false;
        }

        await _store.SetBlockedChangeSetAsync(model.Name, null, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Gets the change set a threshold blocked, for inspection.</summary>
    /// <param name="connector">The connector's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The blocked change set, or <see langword="null"/>.</returns>
    public async Task<ChangeSet?> GetBlockedChangeSetAsync(string connector, CancellationToken cancellationToken = default) =>
        (await _store.GetConnectorStateAsync(_model.GetConnector(connector).Name, cancellationToken).ConfigureAwait(false)).Blocked;

    internal SyncDurations Durations(long start, TimeSpan read, TimeSpan diff, TimeSpan apply) =>
        new(read, diff, apply, _timeProvider.GetElapsedTime(start));

    private string? CheckConnections(Connector connector)
    {
        var problems = new List<string>();
        foreach (var connection in connector.Connections)
        {
            // Only connections that export a mapped table take part in a synchronization.
            var exports = connector.EntityTypeMappings.Any(m => m.Connection == connection.Name)
                || connector.AssociationMappings.Any(m => m.Connection == connection.Name);
            if (connection.IsExportDeactivated || !exports)
            {
                continue;
            }

            var path = $"Connectors[{connector.Name}].Connections[{connection.Name}]";
            if (!_packages.TryGetValue(connection.Package, out var package))
            {
                var registered = _packages.Count == 0 ? "none" : string.Join(", ", _packages.Keys.Order(StringComparer.OrdinalIgnoreCase));
                problems.Add($"{path}.Package: no connection package '{connection.Package}' is registered; registered: {registered}");
                continue;
            }

            problems.AddRange(ConnectionSetting.Validate(package, connection).Select(p => $"{path}.Settings.{p}"));
        }

        return problems.Count == 0 ? null : string.Join(Environment.NewLine, problems);
    }

    internal ISyncStateStore Store => _store;

    /// <summary>Gets the stage that writes change sets.</summary>
    internal ChangeSetWriter Writer => new(_store, _options.WriteChunkSize);

    internal IdentityModel Model => _model;

    internal SyncEngineOptions Options => _options;

    internal TimeProvider Time => _timeProvider;

    /// <summary>Gets the retry that opens a table again when its system was unavailable.</summary>
    internal ResiliencePipeline OpenRetry => _openRetry;

    /// <summary>The context a connection of the connector runs in, with its package's logger.</summary>
    internal ConnectionContext ContextFor(Connector connector, IConnectionPackage package, CancellationToken cancellationToken) =>
        ConnectionContext.For(connector.Name, _options.BaseDirectory, _timeProvider, package, _loggerFactory, cancellationToken);

    internal IConnectionPackage PackageOf(Connection connection) => _packages[connection.Package];

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Synchronization of {Connector} ({Mode}) ended {Outcome}: {Detail}")]
    private static partial void LogRun(ILogger logger, string connector, SyncMode mode, SyncOutcome outcome, string? detail);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Synchronization of {Connector} quarantined {Count} rows; the report lists each with its line and reason")]
    private static partial void LogQuarantined(ILogger logger, string connector, long count);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Synchronization of {Connector} was blocked by {Exceeded} thresholds; nothing was applied until it is resumed or abandoned")]
    private static partial void LogBlocked(ILogger logger, string connector, int exceeded);
}
