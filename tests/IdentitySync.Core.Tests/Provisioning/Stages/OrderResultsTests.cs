using IdentitySync.Connections;
using IdentitySync.Orders;
using IdentitySync.Provisioning;

namespace IdentitySync.Tests.Provisioning.Stages;

public sealed class OrderResultsTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    [TestCase(1, 1)]
    [TestCase(2, 2)]
    [TestCase(3, 4)]
    [TestCase(4, 8)]
    public void Next_ARetryableResult_PutsTheOrderBackPendingAfterADelayThatDoublesWithEachAttempt(int attempts, int minutes)
    {
        var (order, outcome) = Next(Transmitted(attempts), FulfillmentStatus.NotAttempted, maxAttempts: 5);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(OrderState.Pending));
            Assert.That(order.State, Is.EqualTo(OrderState.Pending));
            Assert.That(order.NextAttemptAt, Is.EqualTo(Now.AddMinutes(minutes)));
        });
    }

    [Test]
    public void Next_ARetryableResultOnTheLastAttempt_GivesUp()
    {
        var (order, outcome) = Next(Transmitted(3), FulfillmentStatus.NotAttempted, maxAttempts: 3, message: "server down");

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(OrderState.Error));
            Assert.That(order.Message, Is.EqualTo("gave up after 3 attempts; last: NotAttempted: server down"));
            Assert.That(order.NextAttemptAt, Is.Null);
        });
    }

    [TestCase(OrderChangeType.Added, FulfillmentStatus.AlreadyExists, OrderState.Executed)]
    [TestCase(OrderChangeType.Modified, FulfillmentStatus.AlreadyExists, OrderState.Error)]
    [TestCase(OrderChangeType.Deleted, FulfillmentStatus.NotFound, OrderState.Executed)]
    [TestCase(OrderChangeType.Modified, FulfillmentStatus.NotFound, OrderState.Error)]
    [TestCase(OrderChangeType.Added, FulfillmentStatus.Succeeded, OrderState.Executed)]
    [TestCase(OrderChangeType.Added, FulfillmentStatus.Failed, OrderState.Error)]
    [TestCase(OrderChangeType.Added, FulfillmentStatus.Accepted, OrderState.Transmitted)]
    public void Next_AResult_MovesTheOrderAsItsChangeAsks(OrderChangeType change, FulfillmentStatus status, OrderState expected)
    {
        var (order, outcome) = Next(Transmitted(1) with { ChangeType = change }, status, maxAttempts: 3);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(expected));
            Assert.That(order.State, Is.EqualTo(expected));
        });
    }

    [Test]
    public void Next_AMessageHoldingASecret_IsKeptMasked()
    {
        var (order, _) = Next(Transmitted(1), FulfillmentStatus.Failed, maxAttempts: 3, message: "bind as admin/hunter2 refused");

        Assert.Multiple(() =>
        {
            Assert.That(order.Message, Is.EqualTo("Failed: bind as admin/*** refused"));
            Assert.That(order.History.Select(static h => h.Note), Has.None.Contains("hunter2"));
        });
    }

    [Test]
    public void Next_APendingOrderThatSucceeds_PassesThroughTransmittedInItsHistory()
    {
        var pending = Transmitted(1) with { State = OrderState.Pending, History = [] };

        var (order, _) = Next(pending, FulfillmentStatus.Succeeded, maxAttempts: 3);

        Assert.That(order.History.Select(static h => h.State), Is.EqualTo(new[] { OrderState.Transmitted, OrderState.Executed }));
    }

    private static (ProvisioningOrder Order, OrderState Outcome) Next(ProvisioningOrder order, FulfillmentStatus status, int maxAttempts, string? message = null) =>
        OrderResults.Next(order, new FulfillmentResult(order.Id, status, message), Now, maxAttempts, TimeSpan.FromMinutes(1), static text => text?.Replace("hunter2", "***", StringComparison.Ordinal));

    private static ProvisioningOrder Transmitted(int attempts) => new()
    {
        Id = 7,
        ChangeType = OrderChangeType.Added,
        Connector = "AD",
        ResourceType = "AD_User",
        Reason = "a test",
        State = OrderState.Transmitted,
        Attempts = attempts,
    };
}
