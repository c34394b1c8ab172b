using IdentitySync.JobRuns;
using IdentitySync.Jobs;
using IdentitySync.Orders;

namespace IdentitySync.Tests.Provisioning;

public sealed class ProvisioningJobTests
{
    [Test]
    public async Task Job_SynchronizeCategorizeProvisionFulfillVerify_CreatesTheJoinersAccountAndVerifiesItOnTheNextRun()
    {
        var fixture = new ProvisioningFixture();
        fixture.SetPerson("E1", "Zoë", "Martin", "Finance");
        fixture.PublishPeople();
        var runner = new JobRunner(fixture.Store, fixture.Clock);

        var first = await runner.RunAsync("nightly", Tasks(fixture));
        fixture.PublishDirectory();
        var second = await runner.RunAsync("nightly", Tasks(fixture));

        Assert.Multiple(async () =>
        {
            Assert.That(first.Status, Is.EqualTo(JobStatus.Succeeded), string.Join(Environment.NewLine, first.Log));
            Assert.That(first.Tasks.Single(static t => t.Task == "provision").Message, Is.EqualTo("1 orders: 1 added, 0 modified, 0 deleted, 0 non-conforming, 0 gaps; 0 to review"));
            Assert.That(first.Tasks.Single(static t => t.Task == "fulfill").Message, Is.EqualTo("1 executed, 0 handed over, 0 tickets opened, 0 failed, 0 to retry, 0 timed out"));
            Assert.That(second.Tasks.Single(static t => t.Task == "verify").Message, Is.EqualTo("1 verified, 0 still waiting, 0 timed out"));
            Assert.That((await fixture.OrdersAsync()).Single().State, Is.EqualTo(OrderState.Verified));
        });
    }

    [Test]
    public async Task Job_ProvisioningOverItsThreshold_IsBlockedAndResumesWithForce()
    {
        var fixture = new ProvisioningFixture(configureAd: static r => r.Thresholds.MaxOrders = 1);
        fixture.SetPerson("E1", "Zoë", "Martin", "Finance");
        fixture.SetPerson("E2", "Bruno", "Dupont", "Finance");
        fixture.PublishPeople();
        var runner = new JobRunner(fixture.Store, fixture.Clock);
        var tasks = Tasks(fixture);

        var blocked = await runner.RunAsync("nightly", tasks);
        var ordersWhileBlocked = await fixture.OrdersAsync();
        var resumed = await runner.ResumeAsync(blocked, tasks);

        Assert.Multiple(async () =>
        {
            Assert.That(blocked.Status, Is.EqualTo(JobStatus.Blocked));
            Assert.That(blocked.Tasks.Single(static t => t.Task == "provision").Message, Is.EqualTo("Blocked by provisioning thresholds (AD_User: 2 orders exceed MaxOrders 1); check the orders, then resume to generate them anyway."));
            Assert.That(blocked.Tasks.Single(static t => t.Task == "fulfill").Status, Is.EqualTo(JobTaskStatus.Pending));
            Assert.That(ordersWhileBlocked, Is.Empty);
            Assert.That(resumed.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That((await fixture.OrdersAsync()).Select(static o => o.State), Is.EqualTo(new[] { OrderState.Executed, OrderState.Executed }));
        });
    }

    private static List<IJobTask> Tasks(ProvisioningFixture fixture) =>
    [
        new SynchronizeTask(fixture.Sync, "HR"),
        new SynchronizeTask(fixture.Sync, "AD"),
        new SynchronizeTask(fixture.Sync, "App"),
        new CategorizeTask(fixture.Categorization),
        new VerifyTask(fixture.Engine),
        new GenerateOrdersTask(fixture.Engine),
        new FulfillTask(fixture.Engine),
    ];
}
