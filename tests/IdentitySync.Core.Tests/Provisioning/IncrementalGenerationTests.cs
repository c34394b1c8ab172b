using System.Reflection;
using System.Runtime.ExceptionServices;
using IdentitySync.Orders;
using IdentitySync.Rules;
using IdentitySync.Storage;

namespace IdentitySync.Tests.Provisioning;

/// <summary>What an incremental generation reads: the digest of every owner, the previous state of the owners it evaluates.</summary>
public sealed class IncrementalGenerationTests
{
    [Test]
    public async Task Incremental_OnlyTheOwnerWhoseDataChangedIsEvaluatedAgain_ReadingOnlyItsPreviousState()
    {
        var store = StoreSpy.Around(new InMemoryResourceStore());
        var fixture = new ProvisioningFixture(store: store);
        foreach (var i in Enumerable.Range(1, 5))
        {
            fixture.SetPerson($"E{i}", "P" + i, "Person", "Sales");
        }

        await fixture.CycleAsync();
        await fixture.Engine.GenerateAsync();
        fixture.SetPerson("E3", "P3", "Renamed", "Sales");
        await fixture.SynchronizeAsync();
        var spy = (StoreSpy)(object)store;
        spy.Reads.Clear();

        var report = await fixture.Engine.GenerateAsync();

        var ad = report.ResourceTypes.Single(static t => t.Name == "AD_User");
        var renamed = report.Orders.Single(static o => o.ResourceType == "AD_User");
        Assert.Multiple(() =>
        {
            Assert.That((ad.Owners, ad.Evaluated), Is.EqualTo((5, 1)));
            Assert.That(renamed.Changes["DisplayName"], Is.EqualTo("P3 Renamed"));
            Assert.That(spy.Reads, Does.Contain($"states of AD_User: {renamed.Owner!.Id}"), "the evaluated owner's state, by id");
            Assert.That(spy.Reads, Has.None.StartsWith("every state"), "no whole read of the states");
            Assert.That(spy.Reads, Does.Contain("digests of AD_User").And.Contain("digests of App_User"));
        });
    }

    [Test]
    public async Task Incremental_CodeRules_AreEvaluatedEveryTime()
    {
        // Code may read anything, so its owners have no digest to compare: each generation evaluates them again.
        var prefix = "A";
        var fixture = new ProvisioningFixture(configureAd: r =>
        {
            var displayName = r.ScalarRules.Single(static s => s.Property == "DisplayName");
            displayName.Value = null;
            displayName.ValueExpression = DelegateExpression.Value(c => prefix + " " + c.GetValue("Owner", ["LastName"]), "prefix + last name");
        });
        fixture.SetPerson("E1", "Zoë", "Martin", "Sales");
        fixture.SetPerson("E2", "Bruno", "Dupont", "Finance");
        await fixture.CycleAsync();
        var unchanged = await fixture.Engine.GenerateAsync();
        prefix = "B";

        var report = await fixture.Engine.GenerateAsync();

        Assert.Multiple(() =>
        {
            Assert.That(unchanged.ResourceTypes.Single(static t => t.Name == "AD_User").Evaluated, Is.EqualTo(2));
            Assert.That(unchanged.Orders.Where(static o => o.ResourceType == "AD_User"), Is.Empty, "evaluated, nothing to change");
            Assert.That(report.ResourceTypes.Single(static t => t.Name == "AD_User").Evaluated, Is.EqualTo(2));
            Assert.That(
                report.Orders.Where(static o => o.ResourceType == "AD_User").Select(static o => (o.ChangeType, o.Changes["DisplayName"])).OrderBy(static c => (string?)c.Item2),
                Is.EqualTo(new[] { (OrderChangeType.Modified, (object?)"B Dupont"), (OrderChangeType.Modified, (object?)"B Martin") }));
        });
    }

    /// <summary>Passes every call to a store through, writing down the reads of provisioning states and digests.</summary>
    /// <remarks>Not sealed: DispatchProxy derives the proxy type from it.</remarks>
    public class StoreSpy : DispatchProxy
    {
        private IResourceStore _inner = null!;

        public List<string> Reads { get; } = [];

        public static IResourceStore Around(IResourceStore inner)
        {
            var store = Create<IResourceStore, StoreSpy>();
            ((StoreSpy)(object)store)._inner = inner;
            return store;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            switch (targetMethod.Name, args)
            {
                case (nameof(IOrderStore.GetProvisioningStatesAsync), [string type, IEnumerable<long> ids, _]):
                    Reads.Add($"states of {type}: {string.Join(",", ids)}");
                    break;
                case (nameof(IOrderStore.GetProvisioningStatesAsync), [string type, _]):
                    Reads.Add($"every state of {type}");
                    break;
                case (nameof(IOrderStore.GetProvisioningDigestsAsync), [string type, _]):
                    Reads.Add($"digests of {type}");
                    break;
            }

            try
            {
                return targetMethod.Invoke(_inner, args);
            }
            catch (TargetInvocationException exception) when (exception.InnerException is { } inner)
            {
                ExceptionDispatchInfo.Throw(inner);
                throw;
            }
        }
    }
}
