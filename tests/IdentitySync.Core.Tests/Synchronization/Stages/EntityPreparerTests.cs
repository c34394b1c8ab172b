using IdentitySync.Configuration;
using IdentitySync.Connections;
using IdentitySync.Model;
using IdentitySync.Synchronization;

namespace IdentitySync.Tests.Synchronization.Stages;

public sealed class EntityPreparerTests
{
    /// <summary>
    /// A typed primary key and a formatted unique key are parsed once per row, for the key and the unique-key index, and
    /// the row's packed values take those parses: each row packs its own values, never the row's before (a row whose
    /// unique key is empty packs no value there; one whose key does not parse is quarantined).
    /// </summary>
    [Test]
    public void Accept_TypedAndFormattedKeys_EachRowPacksItsOwnParsedValues()
    {
        var model = new IdentityModelBuilder()
            .AddEntityType("HR_Person", e => e
                .AddProperty("Number", ScalarType.Int32)
                .AddProperty("Dn")
                .AddProperty("Name"))
            .AddConnector("HR", c => c
                .AddConnection("Export", "Memory")
                .MapEntityType("HR_Person", "Export", "people", m => m
                    .Map("Number", "number", PropertyKey.Primary)
                    .Map("Dn", "dn", PropertyKey.Unique, format: ValueFormat.DistinguishedName)
                    .Map("Name", "name")))
            .Build();
        var plan = TablePlan.Build(model, model.GetConnector("HR"), incremental: false, _ => ConnectionCapabilities.None);

        plan.Feed(
            "people",
            StageModel.Row("number", "007", "dn", "cn=Ann , ou=Staff", "name", "Ann"),
            StageModel.Row("number", "8", "name", "Bob"),
            StageModel.Row("number", "x9", "dn", "CN=Cy,OU=Staff", "name", "Cy"),
            StageModel.Row("number", "10", "dn", "CN=Di,OU=Staff", "name", "Di"));

        var people = plan.Entities["HR_Person"];
        var values = people.Rows.Values.ToDictionary(static r => r.Key, static r => r.Values!.ToArray());
        Assert.Multiple(() =>
        {
            Assert.That(values.Keys, Is.EquivalentTo(new[] { "7", "8", "10" }), "keys as their parsed text; x9 does not parse");
            Assert.That(values["7"], Is.EqualTo(new object?[] { 7, "cn=Ann,ou=Staff", "Ann" }));
            Assert.That(values["8"], Is.EqualTo(new object?[] { 8, null, "Bob" }), "no unique key: not the row before's");
            Assert.That(values["10"], Is.EqualTo(new object?[] { 10, "cn=Di,ou=Staff", "Di" }));
            Assert.That(people.Quarantined.Single().Line, Is.EqualTo(4));
        });
    }

    /// <summary>
    /// A text unique key kept as its bytes: a value three rows share names all three, a value differing only in case or
    /// holding non-ASCII characters is a value of its own, and links find each holder (or none for a shared value).
    /// </summary>
    [Test]
    public void IndexUniqueKeys_TextValuesSharedOrNot_EachRowAndLinkMeetsItsHolder()
    {
        var plan = StageModel.Plan();
        var users = plan.Entities["AD_User"];

        plan.Feed(
            "users",
            StageModel.Row("dn", "CN=u1", "sam", "jdoe"),
            StageModel.Row("dn", "CN=u2", "sam", "JDOE"),
            StageModel.Row("dn", "CN=u3", "sam", "jdoe"),
            StageModel.Row("dn", "CN=u4", "sam", "zoë"),
            StageModel.Row("dn", "CN=u5", "sam", "jdoe"),
            StageModel.Row("dn", "CN=u6"));
        users.QuarantineSharedUniqueKeys();

        string? Resolve(string sam, out string? problem) => users.ResolveKey("Sam", sam, out problem);
        Assert.Multiple(() =>
        {
            Assert.That(users.Quarantined.Select(static q => (q.Key, q.Reason)), Is.EquivalentTo(new[]
            {
                ("CN=u1", "unique key Sam (column 'sam') 'jdoe' is shared with 'CN=u3', 'CN=u5'"),
                ("CN=u3", "unique key Sam (column 'sam') 'jdoe' is shared with 'CN=u1', 'CN=u5'"),
                ("CN=u5", "unique key Sam (column 'sam') 'jdoe' is shared with 'CN=u1', 'CN=u3'"),
            }));
            Assert.That(Resolve("JDOE", out _), Is.EqualTo("CN=u2"));
            Assert.That(Resolve("zoë", out _), Is.EqualTo("CN=u4"));
            Assert.That((Resolve("jdoe", out var shared), shared), Is.EqualTo(((string?)null, "several AD_User share Sam 'jdoe'")));
            Assert.That((Resolve("nobody", out var none), none), Is.EqualTo(((string?)null, (string?)null)));
        });
    }
}
