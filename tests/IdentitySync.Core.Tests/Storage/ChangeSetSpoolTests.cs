using IdentitySync.ChangeSets;
using IdentitySync.Storage;

namespace IdentitySync.Tests.Storage;

/// <summary>The header and pages a store keeps of a blocked change set, without a store: pages in a dictionary.</summary>
public sealed class ChangeSetSpoolTests
{
    private static readonly EntityAssociationKeys s_membership = new("Membership", "Group", "User");

    [Test]
    public void Spool_ALargeChangeSet_ReadsBackEveryRowFromItsPages()
    {
        var changeSet = Large(2_001);
        var spool = ChangeSetSpool.Spool(changeSet);
        var pages = spool.Pages.ToDictionary(static p => (p.Scope, p.List, p.Index), static p => p.Body);
        var reads = 0;

        var read = ChangeSetSpool.Open(spool.Header, (id, scope, list, index) =>
        {
            reads++;
            return id == spool.Id && pages.TryGetValue((scope, list, index), out var body) ? body : null;
        });
        var counted = (read.EntityTypes[0].Inserted.Count, read.Associations[0].Added.Count, reads);
        var last = read.EntityTypes[0].Inserted[2_000];

        Assert.Multiple(() =>
        {
            Assert.That(pages.Keys, Is.EquivalentTo(new[] { (0, ChangeSetList.Inserted, 0), (0, ChangeSetList.Inserted, 1), (0, ChangeSetList.Inserted, 2), (0, ChangeSetList.Added, 0) }));
            Assert.That(counted, Is.EqualTo((2_001, 5, 0)), "counts come from the header, without reading a page");
            Assert.That((last.Key, last.Digest, last.LineNumber), Is.EqualTo(("u2000", 2_000UL, 2_002L)));
            Assert.That(last.Values, Is.EqualTo(new object?[] { "name 2000", new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), null }));
            Assert.That(read.EntityTypes[0].Inserted.Select(static r => r.Key), Is.EqualTo(changeSet.EntityTypes[0].Inserted.Select(static r => r.Key)));
            Assert.That(read.Associations[0].Added, Is.EqualTo(changeSet.Associations[0].Added));
            Assert.That((read.Connector, read.Mode, read.BatchId, read.BaseVersion, read.CreatedAt, read.EntityTypes[0].Unchanged, read.Watermarks), Is.EqualTo((changeSet.Connector, changeSet.Mode, changeSet.BatchId, changeSet.BaseVersion, changeSet.CreatedAt, 7L, changeSet.Watermarks)));
            Assert.That(ChangeSetSpool.SpoolIdOf(read), Is.EqualTo(spool.Id));
            Assert.That(ChangeSetSpool.Spool(read).Id, Is.EqualTo(spool.Id), "spooled again, it keeps its id: a store holding its pages keeps them");
        });
    }

    [Test]
    public void Open_APageTheStoreNoLongerHolds_IsAConflictNamingTheConnector()
    {
        var spool = ChangeSetSpool.Spool(Large(1_500));

        var read = ChangeSetSpool.Open(spool.Header, static (_, _, _, _) => null);

        var exception = Assert.Throws<StoreConflictException>(() => _ = read.EntityTypes[0].Inserted[1_200]);
        Assert.That(exception!.Message, Does.Contain("connector 'AD' (batch b-1500) was resumed, abandoned or replaced while it was read"));
    }

    [Test]
    public void Open_APageWithOtherRowsThanItsHeaderCounts_IsRefused()
    {
        var spool = ChangeSetSpool.Spool(Large(1_500));
        var pages = spool.Pages.ToDictionary(static p => (p.Scope, p.List, p.Index), static p => p.Body);

        // The first page given for the second: 1,000 rows where the header counts 500.
        var read = ChangeSetSpool.Open(spool.Header, (_, scope, list, _) => pages[(scope, list, 0)]);

        Assert.Throws<InvalidDataException>(() => _ = read.EntityTypes[0].Inserted[1_200]);
    }

    [Test]
    public void Spool_ASmallChangeSet_IsOneWholeDocumentThatReadsWithoutPages()
    {
        var changeSet = Large(995);
        var spool = ChangeSetSpool.Spool(changeSet);

        var read = ChangeSetSpool.Open(spool.Header, static (_, _, _, _) => throw new AssertionException("a small change set read a page"));

        Assert.Multiple(() =>
        {
            Assert.That(spool.Pages, Is.Empty);
            Assert.That(spool.Header, Is.EqualTo(ChangeSetSerializer.Serialize(changeSet)), "the document stores kept before pages");
            Assert.That(read.EntityTypes[0].Inserted[994].Key, Is.EqualTo("u994"));
            Assert.That(read.Associations[0].Added, Has.Count.EqualTo(5));
            Assert.That(ChangeSetSpool.SpoolIdOf(read), Is.Null);
            Assert.That(ChangeSetSpool.SpoolIdOf(changeSet), Is.Null);
        });
    }

    [Test]
    public void SpoolIdOf_AChangeSetWithOneListReplaced_IsNone()
    {
        var spool = ChangeSetSpool.Spool(Large(1_200));
        var pages = spool.Pages.ToDictionary(static p => (p.Scope, p.List, p.Index), static p => p.Body);
        var read = ChangeSetSpool.Open(spool.Header, (_, scope, list, index) => pages.GetValueOrDefault((scope, list, index)));

        var edited = new ChangeSet(read.Connector, read.Mode, read.BatchId, read.BaseVersion, read.CreatedAt, read.EntityTypes, [new AssociationChanges(s_membership, [], [], 0)]);

        Assert.Multiple(() =>
        {
            Assert.That(ChangeSetSpool.SpoolIdOf(edited), Is.Null);
            Assert.That(ChangeSetSpool.Spool(edited).Id, Is.Not.EqualTo(spool.Id));
        });
    }

    private static ChangeSet Large(int inserted) =>
        new(
            "AD",
            SyncMode.Complete,
            $"b-{inserted}",
            4,
            new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero),
            [new EntityTypeChanges(
                "User",
                [.. Enumerable.Range(0, inserted).Select(static i => new ResourceChange($"u{i}", (ulong)i, [$"name {i}", new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), null], [], i + 2))],
                [],
                [],
                7)],
            [new AssociationChanges(s_membership, [.. Enumerable.Range(0, 5).Select(static i => new LinkChange("staff", $"u{i}"))], [], 3)])
        {
            Watermarks = [new TableWatermark("Export", "users", "usn:9")],
        };
}
