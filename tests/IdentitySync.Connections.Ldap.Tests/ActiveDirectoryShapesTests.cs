using System.Buffers.Binary;
using System.Text;
using IdentitySync.Configuration;

namespace IdentitySync.Connections.Ldap.Tests;

/// <summary>
/// Active Directory's binary attributes, which slapd does not serve, as rows. Each value reproduces the
/// byte layout Microsoft specifies; the exported text is what the <c>ObjectGuid</c> and <c>Sid</c> formats
/// read (Core's ValueParserTests parse these very texts, and quarantine the malformed ones).
/// </summary>
public sealed class ActiveDirectoryShapesTests
{
    /// <summary>
    /// objectGUID: a GUID packet (MS-DTYP 2.3.4.2): Data1 (4 bytes), Data2 and Data3 (2 bytes each) little-endian,
    /// then Data4's 8 bytes as they are (MS-ADTS 3.1.1.1.4 makes it every object's stable identity).
    /// </summary>
    [Test]
    public void ObjectGuid_IsExportedAsTheBase64TheObjectGuidFormatReads()
    {
        byte[] packet = [0xFF, 0x19, 0x96, 0x6F, 0x86, 0x8B, 0x11, 0xD0, 0xB4, 0x2D, 0x00, 0xC0, 0x4F, 0xC9, 0x64, 0xFF];

        var fields = Row(["objectGUID"], ("objectGUID", [packet]));

        Assert.Multiple(() =>
        {
            Assert.That(fields[0], Is.EqualTo("/xmWb4aLEdC0LQDAT8lk/w=="));
            Assert.That(new Guid(Convert.FromBase64String(fields[0])), Is.EqualTo(new Guid("6F9619FF-8B86-D011-B42D-00C04FC964FF")));
        });
    }

    /// <summary>
    /// objectSid: a SID (MS-DTYP 2.4.2.2): revision 1, the sub-authority count, a 6-byte big-endian identifier
    /// authority, then each sub-authority as a little-endian 32-bit number.
    /// </summary>
    [Test]
    public void ObjectSid_IsExportedAsTheBase64TheSidFormatReads()
    {
        uint[] subAuthorities = [21, 2127521184, 1604012920, 1887927527, 1105];
        var sid = new byte[8 + (4 * subAuthorities.Length)];
        sid[0] = 1;
        sid[1] = (byte)subAuthorities.Length;
        sid[7] = 5;
        for (var i = 0; i < subAuthorities.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(sid.AsSpan(8 + (4 * i)), subAuthorities[i]);
        }

        var fields = Row(["objectSid"], ("objectSid", [sid]));

        Assert.That(fields[0], Is.EqualTo("AQUAAAAAAAUVAAAAoGXPfnhLm1/nfIdwUQQAAA=="), "S-1-5-21-2127521184-1604012920-1887927527-1105");
    }

    /// <summary>A truncated GUID is handed over as it is (Base64 of 15 bytes); the ObjectGuid format quarantines it with the row's line.</summary>
    [Test]
    public void MalformedObjectGuid_IsHandedOverForTheFormatToReject()
    {
        var truncated = Enumerable.Range(1, 15).Select(static b => (byte)b).ToArray();

        var fields = Row(["objectGUID"], ("objectGUID", [truncated]));

        Assert.That(Convert.FromBase64String(fields[0]), Has.Length.EqualTo(15));
    }

    /// <summary>
    /// Numbers and dates come as the directory's text: userAccountControl (MS-ADTS 2.2.16, 514 = a disabled
    /// normal account), accountExpires as FILETIME ticks, whenChanged as GeneralizedTime.
    /// </summary>
    [Test]
    public void FlagsAndDates_AreExportedAsTheirText()
    {
        var fields = Row(
            ["userAccountControl", "accountExpires", "whenChanged"],
            ("userAccountControl", [Utf8("514")]),
            ("accountExpires", [Utf8("133500000000000000")]),
            ("whenChanged", [Utf8("20241204083000.0Z")]));

        Assert.That(fields, Is.EqualTo(new[] { "514", "133500000000000000", "20241204083000.0Z" }));
    }

    /// <summary>Several values of one attribute (proxyAddresses) are sorted and joined, so order on the server never reads as a change.</summary>
    [Test]
    public void MultiValued_IsSortedAndJoined()
    {
        var fields = Row(["proxyAddresses"], ("proxyAddresses", [Utf8("smtp:zoe@corp.example"), Utf8("SMTP:Zoe.Celik@corp.example")]));

        Assert.That(fields[0], Is.EqualTo("SMTP:Zoe.Celik@corp.example|smtp:zoe@corp.example"));
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static string[] Row(string[] columns, params (string Attribute, byte[][] Values)[] attributes)
    {
        var model = new IdentityModelBuilder()
            .AddConnector("AD", c => c.AddConnection("Ldap", LdapConnectionPackage.PackageId, new Dictionary<string, string>
            {
                ["Servers"] = "ldaps://dc1.corp.example",
                ["users.BaseDn"] = "OU=Staff,DC=corp,DC=example",
            }))
            .Build();
        var settings = LdapConnectionSettings.TryRead(model.GetConnector("AD").Connections[0], out var errors)
            ?? throw new AssertionException(string.Join("; ", errors));
        var entry = new LdapEntry(
            "CN=Zoë Çelik,OU=Staff,DC=corp,DC=example",
            attributes.ToDictionary(static a => a.Attribute, static a => a.Values.ToList(), StringComparer.OrdinalIgnoreCase));
        var rows = new LdapRows(settings, settings.Tables["users"], columns);
        using var batch = new RowBatch(columns.Length);

        rows.AddRow(batch, entry, 1, expandedValue: null);

        return [.. Enumerable.Range(0, columns.Length).Select(c => Encoding.UTF8.GetString(batch.GetField(0, c)))];
    }
}
