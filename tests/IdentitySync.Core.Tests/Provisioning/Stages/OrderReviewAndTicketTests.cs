using IdentitySync.Orders;
using IdentitySync.Provisioning;
using IdentitySync.Storage;
using Microsoft.Extensions.Time.Testing;

namespace IdentitySync.Tests.Provisioning.Stages;

public sealed class OrderReviewAndTicketTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));

    [Test]
    public async Task Review_APostponedOrder_LeavesTheListUntilItsTimeAndApprovalClearsIt()
    {
        var store = new InMemoryResourceStore();
        var id = await SaveAsync(store, OrderState.AwaitingApproval);
        var review = new OrderReview(store, _clock);

        await review.PostponeAsync(id, _clock.GetUtcNow().AddDays(1), "ask the owner", CancellationToken.None);
        var whilePostponed = await review.ToReviewAsync(CancellationToken.None);
        _clock.Advance(TimeSpan.FromDays(1));
        var afterwards = await review.ToReviewAsync(CancellationToken.None);
        var approved = await review.ApproveAsync(id, "owner agreed", CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(whilePostponed, Is.Empty);
            Assert.That(afterwards.Select(static o => o.Id), Is.EqualTo(new[] { id }));
            Assert.That(approved.State, Is.EqualTo(OrderState.Pending));
            Assert.That(approved.PostponedUntil, Is.Null);
            Assert.That(approved.Message, Is.EqualTo("approved: owner agreed"));
        });
    }

    [Test]
    public async Task Review_AnOrderNotAwaitingApproval_IsRefusedAndUnchanged()
    {
        var store = new InMemoryResourceStore();
        var id = await SaveAsync(store, OrderState.Pending);

        var refused = Assert.ThrowsAsync<IdentitySyncException>(() => new OrderReview(store, _clock).DeclineAsync(id, null, CancellationToken.None));

        Assert.Multiple(async () =>
        {
            Assert.That(refused!.Message, Is.EqualTo($"Order {id} is Pending; only orders awaiting approval can be reviewed."));
            Assert.That((await store.GetOrderAsync(id, CancellationToken.None))!.State, Is.EqualTo(OrderState.Pending));
        });
    }

    [Test]
    public async Task Tickets_OnlyManualTransmittedOrdersAreTickets_AndAFailedOneMovesToError()
    {
        var store = new InMemoryResourceStore();
        var ticket = await SaveAsync(store, OrderState.Transmitted, manual: true);
        var handedOver = await SaveAsync(store, OrderState.Transmitted);
        var desk = new TicketDesk(store, _clock);

        var open = await desk.OpenAsync(CancellationToken.None);
        var notATicket = Assert.ThrowsAsync<IdentitySyncException>(() => desk.CompleteAsync(handedOver, null, CancellationToken.None));
        var failed = await desk.FailAsync(ticket, "no such mailbox", CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(open.Select(static o => o.Id), Is.EqualTo(new[] { ticket }));
            Assert.That(notATicket!.Message, Does.Contain("is not an open ticket (it is Transmitted, fulfilled by a connection)"));
            Assert.That(failed.State, Is.EqualTo(OrderState.Error));
            Assert.That(failed.Message, Is.EqualTo("failed by hand: no such mailbox"));
        });
    }

    [Test]
    public void Review_AnOrderThatDoesNotExist_SaysHowToListThem()
    {
        var refused = Assert.ThrowsAsync<IdentitySyncException>(() => new OrderReview(new InMemoryResourceStore(), _clock).ApproveAsync(42, null, CancellationToken.None));

        Assert.That(refused!.Message, Is.EqualTo("There is no order 42; list them with 'orders list'."));
    }

    private async Task<long> SaveAsync(InMemoryResourceStore store, OrderState state, bool manual = false)
    {
        var order = new ProvisioningOrder
        {
            ChangeType = OrderChangeType.Added,
            Connector = "AD",
            ResourceType = "AD_User",
            Reason = "a test",
            State = state,
            IsManual = manual,
            CreatedAt = _clock.GetUtcNow(),
            StateChangedAt = _clock.GetUtcNow(),
        };
        return (await store.SaveOrdersAsync([order], [], CancellationToken.None)).Single().Id;
    }
}
