using Microsoft.Extensions.Logging;

namespace IdentitySync.Provisioning;

/// <summary>The provisioning engine's log events (a fulfilled order's own events are <see cref="OrderResults"/>'s).</summary>
public sealed partial class ProvisioningEngine
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Order generation ended: {Orders} orders (dry run: {DryRun}, blocked: {Blocked})")]
    private static partial void LogGenerated(ILogger logger, int orders, bool dryRun, bool blocked);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Order generation for {ResourceType} was blocked: {Threshold}")]
    private static partial void LogGenerationBlocked(ILogger logger, string resourceType, string? threshold);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Verification ended: {Verified} orders verified, {Waiting} still waiting, {TimedOut} timed out")]
    private static partial void LogVerified(ILogger logger, int verified, int waiting, int timedOut);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Fulfilment ended: {Executed} executed, {Transmitted} handed over, {Tickets} tickets, {Retrying} to retry, {Failed} in error")]
    private static partial void LogFulfilled(ILogger logger, int executed, int transmitted, int tickets, int retrying, int failed);
}
