using IdentitySync.ChangeSets;
using IdentitySync.Internal;
using IdentitySync.Synchronization;
using static IdentitySync.Tests.Synchronization.Stages.StageModel;

namespace IdentitySync.Tests.Synchronization.Stages;

public sealed class LinkDiffTests
{
    [Test]
    public void Snapshot_LinksReadAgainstLinksStored_AddsTheNewRemovesTheGoneAndCountsTheKept()
    {
        var plan = Plan();
        plan.Feed("users", Row("dn", "CN=u1", "sam", "u1"), Row("dn", "CN=u2", "sam", "u2"), Row("dn", "CN=u3", "sam", "u3"));
        var memberships = plan.FindAssociation("AD_Membership")!;
        memberships.StoredLinks(("CN=g1", "CN=u1"), ("CN=g1", "CN=u2"));
        plan.Feed(
            "groups",
            Row("dn", "CN=g1", "cn", "g1", "member", "u2"),
            Row("dn", "CN=g1", "cn", "g1", "member", "u3"),
            Row("dn", "CN=g1", "cn", "g1", "member", "u3"));

        var changes = LinkDiff.Snapshot(memberships);

        Assert.Multiple(() =>
        {
            Assert.That(changes.Added, Is.EqualTo(new[] { new LinkChange("CN=g1", "CN=u3") }), "the repeated row gives one link");
            Assert.That(changes.Removed, Is.EqualTo(new[] { new LinkChange("CN=g1", "CN=u1") }));
            Assert.That(changes.Unchanged, Is.EqualTo(1));
        });
    }

    /// <summary>
    /// Sized from the store's estimate of its links (decision 121), the lists give the same changes whether the estimate
    /// is missing, too low (they then grow past it) or right; the stored links' list holds the estimate without growing
    /// and grows past it by an eighth (at least 4,096), not by doubling.
    /// </summary>
    [TestCase(0)]
    [TestCase(2)]
    [TestCase(40)]
    public void Snapshot_ListsSizedFromTheStoresEstimate_GiveTheSameChanges(long estimate)
    {
        var plan = Plan();
        plan.Feed("users", [.. Enumerable.Range(0, 30).Select(static i => Row("dn", $"CN=u{i}", "sam", $"u{i}"))]);
        var memberships = plan.FindAssociation("AD_Membership")!;
        memberships.ExpectLinks(estimate, completeExport: true);
        foreach (var i in Enumerable.Range(0, 20).Reverse())
        {
            memberships.AddStoredLink(OrdinalPair.Pack(memberships.First.KeyOrdinals.Intern("CN=g1"), memberships.Second.KeyOrdinals.Intern($"CN=u{i}")));
        }

        var storedCapacity = memberships.StoredLinks.Capacity;
        memberships.SortStoredLinks();
        plan.Feed("groups", [.. Enumerable.Range(10, 20).Select(static i => Row("dn", "CN=g1", "cn", "g1", "member", $"u{i}"))]);

        var changes = LinkDiff.Snapshot(memberships);

        Assert.Multiple(() =>
        {
            Assert.That(changes.Added.Select(static l => l.SecondKey), Is.EquivalentTo(Enumerable.Range(20, 10).Select(static i => $"CN=u{i}")));
            Assert.That(changes.Removed.Select(static l => l.SecondKey), Is.EquivalentTo(Enumerable.Range(0, 10).Select(static i => $"CN=u{i}")));
            Assert.That(changes.Unchanged, Is.EqualTo(10));
            Assert.That(memberships.StoredLinks, Is.Ordered, "sorted through the shared buffer");
            Assert.That(storedCapacity, Is.EqualTo(estimate switch { 0 => 32, 2 => 2 + 4_096, _ => 40 }), "as a list without an estimate; past a low one by 4,096; within the right one");
        });
    }

    /// <summary>
    /// A first load has no store estimate: the pairs' list is sized from the export's estimate of its rows, and grows by
    /// an eighth past it; the store's estimate, when there is one, wins over the export's.
    /// </summary>
    [Test]
    public void ExpectPairs_SizesThePairsFromTheExport_UnlessTheStoreDid()
    {
        var fromExport = Plan();
        fromExport.Feed("users", [.. Enumerable.Range(0, 30).Select(static i => Row("dn", $"CN=u{i}", "sam", $"u{i}"))]);
        var read = fromExport.FindAssociation("AD_Membership")!;
        read.ExpectPairs(20);
        var sized = read.PairCapacity;
        fromExport.Feed("groups", [.. Enumerable.Range(0, 25).Select(static i => Row("dn", "CN=g1", "cn", "g1", "member", $"u{i}"))]);
        var grown = read.PairCapacity;
        var changes = LinkDiff.Snapshot(read);

        var fromStore = Plan();
        var stored = fromStore.FindAssociation("AD_Membership")!;
        stored.ExpectLinks(64, completeExport: true);
        stored.ExpectPairs(5_000);

        Assert.Multiple(() =>
        {
            Assert.That((sized, grown), Is.EqualTo((20, 20 + 4_096)));
            Assert.That(changes.Added, Has.Count.EqualTo(25));
            Assert.That(stored.PairCapacity, Is.EqualTo(64 + 2), "the store's estimate and a thirty-second");
        });
    }

