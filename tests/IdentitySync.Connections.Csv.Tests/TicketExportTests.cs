using IdentitySync.Orders;

namespace IdentitySync.Connections.Csv.Tests;

public sealed class TicketExportTests
{
    private static readonly DateTimeOffset s_at = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);

    [Test]
    public void Csv_NeutralizesFormulaCellsAndQuotesSeparators()
    {
        var ticket = new ProvisioningOrder
        {
            Id = 12,
            ChangeType = OrderChangeType.Added,
            Connector = "App",
            ResourceType = "App_User",
            Owner = new OrderOwner(3, "E3", "=HYPERLINK(\"http://evil\",\"x\")"),
            Changes = new Dictionary<string, object?> { ["Login"] = "e3", ["Roles"] = new[] { "a", "b" } },
            Navigation = new Dictionary<string, NavigationChange> { ["Groups"] = new(["+admins"], ["old"]) },
            Reason = "@SUM(1,2) because, \"quoted\"",
            State = OrderState.Transmitted,
            CreatedAt = s_at,
        };
        using var writer = new StringWriter();

        TicketExport.WriteCsv(writer, [ticket]);

        Assert.That(writer.ToString(), Is.EqualTo(
            "id,createdAt,state,connector,resourceType,changeType,ownerKey,ownerName,resourceKey,changes,navigation,reason\r\n"
            + "12,2026-11-02T08:00:00+00:00,Transmitted,App,App_User,Added,E3,\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",,Login = e3; Roles = a | b,\"Groups: ++admins, -old\",\"'@SUM(1,2) because, \"\"quoted\"\"\"\r\n"));
    }

    [TestCase("=1+1", "'=1+1")]
    [TestCase("+33 6 12", "'+33 6 12")]
    [TestCase("-2", "'-2")]
    [TestCase("@cmd", "'@cmd")]
    [TestCase("\tx", "'\tx")]
    [TestCase("\rx", "'\rx")]
    [TestCase("plain = text", "plain = text")]
    [TestCase("", "")]
    public void Neutralize_PrefixesOnlyCellsThatStartLikeAFormula(string cell, string expected) =>
        Assert.That(TicketExport.Neutralize(cell), Is.EqualTo(expected));

    [Test]
    public void Json_IsTheOrderSchemaAndReadsBack()
    {
        var ticket = new ProvisioningOrder { Id = 4, ChangeType = OrderChangeType.Deleted, Connector = "App", ResourceType = "App_User", Reason = "gone", State = OrderState.Transmitted, CreatedAt = s_at, IsManual = true };
        using var writer = new StringWriter();

        TicketExport.WriteJson(writer, [ticket]);

        var back = OrderJson.Deserialize(writer.ToString()).Single();
        Assert.Multiple(() =>
        {
            Assert.That(writer.ToString(), Does.Contain("\"changeType\": \"Deleted\""));
            Assert.That((back.Id, back.ChangeType, back.IsManual, back.CreatedAt), Is.EqualTo((4L, OrderChangeType.Deleted, true, s_at)));
        });
    }
}
