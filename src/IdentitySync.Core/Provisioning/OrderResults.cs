using System.Globalization;
using IdentitySync.Connections;
using IdentitySync.Diagnostics;
using IdentitySync.Orders;
using Microsoft.Extensions.Logging;

namespace IdentitySync.Provisioning;

/// <summary>
/// What a fulfillment result makes of an order, with the retry schedule: executed, handed over, in error, or
/// pending again after a back-off that doubles with each attempt, until the attempts run out.
/// </summary>
/// <param name="options">The attempts and the first retry delay.</param>
/// <param name="secrets">Masks a connection's secrets in what it says.</param>
/// <param name="logger">Logs orders not done (the engine's logger: events 4002 and 4003).</param>
internal sealed partial class OrderResults(ProvisioningEngineOptions options, SecretRedactor secrets, ILogger logger)
{
    /// <summary>Moves an order by a result, counts it in the orders metric, and logs an order left undone.</summary>
    /// <param name="order">The order, handed over.</param>
    /// <param name="result">What the connection, workflow or person answered.</param>
    /// <param name="at">Now.</param>
    /// <returns>The order in its next state, and that state.</returns>
    public (ProvisioningOrder Order, OrderState Outcome) Apply(ProvisioningOrder order, FulfillmentResult result, DateTimeOffset at)
    {
        var applied = Next(order, result, at, options.MaxAttempts, options.RetryDelay, secrets.Redact);
        IdentitySyncTelemetry.Orders.Add(1, IdentitySyncTelemetry.Tag("identitysync.resource_type", order.ResourceType), IdentitySyncTelemetry.Tag("identitysync.state", applied.Order.State.ToString()));
        if (applied.Order.State is OrderState.Error or OrderState.Pending)
        {
            // The message may name the account (a DN, a login): it is logged at Debug only.
            LogOrderNotDone(logger, order.Id, order.ResourceType, applied.Order.State, result.Status);
            if (logger.IsEnabled(LogLevel.Debug))
            {
                var said = secrets.Redact(result.Message);
                LogOrderMessage(logger, order.Id, said);
            }
        }

        return applied;
    }

    /// <summary>The next state of an order for a result; nothing else.</summary>
    /// <param name="order">The order, handed over.</param>
    /// <param name="result">The result.</param>
    /// <param name="at">Now.</param>
    /// <param name="maxAttempts">The attempts after which a retryable result is an error.</param>
    /// <param name="retryDelay">The delay before the second attempt; each later one doubles it.</param>
    /// <param name="redact">Masks secrets in what the result says, which the order's history keeps.</param>
    /// <returns>The order in its next state, and that state.</returns>
    public static (ProvisioningOrder Order, OrderState Outcome) Next(ProvisioningOrder order, FulfillmentResult result, DateTimeOffset at, int maxAttempts, TimeSpan retryDelay, Func<string?, string?> redact)
    {
        // Whatever a connection says is kept in the order's history: never with one of its secrets.
        var message = result.Message is null ? string.Empty : ": " + redact(result.Message);
        switch (result.Status)
        {
            case FulfillmentStatus.Succeeded:
                return (Through(order, at).MoveTo(OrderState.Executed, at, "applied" + message), OrderState.Executed);
            case FulfillmentStatus.AlreadyExists when order.ChangeType == OrderChangeType.Added:
                return (Through(order, at).MoveTo(OrderState.Executed, at, "already existed; verification compares its values" + message), OrderState.Executed);
            case FulfillmentStatus.NotFound when order.ChangeType == OrderChangeType.Deleted:
                return (Through(order, at).MoveTo(OrderState.Executed, at, "already gone" + message), OrderState.Executed);
            case FulfillmentStatus.Accepted:
                return (order.State == OrderState.Transmitted ? order with { Message = result.Message ?? order.Message } : order.MoveTo(OrderState.Transmitted, at, "handed over; waiting for its result" + message), OrderState.Transmitted);
            case FulfillmentStatus.Failed:
            case FulfillmentStatus.NotFound:
            case FulfillmentStatus.AlreadyExists:
                return (Through(order, at).MoveTo(OrderState.Error, at, result.Status + message), OrderState.Error);
            default:
                if (order.Attempts >= maxAttempts)
                {
                    return (Through(order, at).MoveTo(OrderState.Error, at, string.Create(CultureInfo.InvariantCulture, $"gave up after {order.Attempts} attempts; last: {result.Status}{message}")), OrderState.Error);
                }

                var delay = retryDelay * Math.Pow(2, Math.Max(0, order.Attempts - 1));
                var retryAt = at + delay;
                return (order.MoveTo(OrderState.Pending, at, $"{result.Status}{message}; tried again from {retryAt.ToString("u", CultureInfo.InvariantCulture)}") with { NextAttemptAt = retryAt }, OrderState.Pending);
        }

        static ProvisioningOrder Through(ProvisioningOrder order, DateTimeOffset at) =>
            order.State == OrderState.Transmitted ? order : order.MoveTo(OrderState.Transmitted, at, "handed over");
    }

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Order {OrderId} of {ResourceType} is {State} after the connection answered {Status}")]
    private static partial void LogOrderNotDone(ILogger logger, long orderId, string resourceType, OrderState state, FulfillmentStatus status);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Debug, Message = "Order {OrderId}: the connection said {Message}")]
    private static partial void LogOrderMessage(ILogger logger, long orderId, string? message);
}