    /// <summary>
    /// Member texts read in the order of the members' keys are resolved by comparing the key after the previous one's;
    /// a gap, an unknown text, a text out of order or a key differing only in case is looked up: each pair meets its own keys.
    /// </summary>
    [Test]
    public void Snapshot_MembersInTheOrderOfTheirKeys_EachPairResolvesToItsOwnKeys()
    {
        var plan = Plan();
        plan.Feed("users", [.. new[] { "u1", "u2", "u3", "u4", "u5", "U6", "u6" }.Select(static u => Row("dn", "CN=" + u, "sam", u))]);
        var memberships = plan.FindAssociation("AD_Membership")!;
        plan.Feed("groups", [.. new[] { "u1", "u2", "u4", "nobody", "u3", "u5", "u6", "U6" }.Select(static u => Row("dn", "CN=g-" + u, "cn", u, "member", u))]);

        var changes = LinkDiff.Snapshot(memberships);

        Assert.Multiple(() =>
        {
            Assert.That(changes.Added.Select(static l => (l.FirstKey, l.SecondKey)), Is.EquivalentTo(new[] { "u1", "u2", "u3", "u4", "u5", "u6", "U6" }.Select(static u => ("CN=g-" + u, "CN=" + u))));
            Assert.That(memberships.Quarantined.Select(static q => q.Key), Is.EqualTo(new[] { "CN=g-nobody -> nobody" }));
        });
    }

    [Test]
    public void Snapshot_PairsThatResolveToNothing_AreQuarantinedAtTheirOwnLines_AfterSkippedAndMultiLineRows()
    {
        var plan = Plan();
        plan.Feed("users", Row("dn", "CN=u1", "sam", "u1"), Row("dn", "CN=u2", "sam", "u2"));
        var memberships = plan.FindAssociation("AD_Membership")!;
        plan.FeedAt(
            "groups",
            (2, Row("dn", "CN=g1", "cn", "g1", "member", "u1")),
            (3, Row("dn", "CN=g1", "cn", "g1", "member", "nobody3")),
            (4, Row("dn", "CN=g1", "cn", "g1")),
            (5, Row("dn", "CN=g1", "cn", "g1", "member", "nobody5")),
            (9, Row("dn", "CN=g1", "cn", "g1", "member", "u2")),
            (10, Row("dn", "CN=g1", "cn", "g1", "member", "nobody10")),
            (11, Row("dn", "CN=g1", "cn", "g1", "member", "nobody11")),
            (14, Row("dn", "CN=g1", "cn", "g1", "member", "nobody14")));

        var changes = LinkDiff.Snapshot(memberships);

        Assert.Multiple(() =>
        {
            Assert.That(changes.Added, Has.Count.EqualTo(2));
            Assert.That(memberships.Quarantined.Select(static q => (q.Line, q.Key)), Is.EqualTo(new[]
            {
                (3L, "CN=g1 -> nobody3"), (5L, "CN=g1 -> nobody5"), (10L, "CN=g1 -> nobody10"), (11L, "CN=g1 -> nobody11"), (14L, "CN=g1 -> nobody14"),
            }));
        });
    }

    [Test]
    public void Accept_ATooLongTextOnConsecutiveRows_IsQuarantinedOnEach_WhileARepeatedGoodTextIsKept()
    {
        var plan = Plan();
        plan.Feed("users", Row("dn", "CN=u1", "sam", "u1"));
        var memberships = plan.FindAssociation("AD_Membership")!;
        var tooLong = new string('x', IdentitySync.Model.ConnectorDefaults.MaxValueLength + 1);
        plan.Feed(
            "groups",
            Row("dn", "CN=g1", "cn", "g1", "member", tooLong),
            Row("dn", "CN=g1", "cn", "g1", "member", tooLong),
            Row("dn", "CN=g2", "cn", "g2", "member", "u1"),
            Row("dn", "CN=g2", "cn", "g2", "member", tooLong));

        var changes = LinkDiff.Snapshot(memberships);

        Assert.Multiple(() =>
        {
            Assert.That(memberships.Quarantined.Select(static q => q.Line), Is.EqualTo(new long[] { 2, 3, 5 }));
            Assert.That(changes.Added, Is.EqualTo(new[] { new LinkChange("CN=g2", "CN=u1") }));
        });
    }

