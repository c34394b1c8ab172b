using IdentitySync.Configuration;
using IdentitySync.Connections;
using IdentitySync.Orders;
using IdentitySync.Provisioning;
using IdentitySync.Synchronization;
using IdentitySync.Testing;

namespace IdentitySync.Tests.Provisioning;

public sealed class ProvisioningEngineTests
{
    [Test]
    public async Task Joiner_GetsAnAddedOrderWithItsComputedValuesAndGroups()
    {
        var fixture = new ProvisioningFixture();
        fixture.SetPerson("E1", "Zoë", "Martin", "Sales");
        await fixture.SynchronizeAsync();

        var report = await fixture.Engine.GenerateAsync();

        var order = report.Orders.Single(static o => o.ResourceType == "AD_User");
        Assert.Multiple(() =>
        {
            Assert.That((order.ChangeType, order.Kind, order.State), Is.EqualTo((OrderChangeType.Added, OrderKind.Rule, OrderState.Pending)));
            Assert.That(order.Id, Is.GreaterThan(0));
            Assert.That(order.Owner, Is.EqualTo(new OrderOwner(order.Owner!.Id, "E1", "Zoë Martin")));
            Assert.That(order.Resource, Is.Null);
            Assert.That(order.Changes, Is.EquivalentTo(new Dictionary<string, object?> { ["Sam"] = "zoë.martin", ["EmployeeId"] = "E1", ["DisplayName"] = "Zoë Martin" }));
            Assert.That(order.Navigation["MemberOf"].Added, Is.EqualTo(new[] { "GG_Sales", "Staff" }));
            Assert.That(order.Arguments, Is.EquivalentTo(new Dictionary<string, string> { ["Sam"] = "zoë.martin" }));
            Assert.That(order.Reason, Does.StartWith("Zoë Martin (E1) has no AD_User; type rule 1 (`equals(Owner.Status, 'Active')`) grants it; computed Sam = 'zoë.martin'"));
            Assert.That(report.Orders.Where(static o => o.ResourceType == "App_User"), Is.Empty, "App_User depends on AD_User, which Zoë does not hold yet");
            Assert.That(report.ResourceTypes.Single(static t => t.Name == "App_User").WaitingForDependency, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Joiner_WhenTheTypeDoesNotAllowAdd_GetsNoOrder_AndTheDependentTypeWaits()
    {
        var fixture = new ProvisioningFixture(configureAd: static r => r.AllowAdd = false);
        fixture.SetPerson("E1", "Zoë", "Martin", "Sales");
        await fixture.SynchronizeAsync();

        var report = await fixture.Engine.GenerateAsync();

        Assert.Multiple(() =>
        {
            Assert.That(report.Orders, Is.Empty);
            Assert.That(report.ResourceTypes.Select(static t => (t.Name, t.Added, t.WaitingForDependency)), Is.EqualTo(new[] { ("AD_User", 0, 0), ("App_User", 0, 1) }));
        });
    }

    [Test]
    public async Task Joiner_FulfilledAutomatically_IsExecutedThenVerifiedByTheNextSynchronization()
    {
        var fixture = new ProvisioningFixture();
        fixture.SetPerson("E1", "Zoë", "Martin", "Sales");
        await fixture.SynchronizeAsync();
        await fixture.Engine.GenerateAsync();

        var fulfilled = await fixture.Engine.FulfillAsync();
        var executed = (await fixture.OrdersAsync()).Single();
        await fixture.SynchronizeAsync();
        var verification = await fixture.Engine.VerifyAsync();
        var verified = (await fixture.OrdersAsync()).Single();

        Assert.Multiple(() =>
        {
            Assert.That(fulfilled.Executed, Is.EqualTo(1));
            Assert.That(executed.State, Is.EqualTo(OrderState.Executed));
            Assert.That(fixture.Directory.Users["zoë.martin"], Is.EqualTo(("E1", "Zoë Martin")));
            Assert.That(verification.Verified, Is.EqualTo(1));
            Assert.That(verified.History.Select(static h => h.State), Is.EqualTo(new[] { OrderState.Pending, OrderState.Transmitted, OrderState.Executed, OrderState.Verified }));
        });
    }

    [Test]
    public async Task Mover_DepartmentChange_AddsTheNewGroupAndRemovesTheOldOne()
    {
        var fixture = new ProvisioningFixture();
        fixture.SetPerson("E1", "Zoë", "Martin", "Sales");
        await fixture.CycleAsync();
        fixture.SetPerson("E1", "Zoë", "Martin", "Finance");
        await fixture.SynchronizeAsync();

        var report = await fixture.Engine.GenerateAsync();

        var order = report.Orders.Single(static o => o.ResourceType == "AD_User");
        Assert.Multiple(() =>
        {
            Assert.That((order.ChangeType, order.Kind, order.State), Is.EqualTo((OrderChangeType.Modified, OrderKind.Rule, OrderState.Pending)));
            Assert.That(order.Changes, Is.Empty, "the name did not change");
            Assert.That(Show(order.Navigation["MemberOf"]), Is.EqualTo("+GG_Finance -GG_Sales"));
            Assert.That(order.Resource!.Key, Is.EqualTo("zoë.martin"));
            Assert.That(order.Reason, Does.Contain("MemberOf +'GG_Finance': query rule 1 (`'GG_' + Owner.Department` = `Target.Cn` on 'GG_Finance')"));
            Assert.That(order.Reason, Does.Contain("MemberOf -'GG_Sales': the rules gave it before and no longer do"));
            Assert.That(report.ResourceTypes.Single(static t => t.Name == "AD_User").Evaluated, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Leaver_NoLongerEntitled_GetsADeletedOrder()
    {
        var fixture = new ProvisioningFixture();
        fixture.SetPerson("E1", "Zoë", "Martin", "Sales");
        await fixture.CycleAsync();
        fixture.SetPerson("E1", "Zoë", "Martin", "Sales", status: "Leaver");
        await fixture.SynchronizeAsync();

        var report = await fixture.Engine.GenerateAsync();
        await fixture.Engine.FulfillAsync();

        var order = report.Orders.Single(static o => o.ResourceType == "AD_User");
        Assert.Multiple(() =>
        {
            Assert.That((order.ChangeType, order.Kind, order.State), Is.EqualTo((OrderChangeType.Deleted, OrderKind.Rule, OrderState.Pending)));
            Assert.That(order.Reason, Is.EqualTo("Zoë Martin (E1) is no longer entitled to AD_User: its type rule does not match"));
            Assert.That(order.Resource!.Values["DisplayName"], Is.EqualTo("Zoë Martin"));
            Assert.That(fixture.Directory.Users, Does.Not.ContainKey("zoë.martin"));
        });
    }

    [Test]
    public async Task Leaver_WhenTheTypeDoesNotAllowRemoval_IsAGapForReview()
    {
        var fixture = new ProvisioningFixture(configureAd: static r => r.AllowRemove = false);
        fixture.SetPerson("E1", "Zoë", "Martin", "Sales");
        await fixture.CycleAsync();
        fixture.SetPerson("E1", "Zoë", "Martin", "Sales", status: "Leaver");
        await fixture.SynchronizeAsync();

        var report = await fixture.Engine.GenerateAsync();
        var fulfilled = await fixture.Engine.FulfillAsync();

        var order = report.Orders.Single(static o => o.ResourceType == "AD_User");
        Assert.Multiple(async () =>
        {
            Assert.That((order.ChangeType, order.Kind, order.State), Is.EqualTo((OrderChangeType.Deleted, OrderKind.Gap, OrderState.AwaitingApproval)));
            Assert.That(order.Reason, Does.EndWith("AD_User does not allow removal, so the account is kept until reviewed"));
            Assert.That(fulfilled.Executed, Is.Zero);
            Assert.That(fixture.Directory.Users, Does.ContainKey("zoë.martin"));
            Assert.That((await fixture.Engine.GetOrdersToReviewAsync()).Select(static o => o.Id), Is.EqualTo(new[] { order.Id }));
        });
    }

    [Test]
    public async Task OwnerGone_IsRemovedOnlyWithRemoveOrphans()
    {
        var kept = new ProvisioningFixture();
        var removed = new ProvisioningFixture(configureAd: static r => r.RemoveOrphans = true);
        foreach (var fixture in new[] { kept, removed })
        {
            fixture.SetPerson("E1", "Zoë", "Martin", "Sales");
            fixture.SetPerson("E2", "Bruno", "Dupont", "Finance");
            await fixture.CycleAsync();
            fixture.People.Remove("E1");
            await fixture.SynchronizeAsync();
        }

        var keptOrder = (await kept.Engine.GenerateAsync()).Orders.Single();
        var removedOrder = (await removed.Engine.GenerateAsync()).Orders.Single();

        Assert.Multiple(() =>
        {
            Assert.That((keptOrder.ChangeType, keptOrder.Kind, keptOrder.State, keptOrder.Owner), Is.EqualTo((OrderChangeType.Deleted, OrderKind.Gap, OrderState.AwaitingApproval, (OrderOwner?)null)));
            Assert.That((removedOrder.ChangeType, removedOrder.Kind, removedOrder.State), Is.EqualTo((OrderChangeType.Deleted, OrderKind.Rule, OrderState.Pending)));
            Assert.That(removedOrder.Reason, Does.EndWith("no longer exists; RemoveOrphans is on"));
        });
    }

    [Test]
    public async Task ManualTicket_GoesTransmittedThenExecutedThenVerifiedAfterASynchronization()
    {
        var fixture = new ProvisioningFixture();
        fixture.SetPerson("E1", "Zoë", "Martin", "Sales");
        await fixture.CycleAsync();
        await fixture.Engine.GenerateAsync();

        var fulfilled = await fixture.Engine.FulfillAsync();
        var ticket = (await fixture.Engine.GetTicketsAsync()).Single();
        var done = await fixture.Engine.CompleteTicketAsync(ticket.Id, "created by the app admin");
        var early = await fixture.Engine.VerifyAsync();
        fixture.SetApp("E1;seller");
        await fixture.SynchronizeAsync();
        var late = await fixture.Engine.VerifyAsync();
        var verified = await fixture.Engine.GetOrderAsync(ticket.Id);

        Assert.Multiple(() =>
        {
            Assert.That(fulfilled.Tickets, Is.EqualTo(1));
            Assert.That((ticket.ResourceType, ticket.ChangeType, ticket.State, ticket.IsManual), Is.EqualTo(("App_User", OrderChangeType.Added, OrderState.Transmitted, true)));
            Assert.That(ticket.Changes, Is.EquivalentTo(new Dictionary<string, object?> { ["Login"] = "E1", ["Role"] = "seller" }));
            Assert.That(done.State, Is.EqualTo(OrderState.Executed));
            Assert.That((early.Verified, early.Waiting), Is.EqualTo((0, 1)), "not visible before the application is synchronized");
            Assert.That(late.Verified, Is.EqualTo(1));
            Assert.That(verified.History.Select(static h => h.State), Is.EqualTo(new[] { OrderState.Pending, OrderState.Transmitted, OrderState.Executed, OrderState.Verified }));
            Assert.That(verified.History[2].Note, Is.EqualTo("done by hand: created by the app admin"));
        });
    }

    [Test]
    public async Task Ticket_ReportedFailed_IsErrorAndGeneratedAgain()
    {
        var fixture = new ProvisioningFixture();
        fixture.SetPerson("E1", "Zoë", "Martin", "Sales");
        await fixture.CycleAsync();
        await fixture.Engine.GenerateAsync();
        await fixture.Engine.FulfillAsync();
        var ticket = (await fixture.Engine.GetTicketsAsync()).Single();

        var failed = await fixture.Engine.FailTicketAsync(ticket.Id, "no licence left");
        var again = await fixture.Engine.GenerateAsync();

        Assert.Multiple(() =>
        {
            Assert.That((failed.State, failed.Message), Is.EqualTo((OrderState.Error, "failed by hand: no licence left")));
            Assert.That(again.Orders.Select(static o => (o.ResourceType, o.ChangeType)), Is.EqualTo(new[] { ("App_User", OrderChangeType.Added) }));
            Assert.ThrowsAsync<IdentitySyncException>(() => fixture.Engine.CompleteTicketAsync(ticket.Id));
        });
    }

    [Test]
    public async Task HandMadeChange_IsReportedAsNonConformingAndNeverOverwrittenSilently()
    {
        var fixture = new ProvisioningFixture();
        fixture.SetPerson("E1", "Zoë", "Martin", "Sales");
        await fixture.CycleAsync();
        fixture.Directory.Users["zoë.martin"] = ("E1", "Zoe (external) Martin");
        fixture.Directory.Members.Remove(("Staff", "zoë.martin"));
        fixture.Directory.Members.Add(("GG_Finance", "zoë.martin"));
        await fixture.SynchronizeAsync();

        var report = await fixture.Engine.GenerateAsync();
        var fulfilled = await fixture.Engine.FulfillAsync();

        var order = report.Orders.Single(static o => o.ResourceType == "AD_User");
        Assert.Multiple(() =>
        {
            Assert.That((order.ChangeType, order.Kind, order.State), Is.EqualTo((OrderChangeType.Modified, OrderKind.NonConforming, OrderState.AwaitingApproval)));
            Assert.That(order.Changes, Is.EquivalentTo(new Dictionary<string, object?> { ["DisplayName"] = "Zoë Martin" }));
            Assert.That(Show(order.Navigation["MemberOf"]), Is.EqualTo("+Staff -GG_Finance"));
            Assert.That(order.Reason, Does.Contain("DisplayName is 'Zoe (external) Martin' in AD but `Owner.FirstName + ' ' + Owner.LastName` computes 'Zoë Martin', and no rule change explains the difference"));
            Assert.That(report.ResourceTypes.Single(static t => t.Name == "AD_User").NonConforming, Is.EqualTo(1));
            Assert.That(fulfilled.Executed, Is.Zero);
            Assert.That(fixture.Directory.Users["zoë.martin"].DisplayName, Is.EqualTo("Zoe (external) Martin"));
        });
    }

    [Test]
    public async Task HandMadeChange_ApprovedOnReview_IsPutBack_DeclinedIsKeptAndNotRaisedAgain()
    {
        var fixture = new ProvisioningFixture();
        fixture.SetPerson("E1", "Zoë", "Martin", "Sales");
        fixture.SetPerson("E2", "Bruno", "Dupont", "Sales");
        await fixture.CycleAsync();
        fixture.Directory.Users["zoë.martin"] = ("E1", "Zoe X");
        fixture.Directory.Users["bruno.dupont"] = ("E2", "Bruno X");
        await fixture.SynchronizeAsync();
        var orders = (await fixture.Engine.GenerateAsync()).Orders.Where(static o => o.ResourceType == "AD_User").OrderBy(static o => o.Owner!.Key).ToList();

        await fixture.Engine.ApproveAsync(orders[0].Id, "alice");
        await fixture.Engine.DeclineAsync(orders[1].Id, "bob: the long name is wanted");
        await fixture.Engine.FulfillAsync();
        var again = await fixture.Engine.GenerateAsync();

        Assert.Multiple(() =>
        {
            Assert.That(fixture.Directory.Users["zoë.martin"].DisplayName, Is.EqualTo("Zoë Martin"));
            Assert.That(fixture.Directory.Users["bruno.dupont"].DisplayName, Is.EqualTo("Bruno X"));
            Assert.That(again.Orders, Is.Empty);
            Assert.ThrowsAsync<IdentitySyncException>(() => fixture.Engine.ApproveAsync(orders[1].Id));
        });
    }

    [Test]
    public async Task ArchiveAfter_MovesEndedOrdersOut_AndADeclinedChangeIsProposedAgain()
    {
        var fixture = new ProvisioningFixture(configureAd: static r => r.ArchiveAfter = TimeSpan.FromDays(30));
        fixture.SetPerson("E2", "Bruno", "Dupont", "Sales");
        await fixture.CycleAsync();
        fixture.Directory.Users["bruno.dupont"] = ("E2", "Bruno X");
        await fixture.SynchronizeAsync();
        var declined = (await fixture.Engine.GenerateAsync()).Orders.Single(static o => o.ResourceType == "AD_User");
        await fixture.Engine.DeclineAsync(declined.Id, "bob: the long name is wanted");
        var soon = await fixture.Engine.GenerateAsync();

        fixture.Clock.Advance(TimeSpan.FromDays(31));
        var dryRun = await fixture.Engine.GenerateAsync(new ProvisioningRunOptions { DryRun = true });
        var workingAfterDryRun = await fixture.Store.GetOrdersAsync("AD_User", [OrderState.Declined], CancellationToken.None);
        var later = await fixture.Engine.GenerateAsync();
        var archived = await fixture.Engine.GetArchivedOrdersAsync("ad_user");
        var working = await fixture.Engine.GetOrdersAsync("AD_User", null);

        Assert.Multiple(async () =>
        {
            Assert.That(soon.Orders, Is.Empty, "within the retention the declined order holds its change back");
            Assert.That(soon.ResourceTypes.Single(static t => t.Name == "AD_User").Archived, Is.Zero);
            Assert.That(dryRun.ResourceTypes.Single(static t => t.Name == "AD_User").Archived, Is.Zero, "a dry run archives nothing");
            Assert.That(workingAfterDryRun.Select(static o => o.Id), Is.EqualTo(new[] { declined.Id }));

            Assert.That(later.ResourceTypes.Single(static t => t.Name == "AD_User").Archived, Is.EqualTo(archived.Count));
            Assert.That(archived.Select(static o => o.Id), Does.Contain(declined.Id));
            Assert.That(archived.Select(static o => o.State), Is.All.AnyOf(OrderState.Verified, OrderState.Declined, OrderState.Error));
            Assert.That(working.Select(static o => o.Id), Has.No.Member(declined.Id));
            Assert.That(await fixture.Engine.GetArchivedOrdersAsync("App_User"), Is.Empty, "App_User keeps every order");

            var again = later.Orders.Single(static o => o.ResourceType == "AD_User");
            Assert.That((again.Kind, again.State, again.Owner!.Key), Is.EqualTo((OrderKind.NonConforming, OrderState.AwaitingApproval, "E2")));
            Assert.That(again.Id, Is.GreaterThan(archived.Max(static o => o.Id)));

            Assert.That((await fixture.Engine.GetOrderAsync(declined.Id)).State, Is.EqualTo(OrderState.Declined), "an archived order still reads by id");
            var refused = Assert.ThrowsAsync<IdentitySyncException>(() => fixture.Engine.ApproveAsync(declined.Id));
            Assert.That(refused!.Message, Is.EqualTo($"Order {declined.Id} is archived: it ended Declined and can no longer change; 'orders show {declined.Id}' reads it."));
        });
    }

    [Test]
    public async Task ArchiveAfter_IsNotARule_SettingItEvaluatesNoOwnerAgain()
    {
        var before = new ProvisioningFixture();
        before.SetPerson("E1", "Zoë", "Martin", "Sales");
        before.SetPerson("E2", "Bruno", "Dupont", "Sales");
        await before.CycleAsync();
        await before.Engine.GenerateAsync();
        var unchanged = await before.Engine.GenerateAsync();
        var after = new ProvisioningFixture(configureAd: static r => r.ArchiveAfter = TimeSpan.FromDays(30), store: before.Store);

        var withRetention = await after.Engine.GenerateAsync();

        Assert.Multiple(() =>
        {
            Assert.That(unchanged.ResourceTypes.Single(static t => t.Name == "AD_User").Evaluated, Is.Zero);
            Assert.That(withRetention.ResourceTypes.Single(static t => t.Name == "AD_User").Owners, Is.EqualTo(2));
            Assert.That(withRetention.ResourceTypes.Single(static t => t.Name == "AD_User").Evaluated, Is.Zero, "a retention changes no rule");
            Assert.That(withRetention.Orders, Is.Empty);
        });
    }

    [Test]
    public async Task HandMadeChange_WhenComputedValuesWin_IsPutBackByAPendingOrder()
    {
        var fixture = new ProvisioningFixture(configureAd: static r => r.ComputedValuesWin = true);
        fixture.SetPerson("E1", "Zoë", "Martin", "Sales");
        await fixture.CycleAsync();
        fixture.Directory.Users["zoë.martin"] = ("E1", "Zoe (external) Martin");
        await fixture.SynchronizeAsync();

        var order = (await fixture.Engine.GenerateAsync()).Orders.Single(static o => o.ResourceType == "AD_User");

        Assert.Multiple(() =>
        {
            Assert.That((order.Kind, order.State), Is.EqualTo((OrderKind.Rule, OrderState.Pending)));
            Assert.That(order.Reason, Does.Contain("(computed values win)"));
        });
    }

    [Test]
    public async Task ComparisonIgnoreCase_TreatsACaseOnlyDifferenceAsConforming()
    {
        var fixture = new ProvisioningFixture();
        fixture.SetPerson("E1", "Zoë", "Martin", "Sales");
        await fixture.CycleAsync();
        fixture.Directory.Users["zoë.martin"] = ("E1", "ZOË MARTIN");
        await fixture.SynchronizeAsync();

        var report = await fixture.Engine.GenerateAsync();

        Assert.That(report.Orders.Where(static o => o.ResourceType == "AD_User"), Is.Empty);
    }

    [Test]
    public async Task Threshold_BlocksTheTypeAndSavesNothing_ThenForceLetsItThrough()
    {
        var fixture = new ProvisioningFixture(configureAd: static r => r.Thresholds.MaxOrders = 2);
        fixture.SetPerson("E1", "Zoë", "Martin", "Sales");
        fixture.SetPerson("E2", "Bruno", "Dupont", "Sales");
        fixture.SetPerson("E3", "Ana", "Silva", "Finance");
        await fixture.SynchronizeAsync();

        var blocked = await fixture.Engine.GenerateAsync();
        var savedWhileBlocked = await fixture.OrdersAsync();
        var forced = await fixture.Engine.GenerateAsync(new ProvisioningRunOptions { Force = true });

        var ad = blocked.ResourceTypes.Single(static t => t.Name == "AD_User");
        Assert.Multiple(async () =>
        {
            Assert.That(blocked.IsBlocked, Is.True);
            Assert.That((ad.Blocked, ad.Threshold), Is.EqualTo((true, "3 orders exceed MaxOrders 2")));
            Assert.That(blocked.Orders.Select(static o => o.Id), Is.EqualTo(new long[] { 0, 0, 0 }), "reported for inspection, not saved");
            Assert.That(savedWhileBlocked, Is.Empty);
            Assert.That(forced.IsBlocked, Is.False);
            Assert.That((await fixture.OrdersAsync()).Count, Is.EqualTo(3));
        });
    }

    [Test]
    public async Task ThresholdPercent_CountsAgainstTheTypesResources()
    {
        var fixture = new ProvisioningFixture(configureAd: static r => r.Thresholds.MaxOrdersPercent = 30);
        foreach (var i in Enumerable.Range(1, 4))
        {
            fixture.SetPerson($"E{i}", "P" + i, "Person", "Sales");
        }

        await fixture.CycleAsync();
        fixture.SetPerson("E1", "P1", "Person", "Finance");
        fixture.SetPerson("E2", "P2", "Person", "Finance");
        await fixture.SynchronizeAsync();

        var report = await fixture.Engine.GenerateAsync();

        Assert.That(report.ResourceTypes.Single(static t => t.Name == "AD_User").Threshold, Is.EqualTo("2 orders for 4 resources (50 %) exceed MaxOrdersPercent 30 %"));
    }

    [Test]
    public async Task GeneratingTwice_NeverDuplicatesAnOrderInFlight()
    {
        var fixture = new ProvisioningFixture();
        fixture.SetPerson("E1", "Zoë", "Martin", "Sales");
        fixture.SetPerson("E2", "Bruno", "Dupont", "Finance");
        await fixture.SynchronizeAsync();

        var first = await fixture.Engine.GenerateAsync();
        var second = await fixture.Engine.GenerateAsync();
        var full = await fixture.Engine.GenerateAsync(new ProvisioningRunOptions { Full = true });

        Assert.Multiple(async () =>
        {
            Assert.That(first.Orders, Has.Count.EqualTo(2));
            Assert.That(second.Orders, Is.Empty);
            Assert.That(second.ResourceTypes.Single(static t => t.Name == "AD_User").Evaluated, Is.Zero, "nothing changed");
            Assert.That(full.ResourceTypes.Single(static t => t.Name == "AD_User").Evaluated, Is.EqualTo(2));
            Assert.That(full.Orders, Is.Empty, "evaluated again, still no duplicate");
            Assert.That(await fixture.OrdersAsync(), Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task Incremental_ATargetThatAppears_IsGivenToTheOwnersItMatches()
    {
        var fixture = new ProvisioningFixture();
        fixture.SetPerson("E1", "Zoë", "Martin", "Marketing");
        fixture.SetPerson("E2", "Bruno", "Dupont", "Sales");
        await fixture.CycleAsync();
        await fixture.Engine.GenerateAsync();
        fixture.Directory.Groups.Add("GG_Marketing");
        await fixture.SynchronizeAsync();

        var report = await fixture.Engine.GenerateAsync();

        var order = report.Orders.Single(static o => o.ResourceType == "AD_User");
        Assert.Multiple(() =>
        {
            Assert.That((order.Owner!.Key, Show(order.Navigation["MemberOf"])), Is.EqualTo(("E1", "+GG_Marketing")));
            Assert.That(report.ResourceTypes.Single(static t => t.Name == "AD_User").Evaluated, Is.EqualTo(2), "the targets changed for everyone");
        });
    }

    [Test]
    public async Task Timeout_TransmittedPastTheTypesTimeout_BecomesError()
    {
        var fixture = new ProvisioningFixture();
        fixture.SetPerson("E1", "Zoë", "Martin", "Sales");
        await fixture.CycleAsync();
        await fixture.Engine.GenerateAsync();
        await fixture.Engine.FulfillAsync();
        var ticket = (await fixture.Engine.GetTicketsAsync()).Single();

        fixture.Clock.Advance(TimeSpan.FromDays(1));
        var early = await fixture.Engine.VerifyAsync();
        fixture.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        var late = await fixture.Engine.VerifyAsync();
        var order = await fixture.Engine.GetOrderAsync(ticket.Id);

        Assert.Multiple(() =>
        {
            Assert.That(early.TimedOut, Is.Zero);
            Assert.That(late.TimedOut, Is.EqualTo(1));
            Assert.That(order.State, Is.EqualTo(OrderState.Error));
            Assert.That(order.Message, Is.EqualTo("still Transmitted after 2.00:00:00 (the TransmittedTimeout of App_User)"));
        });
    }

    [Test]
    public async Task RequireReview_HoldsOrdersUntilApproved_AndPostponeHidesThemUntilLater()
    {
        var fixture = new ProvisioningFixture(configureAd: static r => r.RequireReview = true);
        fixture.SetPerson("E1", "Zoë", "Martin", "Sales");
        await fixture.SynchronizeAsync();
        var order = (await fixture.Engine.GenerateAsync()).Orders.Single();

        await fixture.Engine.PostponeAsync(order.Id, fixture.Clock.GetUtcNow().AddHours(2), "after the audit");
        var hidden = await fixture.Engine.GetOrdersToReviewAsync();
        fixture.Clock.Advance(TimeSpan.FromHours(3));
        var back = await fixture.Engine.GetOrdersToReviewAsync();
        var beforeApproval = await fixture.Engine.FulfillAsync();
        await fixture.Engine.ApproveAsync(order.Id);
        var afterApproval = await fixture.Engine.FulfillAsync();

        Assert.Multiple(() =>
        {
            Assert.That(order.State, Is.EqualTo(OrderState.AwaitingApproval));
            Assert.That(order.History.Single().Note, Is.EqualTo("generated; AD_User requires review"));
            Assert.That(hidden, Is.Empty);
            Assert.That(back.Select(static o => o.Id), Is.EqualTo(new[] { order.Id }));
            Assert.That(beforeApproval.Executed, Is.Zero);
            Assert.That(afterApproval.Executed, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task RetryableResults_AreRetriedWithBackOff_ThenError()
    {
        var fixture = new ProvisioningFixture();
        fixture.SetPerson("E1", "Zoë", "Martin", "Sales");
        await fixture.SynchronizeAsync();
        var order = (await fixture.Engine.GenerateAsync()).Orders.Single();
        fixture.Directory.Answer = FulfillmentStatus.OutcomeUnknown;

        var first = await fixture.Engine.FulfillAsync();
        var tooEarly = await fixture.Engine.FulfillAsync();
        fixture.Clock.Advance(TimeSpan.FromMinutes(5));
        await fixture.Engine.FulfillAsync();
        fixture.Clock.Advance(TimeSpan.FromMinutes(9));
        var stillWaiting = await fixture.Engine.FulfillAsync();
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        var last = await fixture.Engine.FulfillAsync();
        var errored = await fixture.Engine.GetOrderAsync(order.Id);

        Assert.Multiple(() =>
        {
            Assert.That(first.Retrying, Is.EqualTo(1));
            Assert.That(tooEarly.Retrying + tooEarly.Executed + tooEarly.Failed, Is.Zero, "not due before the back-off");
            Assert.That(stillWaiting.Retrying, Is.Zero, "the second retry waits twice as long");
            Assert.That(last.Failed, Is.EqualTo(1));
            Assert.That(fixture.Directory.Received, Has.Count.EqualTo(3));
            Assert.That((errored.State, errored.Attempts), Is.EqualTo((OrderState.Error, 3)));
            Assert.That(errored.Message, Is.EqualTo("gave up after 3 attempts; last: OutcomeUnknown: as the test asked"));
        });
    }

    [Test]
    public async Task OwnerWithASuggestedAccount_GetsNoAddedOrderUntilTheSuggestionIsReviewed()
    {
        var fixture = new ProvisioningFixture(configureAd: static r => r.CorrelationRules.Add(new CorrelationRuleOptions { Owner = "Owner.FirstName + ' ' + Owner.LastName", Account = "Account.DisplayName", Confidence = 80 }));
        fixture.SetPerson("E1", "Zoë", "Martin", "Sales");
        fixture.Directory.Users["zmartin"] = ("X9", "Zoë Martin");
        await fixture.SynchronizeAsync();

        var report = await fixture.Engine.GenerateAsync();

        var ad = report.ResourceTypes.Single(static t => t.Name == "AD_User");
        Assert.Multiple(() =>
        {
            Assert.That((ad.Added, ad.WaitingForReview), Is.EqualTo((0, 1)));
            Assert.That(report.Orders, Is.Empty);
        });
    }

    [TestCase(FulfillmentStatus.Succeeded, OrderState.Executed)]
    [TestCase(FulfillmentStatus.AlreadyExists, OrderState.Executed)]
    [TestCase(FulfillmentStatus.Failed, OrderState.Error)]
    [TestCase(FulfillmentStatus.NotFound, OrderState.Error)]
    [TestCase(FulfillmentStatus.Accepted, OrderState.Transmitted)]
    [TestCase(FulfillmentStatus.NotAttempted, OrderState.Pending)]
    public async Task FulfillmentResult_OfAnAddedOrder_MovesItAsDocumented(FulfillmentStatus answer, OrderState expected)
    {
        var fixture = new ProvisioningFixture();
        fixture.SetPerson("E1", "Zoë", "Martin", "Sales");
        await fixture.SynchronizeAsync();
        var order = (await fixture.Engine.GenerateAsync()).Orders.Single();
        fixture.Directory.Answer = answer;

        await fixture.Engine.FulfillAsync();

        var after = await fixture.Engine.GetOrderAsync(order.Id);
        Assert.Multiple(() =>
        {
            Assert.That(after.State, Is.EqualTo(expected));
            Assert.That(after.Attempts, Is.EqualTo(1));
            Assert.That(after.History[1].State, Is.EqualTo(OrderState.Transmitted), "saved as handed over before the connection answered");
        });
    }

    /// <summary>
    /// What executed orders asked for is expected at the next synchronization and does not count toward its
    /// thresholds; a change nobody ordered still does, so a mass change cannot hide among the expected ones.
    /// </summary>
    [TestCase(1, SyncOutcome.Succeeded)]
    [TestCase(5, SyncOutcome.Blocked)]
    public async Task Synchronize_ChangesExecutedOrdersAskedFor_DoNotCountTowardThresholds(int intruders, SyncOutcome expected)
    {
        var fixture = new ProvisioningFixture(adThresholds: static t =>
        {
            Thresholds.Off(t);
            t.Resources.MaxInserted = 4;
            t.Links.MaxInserted = 4;
        });
        for (var i = 1; i <= 6; i++)
        {
            fixture.SetPerson($"E{i}", "Ann", $"Smith{i}", "Sales");
        }

        await fixture.SynchronizeAsync();
        await fixture.Engine.GenerateAsync();
        await fixture.Engine.FulfillAsync();
        Assert.That(await fixture.OrdersAsync(OrderState.Executed), Has.Count.EqualTo(6), "six accounts created, with their groups");
        for (var i = 1; i <= intruders; i++)
        {
            fixture.Directory.Users[$"intruder{i}"] = ($"X{i}", "Nobody ordered this");
        }

        fixture.PublishDirectory();
        var report = await fixture.Sync.SynchronizeAsync("AD");

        Assert.Multiple(() =>
        {
            Assert.That(report.Outcome, Is.EqualTo(expected), report.Message);
            Assert.That(report.ExpectedChanges, Is.EqualTo(6 + 12), "six accounts and their two groups each were ordered");
            Assert.That(report.Thresholds.Single(static v => v.Scope == ThresholdScope.Connector && v.Change == ThresholdChange.Inserted).Actual, Is.EqualTo(intruders), "only what nobody ordered counts");
            Assert.That(report.EntityTypes.Single(static e => e.EntityType == "AD_User").Inserted, Is.EqualTo(6 + intruders), "the report still shows every change");
        });
    }

    [Test]
    public async Task Fulfill_DisposesTheFulfilConnectionAfterEachPass_EvenWhenItThrows()
    {
        var fixture = new ProvisioningFixture();
        fixture.SetPerson("E1", "Zoë", "Martin", "Sales");
        await fixture.SynchronizeAsync();
        await fixture.Engine.GenerateAsync();

        await fixture.Engine.FulfillAsync();
        fixture.Directory.Throw = new InvalidOperationException("broken");
        fixture.Clock.Advance(TimeSpan.FromHours(1));
        await fixture.Engine.FulfillAsync();

        Assert.That(fixture.Directory.Disposed, Is.EqualTo(2));
    }

    /// <summary>Not only connection errors: whatever a fulfil facet throws is the orders' result, retried, then Error.</summary>
    [Test]
    public async Task Fulfill_ConnectionThrowsAnything_OrderIsRetriedThenInError_NeverLeftTransmitted()
    {
        var fixture = new ProvisioningFixture();
        fixture.SetPerson("E1", "Zoë", "Martin", "Sales");
        await fixture.SynchronizeAsync();
        var order = (await fixture.Engine.GenerateAsync()).Orders.Single();
        fixture.Directory.Throw = new IOException("the order file cannot be written: disk full");

        var first = await fixture.Engine.FulfillAsync();
        var retried = await fixture.Engine.GetOrderAsync(order.Id);
        for (var attempt = 2; attempt <= 3; attempt++)
        {
            fixture.Clock.Advance(TimeSpan.FromMinutes(30));
            await fixture.Engine.FulfillAsync();
        }

        var last = await fixture.Engine.GetOrderAsync(order.Id);
        Assert.Multiple(() =>
        {
            Assert.That(first.Retrying, Is.EqualTo(1));
            Assert.That((retried.State, retried.Attempts), Is.EqualTo((OrderState.Pending, 1)));
            Assert.That(retried.Message, Does.Contain("the connection failed: the order file cannot be written: disk full (IOException)"));
            Assert.That((last.State, last.Attempts), Is.EqualTo((OrderState.Error, 3)));
        });
    }

    [Test]
    public async Task FulfillmentResult_NotFoundForADeletion_IsDone()
    {
        var fixture = new ProvisioningFixture();
        fixture.SetPerson("E1", "Zoë", "Martin", "Sales");
        await fixture.CycleAsync();
        fixture.SetPerson("E1", "Zoë", "Martin", "Sales", status: "Leaver");
        await fixture.SynchronizeAsync();
        var order = (await fixture.Engine.GenerateAsync()).Orders.Single(static o => o.ResourceType == "AD_User");
        fixture.Directory.Answer = FulfillmentStatus.NotFound;

        await fixture.Engine.FulfillAsync();

        var after = await fixture.Engine.GetOrderAsync(order.Id);
        Assert.That((after.State, after.Message), Is.EqualTo((OrderState.Executed, "already gone: as the test asked")));
    }

    [Test]
    public async Task DryRun_ReportsOrdersAndSavesNothing()
    {
        var fixture = new ProvisioningFixture();
        fixture.SetPerson("E1", "Zoë", "Martin", "Sales");
        await fixture.SynchronizeAsync();

        var dry = await fixture.Engine.GenerateAsync(new ProvisioningRunOptions { DryRun = true });
        var real = await fixture.Engine.GenerateAsync();

        Assert.Multiple(() =>
        {
            Assert.That(dry.Orders.Select(static o => (o.Id, o.ChangeType)), Is.EqualTo(new[] { (0L, OrderChangeType.Added) }));
            Assert.That(real.Orders, Has.Count.EqualTo(1), "the dry run kept no state");
        });
    }

    [Test]
    public async Task NavigationRuleToAMissingTarget_IsReportedAsAProblem()
    {
        var fixture = new ProvisioningFixture(configureAd: static r => r.NavigationRules.Add(new NavigationRuleOptions { Property = "MemberOf", Target = "GG_Nowhere" }));
        fixture.SetPerson("E1", "Zoë", "Martin", "Sales");
        await fixture.SynchronizeAsync();

        var report = await fixture.Engine.GenerateAsync();

        Assert.That(report.ResourceTypes.Single(static t => t.Name == "AD_User").Problems,
            Is.EqualTo(new[] { "navigation rule 2 of AD_User: no AD_Group has the key 'GG_Nowhere'; the rule links nothing until it exists" }));
    }

    [Test]
    public async Task Report_MatchesApprovedJson()
    {
        var fixture = new ProvisioningFixture();
        fixture.SetPerson("E1", "Zoë", "Martin", "Sales");
        fixture.SetPerson("E2", "Bruno", "Dupont", "Finance");
        await fixture.CycleAsync();
        fixture.SetPerson("E2", "Bruno", "Dupont", "Sales");
        fixture.SetPerson("E3", "Ana", "Silva", "Finance");
        fixture.Directory.Users["zoë.martin"] = ("E1", "Zoe X");
        await fixture.SynchronizeAsync();

        var report = await fixture.Engine.GenerateAsync();

        var approved = Beside("ProvisioningEngineTests.Report.verified.json");
        Approvals.VerifyFile(report.ToJson(), approved, Path.ChangeExtension(approved, null).Replace(".verified", ".received", StringComparison.Ordinal) + ".json");
    }

    private static string Beside(string file, [System.Runtime.CompilerServices.CallerFilePath] string source = "") => Path.Combine(Path.GetDirectoryName(source)!, file);

    private static string Show(NavigationChange change) =>
        string.Join(" ", change.Added.Select(static a => "+" + a).Concat(change.Removed.Select(static r => "-" + r)));
}
