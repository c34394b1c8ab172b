using IdentitySync.ChangeSets;
using IdentitySync.Storage;
using IdentitySync.Synchronization;
using IdentitySync.Tests.Testing;

namespace IdentitySync.Tests.Synchronization;

/// <summary>
/// A complete run loads only each stored resource's id, key and digest, and reads by id the values of the rows
/// whose digest differs and of the resources the export no longer has.
/// </summary>
public sealed class DigestFirstTests
{
    [Test]
    public async Task Synchronize_Complete_ReadsDigestsAndOnlyTheChangedAndDeletedResourcesById()
    {
        var inner = new InMemoryResourceStore();
        var fixture = new SyncFixture(store: inner);
        fixture.SetSnapshot(10, "CN=Staff;u1");
        await fixture.RunAsync(SyncMode.Initial);
        var idsOf = await IdsAsync(inner, "AD_User");
        var store = ReadSpy.Around(inner);
        var run = new SyncFixture(store: store);
        run.SetSnapshot([.. SyncFixture.Users(9).Select((row, i) => i == 2 ? SyncFixture.User(3, created: "2030-01-01") : row), SyncFixture.User(11)], "CN=Staff;u1");

        var report = await run.RunAsync();

        var users = report.EntityTypes.Single(static e => e.EntityType == "AD_User");
        var spy = (ReadSpy)(object)store;
        Assert.Multiple(async () =>
        {
            Assert.That((report.Outcome, users.Inserted, users.Updated, users.Deleted, users.Unchanged), Is.EqualTo((SyncOutcome.Succeeded, 1L, 1L, 1L, 8L)));
            Assert.That(spy.Reads, Does.Contain("digests of AD_User").And.Contain("digests of AD_Group"));
            Assert.That(spy.Reads, Has.None.StartWith("every resource"), "no value is read that no row needs");
            Assert.That(spy.Reads.Where(static r => r.StartsWith("by id", StringComparison.Ordinal)).ToList(), Is.EqualTo(new[] { $"by id: {idsOf["CN=u3,OU=Users"]},{idsOf["CN=u10,OU=Users"]}" }), "the changed u3 and the deleted u10, in id order; no group");
            Assert.That(run.ValueOf((await run.FindAsync("AD_User", "CN=u3,OU=Users"))!, "Created"), Is.EqualTo(new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
            Assert.That(await run.FindAsync("AD_User", "CN=u10,OU=Users"), Is.Null);
        });
    }

    [Test]
    public async Task Synchronize_ChangedRow_KeepsTheStoredValuesOfPropertiesItsMappingDoesNotSet()
    {
        var fixture = new SyncFixture();
        fixture.SetSnapshot(3);
        await fixture.RunAsync(SyncMode.Initial);

        // The mapping no longer reads the employee id: every row's digest changes with the mapping, and each row
        // is completed from its stored values once they are read.
        var narrower = new SyncFixture(store: fixture.Store, configure: static b =>
        {
            var properties = b.Options.Connectors[0].Mappings[0].Properties;
            properties.Remove(properties.Single(static p => p.Property == "EmployeeId"));
        });
        narrower.SetSnapshot([SyncFixture.User(1), SyncFixture.User(2, created: "2030-01-01"), SyncFixture.User(3)]);

        var report = await narrower.RunAsync();

        var users = report.EntityTypes.Single(static e => e.EntityType == "AD_User");
        Assert.Multiple(async () =>
        {
            Assert.That((users.Updated, users.Unchanged), Is.EqualTo((1L, 2L)));
            foreach (var i in new[] { 1, 2, 3 })
            {
                var user = (await fixture.FindAsync("AD_User", $"CN=u{i},OU=Users"))!;
                Assert.That(fixture.ValueOf(user, "EmployeeId"), Is.EqualTo($"E00{i}"), $"u{i} keeps the employee id no mapping sets");
            }

            Assert.That(fixture.ValueOf((await fixture.FindAsync("AD_User", "CN=u2,OU=Users"))!, "Created"), Is.EqualTo(new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
        });
    }

    [Test]
    public async Task Synchronize_BlockedWithDeletions_KeepsTheDeletedResourcesValuesInTheChangeSet()
    {
        var fixture = new SyncFixture(thresholdsOff: false);
        fixture.SetSnapshot(20);
        await fixture.RunAsync(SyncMode.Initial);
        fixture.SetUsers(SyncFixture.Users(10));

        var report = await fixture.RunAsync();
        var blocked = await fixture.Engine.GetBlockedChangeSetAsync("AD");

        var deleted = blocked!.EntityTypes.Single(static e => e.EntityType == "AD_User").Deleted.Single(static d => d.Key == "CN=u15,OU=Users");
        Assert.Multiple(() =>
        {
            Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Blocked));
            Assert.That(deleted.Values[fixture.Model.GetEntityType("AD_User").Properties.ToList().FindIndex(static p => p.Name == "EmployeeId")], Is.EqualTo("E015"));
        });
    }

    [Test]
    public async Task Synchronize_ResourceGoneBeforeItsValuesAreRead_FailsAsAConflictAndChangesNothing()
    {
        var inner = new InMemoryResourceStore();
        var fixture = new SyncFixture(store: inner);
        fixture.SetSnapshot(5);
        await fixture.RunAsync(SyncMode.Initial);
        var before = await fixture.DumpAsync();
        var run = new SyncFixture(store: ReadSpy.Around(inner, dropFromReadsById: 1));
        run.SetSnapshot([SyncFixture.User(1, created: "2030-01-01"), .. SyncFixture.Users(5).Skip(1)]);

        var report = await run.RunAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(report.Outcome, Is.EqualTo(SyncOutcome.Failed));
            Assert.That(report.Message, Does.Contain("1 AD_User resources were deleted from the store while the export was read; run the synchronization again."));
            Assert.That(await fixture.DumpAsync(), Is.EqualTo(before));
        });
    }

    private static async Task<Dictionary<string, long>> IdsAsync(InMemoryResourceStore store, string entityType)
    {
        var ids = new Dictionary<string, long>(StringComparer.Ordinal);
        await foreach (var resource in store.GetResourcesAsync(entityType, CancellationToken.None))
        {
            ids[resource.Key] = resource.Id;
        }

        return ids;
    }

    /// <summary>Writes down whole-type reads, digest reads and reads by id; can leave resources out of reads by id.</summary>
    public class ReadSpy : StoreProxy
    {
        private int _drop;

        public static IResourceStore Around(IResourceStore inner, int dropFromReadsById = 0) =>
            Around<ReadSpy>(inner, spy => spy._drop = dropFromReadsById);

        protected override object? Answer(string method, object?[] args)
        {
            switch (method, args)
            {
                case (nameof(IResourceReader.GetResourcesToCompareAsync) or nameof(IResourceReader.GetResourcesAsync), [string type, _]):
                    Reads.Add($"every resource of {type}");
                    break;
                case (nameof(IResourceReader.GetResourceDigestsAsync), [string type, _]):
                    Reads.Add($"digests of {type}");
                    break;
                case (nameof(IResourceReader.GetResourcesByIdAsync), [IReadOnlyCollection<long> ids, CancellationToken token]):
                    Reads.Add($"by id: {string.Join(",", ids)}");
                    if (_drop > 0)
                    {
                        // As a store that lost resources answers.
                        return Answered(Inner.GetResourcesByIdAsync([.. ids.Skip(_drop)], token));
                    }

                    break;
            }

            return null;
        }
    }
}
