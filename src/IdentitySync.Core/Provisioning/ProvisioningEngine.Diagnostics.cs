using IdentitySync.Connections;
using IdentitySync.Orders;
using Microsoft.Extensions.Logging;

namespace IdentitySync.Provisioning;

/// <summary>The provisioning engine's log events, and how it lets go of a fulfil connection.</summary>
public sealed partial class ProvisioningEngine
{
    /// <summary>Disposes a fulfil connection, however the pass over its connector ends.</summary>
    private readonly struct Lease(IFulfillConnection? connection) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => connection?.DisposeAsync() ?? ValueTask.CompletedTask;
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Order generation ended: {Orders} orders (dry run: {DryRun}, blocked: {Blocked})")]
    private static partial void LogGenerated(ILogger logger, int orders, bool dryRun, bool blocked);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Order generation for {ResourceType} was blocked: {Threshold}")]
    private static partial void LogGenerationBlocked(ILogger logger, string resourceType, string? threshold);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Verification ended: {Verified} orders verified, {Waiting} still waiting, {TimedOut} timed out")]
    private static partial void LogVerified(ILogger logger, int verified, int waiting, int timedOut);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Fulfilment ended: {Executed} executed, {Transmitted} handed over, {Tickets} tickets, {Retrying} to retry, {Failed} in error")]
    private static partial void LogFulfilled(ILogger logger, int executed, int transmitted, int tickets, int retrying, int failed);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Order {OrderId} of {ResourceType} is {State} after the connection answered {Status}")]
    private static partial void LogOrderNotDone(ILogger logger, long orderId, string resourceType, OrderState state, FulfillmentStatus status);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Debug, Message = "Order {OrderId}: the connection said {Message}")]
    private static partial void LogOrderMessage(ILogger logger, long orderId, string? message);
}
