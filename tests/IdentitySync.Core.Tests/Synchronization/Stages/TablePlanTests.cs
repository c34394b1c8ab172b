using IdentitySync.Synchronization;
using static IdentitySync.Tests.Synchronization.Stages.StageModel;

namespace IdentitySync.Tests.Synchronization.Stages;

public sealed class TablePlanTests
{
    [Test]
    public void Build_MappingsOfOneTable_ShareOneReadWithTheUnionOfTheirColumns()
    {
        var plan = Plan();

        Assert.Multiple(() =>
        {
            Assert.That(plan.Tables.Select(static t => t.Table), Is.EqualTo(new[] { "users", "groups", "owners" }));
            Assert.That(plan.Table("users").Columns, Is.EqualTo(new[] { "dn", "sam", "mail" }));
            Assert.That(plan.Table("groups").Columns, Is.EqualTo(new[] { "dn", "cn", "member" }));
            Assert.That(plan.Table("groups").Consumers, Has.Count.EqualTo(2), "the group preparer and the membership preparer read one table");
            Assert.That(plan.Table("groups").Entities.Select(static e => e.EntityType.Name), Is.EqualTo(new[] { "AD_Group" }));
            Assert.That(plan.Table("owners").Entities, Is.Empty);
            Assert.That(plan.Associations.Select(static a => a.Keys.Association), Is.EqualTo(new[] { "AD_Membership", "AD_Ownership" }));
            Assert.That(plan.DerivedDelta, Is.False);
        });
    }

    /// <summary>A batch identified by its export's fingerprint hashes no row for its id; any other hashes every row and pair.</summary>
    [TestCase(false)]
    [TestCase(true)]
    public void IdentifyByFingerprint_TheRowsReadAreNotHashedForTheBatchId(bool fingerprinted)
    {
        var plan = Plan();
        if (fingerprinted)
        {
            plan.IdentifyByFingerprint();
        }

        plan.Feed("users", Row("dn", "CN=u1", "sam", "u1"), Row("dn", "CN=u2", "sam", "u2"));
        plan.Feed("groups", Row("dn", "CN=g1", "cn", "g1", "member", "u1"), Row("dn", "CN=g1", "cn", "g1", "member", "u2"));
        var hashes = new[] { plan.Entities["AD_User"].BatchHash, plan.Entities["AD_Group"].BatchHash, plan.FindAssociation("AD_Membership")!.BatchHash };

        Assert.Multiple(() =>
        {
            Assert.That(plan.Entities["AD_User"].Rows.Count, Is.EqualTo(2), "the rows are read either way");
            Assert.That(hashes, fingerprinted ? Is.All.Zero : Is.All.Not.Zero);
        });
    }

    [Test]
    public void Build_IncrementalOnANativeDelta_AsksEveryTableForTheCommandColumn()
    {
        var plan = Plan(incremental: true);

        Assert.Multiple(() =>
        {
            Assert.That(plan.DerivedDelta, Is.False);
            Assert.That(plan.Tables.Select(static t => t.Columns), Has.All.Contains(TablePlan.CommandColumn));
            Assert.That(plan.Table("groups").Columns.Count(static c => c == TablePlan.CommandColumn), Is.EqualTo(1), "asked once for two mappings");
        });
    }

    [Test]
    public void Build_IncrementalWithoutANativeDelta_ReadsCompleteTablesAndDerivesTheChange()
    {
        var plan = Plan(incremental: true, nativeDelta: false);

        Assert.Multiple(() =>
        {
            Assert.That(plan.DerivedDelta, Is.True);
            Assert.That(plan.Tables.SelectMany(static t => t.Columns), Does.Not.Contain(TablePlan.CommandColumn));
        });
    }

    [Test]
    public void Build_AConnectionWithItsExportDeactivated_IsNotRead()
    {
        var model = Build(static c => c.Options.Connections[0].IsExportDeactivated = true);

        var plan = Plan(model: model);

        Assert.Multiple(() =>
        {
            Assert.That(plan.Tables, Is.Empty);
            Assert.That(plan.Entities, Is.Empty);
            Assert.That(plan.Associations, Is.Empty, "an association whose entity types are not read is not read either");
        });
    }

    [Test]
    public void Build_TheUniqueKeyAnAssociationNamesItsMembersBy_IsIndexed()
    {
        // Memberships name users by Sam: the plan has the user preparer index it, so their rows resolve to users.
        var plan = Plan();
        plan.Feed("users", Row("dn", "CN=u1", "sam", "u1"), Row("dn", "CN=u2", "sam", "u2"));

        var users = plan.Entities["AD_User"];

        Assert.Multiple(() =>
        {
            Assert.That(users.ResolveKey("Sam", "u2", out var problem), Is.EqualTo("CN=u2"));
            Assert.That(problem, Is.Null);
            Assert.That(users.ResolveKey("Mail", "u2@corp.test", out _), Is.Null, "Mail is named by no association and is not a unique key");
        });
    }
}