    [Test]
    public void Snapshot_TwentyThousandMembers_ResolvedOnEveryCore_GiveEachLinkAndEachUnknownMemberAtItsLine()
    {
        const int Users = 20_000;
        var plan = Plan();
        plan.Feed("users", [.. Enumerable.Range(0, Users).Where(static i => i % 1_000 != 7).Select(static i => Row("dn", $"CN=u{i}", "sam", $"u{i}"))]);
        var memberships = plan.FindAssociation("AD_Membership")!;
        plan.Feed("groups", [.. Enumerable.Range(0, Users).Select(static i => Row("dn", $"CN=g{i % 3}", "cn", $"g{i % 3}", "member", $"u{i}"))]);

        var changes = LinkDiff.Snapshot(memberships);

        Assert.Multiple(() =>
        {
            Assert.That(changes.Added, Has.Count.EqualTo(Users - 20));
            Assert.That(changes.Added, Does.Contain(new LinkChange("CN=g1", "CN=u19999")).And.Contain(new LinkChange("CN=g0", "CN=u0")));
            Assert.That(changes.Added.Select(static l => l.SecondKey), Is.Unique.And.No.Member("CN=u7"));
            Assert.That(memberships.Quarantined.Select(static q => q.Line), Is.EqualTo(Enumerable.Range(0, 20).Select(static k => 2L + (k * 1_000) + 7)));
            Assert.That(memberships.Quarantined[0].Reason, Does.Contain("'u7' matches no AD_User by Sam"));
        });
    }

    [Test]
    public void Snapshot_ALinkOfAHeldKey_IsNotRemoved()
    {
        var plan = Plan();
        plan.Feed(
            "users",
            Row("dn", "CN=u1", "sam", "u1", "mail", "a@corp.test"),
            Row("dn", "CN=u1", "sam", "u1", "mail", "b@corp.test"),
            Row("dn", "CN=u2", "sam", "u2"));
        var memberships = plan.FindAssociation("AD_Membership")!;
        memberships.StoredLinks(("CN=g1", "CN=u1"), ("CN=g1", "CN=u2"));
        plan.Feed("groups", Row("dn", "CN=g1", "cn", "g1"));

        var changes = LinkDiff.Snapshot(memberships);

        Assert.Multiple(() =>
        {
            Assert.That(plan.Entities["AD_User"].Held, Does.Contain("CN=u1"));
            Assert.That(changes.Removed, Is.EqualTo(new[] { new LinkChange("CN=g1", "CN=u2") }), "u1's rows were quarantined: its link stays");
        });
    }

    [Test]
    public void Delta_ANewOwnerOfAMonoValuedSide_ReplacesTheOldAndDeletedResourcesTakeTheirLinks()
    {
        var plan = Plan(incremental: true);
        for (var i = 1; i <= 4; i++)
        {
            plan.Entities["AD_User"].Stored($"CN=u{i}", (ulong)i, $"CN=u{i}", $"u{i}", null);
            plan.Entities["AD_Group"].Stored($"CN=g{i}", (ulong)i, $"CN=g{i}", $"g{i}");
        }

        var owners = plan.FindAssociation("AD_Ownership")!;
        owners.StoredLinks(("CN=g1", "CN=u1"), ("CN=g2", "CN=u2"), ("CN=g3", "CN=u3"));
        plan.Feed("owners", Row("group_dn", "CN=g1", "owner_dn", "CN=u4", "command", "insert"), Row("group_dn", "CN=g3", "owner_dn", "CN=u3", "command", "delete"));
        var deleted = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase) { ["AD_User"] = ["CN=u2"] };

        var changes = LinkDiff.Delta(owners, firstMono: true, secondMono: false, deleted);

        Assert.Multiple(() =>
        {
            Assert.That(changes.Added, Is.EqualTo(new[] { new LinkChange("CN=g1", "CN=u4") }));
            Assert.That(changes.Removed, Is.EquivalentTo(new[] { new LinkChange("CN=g1", "CN=u1"), new LinkChange("CN=g2", "CN=u2"), new LinkChange("CN=g3", "CN=u3") }));
            Assert.That(changes.Unchanged, Is.Zero);
        });
    }
}
