using IdentitySync.Categorization;
using IdentitySync.ChangeSets;
using IdentitySync.Configuration;
using IdentitySync.Model;
using IdentitySync.Rules;
using IdentitySync.Storage;

namespace IdentitySync.Tests.Categorization;

/// <summary>
/// Owners are looked up by key only when a correlation rule's owner side is the primary key the owners' connector maps,
/// alone, as plain text: otherwise an owner's key says nothing of the rule's value, and every owner is read.
/// </summary>
public sealed class OwnerKeyLookupTests
{
    [TestCase("Owner.EmployeeId", "HR_Person", ExpectedResult = true)]
    [TestCase(" owner.employeeid ", "HR_Person", ExpectedResult = true)]
    [TestCase("lower(Owner.EmployeeId)", "HR_Person", ExpectedResult = false)]
    [TestCase("Owner.EmployeeId + ''", "HR_Person", ExpectedResult = false)]
    [TestCase("Owner.LastName", "HR_Person", ExpectedResult = false)]
    [TestCase("Owner.EmployeeId", "Identity", ExpectedResult = false)]
    [TestCase("Owner.Number", "Badge", ExpectedResult = false)]
    [TestCase("Owner.Dn", "Contact", ExpectedResult = false)]
    public bool For_OwnerSide_LooksUpOnlyThePlainTextPrimaryKey(string ownerSide, string ownerType) =>
        OwnerKeyLookup.For(Model(), ownerType, RuleExpression.Parse(ownerSide)) is not null;

    [Test]
    public async Task FindAsync_KeyMappedWithoutCase_LooksUpTheUpperCaseKeys()
    {
        var store = new InMemoryResourceStore();
        var state = await store.GetConnectorStateAsync("HR", CancellationToken.None);
        await using (var writer = await store.BeginApplyAsync("HR", state.Version, CancellationToken.None))
        {
            await writer.InsertAsync("HR_Person", [new ResourceChange("AB-1", 1, ["ab-1", "Doe"], [], 0), new ResourceChange("ab-2", 2, ["ab-2", "Roe"], [], 0)], CancellationToken.None);
            await writer.CommitAsync(new ConnectorState(state.Version + 1, null, [], null), CancellationToken.None);
        }

        var found = await OwnerKeyLookup.For(Model(keyIgnoresCase: true), "HR_Person", RuleExpression.Parse("Owner.EmployeeId"))!.FindAsync(store, ["ab-1", "ab-2"], CancellationToken.None);

        Assert.That(found.Select(static r => r.Key), Is.EqualTo(new[] { "AB-1" }), "keys of a key mapped without case are upper case");
    }

    [TestCase("1", "2", ExpectedResult = true)]
    [TestCase("1", "P2", ExpectedResult = false)]
    public async Task<bool> ConfirmAsync_OwnersKeyedOtherwiseThanByTheirProperty_AreAllRead(string firstKey, string secondKey)
    {
        var store = new InMemoryResourceStore();
        var state = await store.GetConnectorStateAsync("HR", CancellationToken.None);
        await using (var writer = await store.BeginApplyAsync("HR", state.Version, CancellationToken.None))
        {
            await writer.InsertAsync("HR_Person", [new ResourceChange(firstKey, 1, ["1", "Doe"], [], 0), new ResourceChange(secondKey, 2, ["2", "Roe"], [], 0)], CancellationToken.None);
            await writer.CommitAsync(new ConnectorState(state.Version + 1, null, [], null), CancellationToken.None);
        }

        return await OwnerKeyLookup.For(Model(), "HR_Person", RuleExpression.Parse("Owner.EmployeeId"))!.ConfirmAsync(store, CancellationToken.None);
    }

    private static IdentityModel Model(bool keyIgnoresCase = false) => new IdentityModelBuilder()
        .AddEntityType("HR_Person", static e => e.AddProperty("EmployeeId").AddProperty("LastName"))
        .AddEntityType("Identity", static e => e.AddProperty("EmployeeId"))
        .AddEntityType("Badge", static e => e.AddProperty("Number", ScalarType.Int32))
        .AddEntityType("Contact", static e => e.AddProperty("Dn"))
        .AddConnector("HR", c => c
            .AddConnection("People", "Memory")
            .MapEntityType("HR_Person", "People", "people", m => m.Map("EmployeeId", key: PropertyKey.Primary, ignoreCase: keyIgnoresCase).Map("LastName"))
            .MapEntityType("Badge", "People", "badges", static m => m.Map("Number", key: PropertyKey.Primary))
            .MapEntityType("Contact", "People", "contacts", static m => m.Map("Dn", key: PropertyKey.Primary, format: ValueFormat.DistinguishedName)))
        .Build();
}
