using IdentitySync.Connections;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace IdentitySync.Synchronization;

/// <summary>
/// Opens a table again when its system said it was unavailable (<see cref="FailureKind.SystemUnavailable"/>):
/// twice, after 2 and then 4 seconds on the engine's clock. Nothing has been read at that point, so trying
/// again changes nothing but the chance of success; any other failure ends the run at once.
/// </summary>
internal static partial class ConnectionRetry
{
    /// <summary>The attempts after the first.</summary>
    public const int Retries = 2;

    /// <summary>The wait before the first retry; each next one doubles it.</summary>
    public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(2);

    public static ResiliencePipeline Create(TimeProvider timeProvider, ILogger logger) =>
        new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<ConnectionException>(static e => e.Kind == FailureKind.SystemUnavailable),
                MaxRetryAttempts = Retries,
                Delay = FirstDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
                OnRetry = arguments =>
                {
                    LogRetry(logger, arguments.AttemptNumber + 1, arguments.RetryDelay, arguments.Outcome.Exception?.Message);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "A table's system was unavailable; opening it again (retry {Retry}) in {Delay}: {Detail}")]
    private static partial void LogRetry(ILogger logger, int retry, TimeSpan delay, string? detail);
}
