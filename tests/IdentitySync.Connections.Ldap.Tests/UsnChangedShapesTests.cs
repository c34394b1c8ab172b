using System.Text;
using IdentitySync.Configuration;

namespace IdentitySync.Connections.Ldap.Tests;

/// <summary>
/// Incremental exports on Active Directory through uSNChanged, which slapd cannot serve, against recorded
/// answers. The rootDSE publishes highestCommittedUSN, dsServiceName and defaultNamingContext (MS-ADTS
/// 3.1.1.3.2); the nTDSDSA object dsServiceName names holds the invocationId of the controller's database;
/// tombstones are shown by LDAP_SERVER_SHOW_DELETED_OID (MS-ADTS 3.1.1.3.4.1.14), carry isDeleted=TRUE and
/// keep objectGUID under a mangled name in the Deleted Objects container (MS-ADTS 3.1.1.5.5.1).
/// </summary>
public sealed class UsnChangedShapesTests
{
    private const string Domain = "DC=corp,DC=example";
    private const string Dsa = "CN=NTDS Settings,CN=DC1,CN=Servers,CN=Default-First-Site-Name,CN=Sites,CN=Configuration,DC=corp,DC=example";
    private static readonly Guid s_invocation = new("3c5f1e2a-9b7d-4e21-8f0a-6d2c4b1a9e77");
    private static readonly Guid s_ann = new("6f9619ff-8b86-d011-b42d-00c04fc964ff");
    private static readonly Guid s_bob = new("0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6");

    [Test]
    public async Task Complete_RecordsTheControllersUsnAndInvocationId()
    {
        var directory = new RecordedDirectory(highestUsn: "204711");
        directory.Live.Add(User("CN=Ann Lee,OU=Staff," + Domain, s_ann, "ann"));

        var (rows, watermark, searches) = await ReadAsync(directory, ExportMode.Complete, null, "objectGUID", "sAMAccountName");

        Assert.Multiple(() =>
        {
            Assert.That(rows, Is.EqualTo(new[] { new[] { Base64(s_ann), "ann" } }));
            Assert.That(watermark, Is.EqualTo($"usn:{s_invocation}:204711"));
            Assert.That(searches.Last().Filter, Is.EqualTo("(objectClass=user)"), "a complete run filters nothing more");
        });
    }

    [Test]
    public async Task Incremental_ReadsChangesAfterTheUsn_ThenTombstonesAsDeleteRows()
    {
        var directory = new RecordedDirectory(highestUsn: "205000");
        directory.Live.Add(User("CN=Ann Lee,OU=Staff," + Domain, s_ann, "ann.lee"));
        directory.Deleted.Add(Tombstone(s_bob, "Bob Smith"));

        var (rows, watermark, searches) = await ReadAsync(directory, ExportMode.Incremental, $"usn:{s_invocation}:204711", "command", "objectGUID", "sAMAccountName");

        Assert.Multiple(() =>
        {
            Assert.That(rows, Is.EqualTo(new[] { new[] { "merge", Base64(s_ann), "ann.lee" }, ["delete", Base64(s_bob), string.Empty] }));
            Assert.That(watermark, Is.EqualTo($"usn:{s_invocation}:205000"));
            var live = searches.Single(static s => s.BaseDn.StartsWith("OU=Staff", StringComparison.Ordinal));
            Assert.That(live.Filter, Is.EqualTo("(&(objectClass=user)(uSNChanged>=204712))"));
            var tombstones = searches.Single(static s => s.ShowDeleted);
            Assert.That((tombstones.BaseDn, tombstones.Filter), Is.EqualTo((Domain, "(&(isDeleted=TRUE)(uSNChanged>=204712)(objectClass=user))")));
        });
    }

    [Test]
    public void Incremental_OnAnotherController_AsksForACompleteRun()
    {
        var directory = new RecordedDirectory(highestUsn: "99");
        var other = Guid.NewGuid();

        var exception = Assert.ThrowsAsync<ConnectionException>(() => ReadAsync(directory, ExportMode.Incremental, $"usn:{other}:204711", "command", "objectGUID"));

        Assert.Multiple(() =>
        {
            Assert.That(exception!.Message, Does.Contain("another domain controller or before a restore").And.Contain(other.ToString()).And.Contain("run a complete synchronization"));
            Assert.That(exception.Kind, Is.EqualTo(FailureKind.InvalidInput));
        });
    }

    [TestCase("modifyTimestamp:20261204083000Z")]
    [TestCase("usn:not-a-guid")]
    [TestCase("usn:3c5f1e2a-9b7d-4e21-8f0a-6d2c4b1a9e77:-5")]
    public void Incremental_WithAForeignWatermark_AsksForACompleteRun(string watermark)
    {
        var exception = Assert.ThrowsAsync<ConnectionException>(() => ReadAsync(new RecordedDirectory("10"), ExportMode.Incremental, watermark, "command", "objectGUID"));

        Assert.That(exception!.Message, Does.Contain("is not one this connection writes"));
    }

    /// <summary>A rootDSE without highestCommittedUSN is not Active Directory: the setting is wrong, and the message says which to use.</summary>
    [Test]
    public void RootDseWithoutUsn_IsNotActiveDirectory()
    {
        var exception = Assert.ThrowsAsync<ConnectionException>(() => ReadAsync(new RecordedDirectory(highestUsn: null), ExportMode.Complete, null, "objectGUID"));

        Assert.That(exception!.Message, Does.Contain("MS-ADTS 3.1.1.3.2").And.Contain("set ChangeTracking to ModifyTimestamp"));
    }

    [Test]
    public void InvocationIdOfTheWrongLength_IsAMalformedAnswer()
    {
        var directory = new RecordedDirectory("10") { InvocationId = [1, 2, 3] };

        var exception = Assert.ThrowsAsync<ConnectionException>(() => ReadAsync(directory, ExportMode.Complete, null, "objectGUID"));

        Assert.That(exception!.Message, Does.Contain("no 16-byte invocationId"));
    }

    private static string Base64(Guid guid) => Convert.ToBase64String(guid.ToByteArray());

    private static LdapEntry User(string dn, Guid guid, string sam) => new(dn, new Dictionary<string, List<byte[]>>(StringComparer.OrdinalIgnoreCase)
    {
        ["objectGUID"] = [guid.ToByteArray()],
        ["sAMAccountName"] = [Encoding.UTF8.GetBytes(sam)],
    });

    /// <summary>A tombstone: its RDN mangled with DEL and the GUID, moved to Deleted Objects, objectGUID kept.</summary>
    private static LdapEntry Tombstone(Guid guid, string name) => new($"CN={name}\\0ADEL:{guid},CN=Deleted Objects,{Domain}", new Dictionary<string, List<byte[]>>(StringComparer.OrdinalIgnoreCase)
    {
        ["objectGUID"] = [guid.ToByteArray()],
        ["isDeleted"] = ["TRUE"u8.ToArray()],
    });

    private static async Task<(List<string[]> Rows, string? Watermark, List<LdapSearch> Searches)> ReadAsync(RecordedDirectory directory, ExportMode mode, string? watermark, params string[] columns)
    {
        var model = new IdentityModelBuilder()
            .AddConnector("AD", c => c.AddConnection("Ldap", LdapConnectionPackage.PackageId, new Dictionary<string, string>
            {
                ["Servers"] = "ldaps://dc1.corp.example",
                ["ChangeTracking"] = "UsnChanged",
                ["users.BaseDn"] = "OU=Staff," + Domain,
                ["users.Filter"] = "(objectClass=user)",
                ["users.DeletedFilter"] = "(objectClass=user)",
            }))
            .Build();
        var settings = LdapConnectionSettings.TryRead(model.GetConnector("AD").Connections[0], out var errors) ?? throw new AssertionException(string.Join("; ", errors));
        var schema = LdapSchema.Parse(
            ["( 1.2.840.113556.1.4.2 NAME 'objectGUID' )", "( 1.2.840.113556.1.4.221 NAME 'sAMAccountName' )", "( 1.2.840.113556.1.2.120 NAME 'uSNChanged' )"],
            []);
        var request = new ExportRequest("users", columns, mode) { Watermark = watermark };
        var rows = new List<string[]>();
        await using var reader = await LdapTableReader.OpenAsync(directory, settings, settings.Tables["users"], request, schema, CancellationToken.None);
        using var batch = new RowBatch(columns.Length);
        while (await reader.ReadAsync(batch, CancellationToken.None))
        {
            for (var row = 0; row < batch.Count; row++)
            {
                rows.Add([.. Enumerable.Range(0, columns.Length).Select(c => Encoding.UTF8.GetString(batch.GetField(row, c)))]);
            }
        }

        return (rows, reader.Watermark, directory.Searches);
    }

    /// <summary>Answers as a domain controller would: the rootDSE, the nTDSDSA object, live entries, and tombstones only under Show Deleted.</summary>
    private sealed class RecordedDirectory(string? highestUsn) : ILdapDirectory
    {
        public Uri Server { get; } = new("ldaps://dc1.corp.example:636");

        public List<LdapEntry> Live { get; } = [];

        public List<LdapEntry> Deleted { get; } = [];

        public byte[] InvocationId { get; init; } = s_invocation.ToByteArray();

        public List<LdapSearch> Searches { get; } = [];

        public Task<LdapPage> SearchAsync(LdapSearch search, byte[]? cookie, CancellationToken cancellationToken)
        {
            Searches.Add(search);
            List<LdapEntry> entries = search switch
            {
                { BaseDn: "" } => [RootDse()],
                { BaseDn: Dsa } => [new LdapEntry(Dsa, new(StringComparer.OrdinalIgnoreCase) { ["invocationId"] = [InvocationId] })],
                { ShowDeleted: true } => Deleted,
                _ => Live,
            };
            return Task.FromResult(new LdapPage(entries, null));
        }

        private LdapEntry RootDse()
        {
            var attributes = new Dictionary<string, List<byte[]>>(StringComparer.OrdinalIgnoreCase)
            {
                ["dsServiceName"] = [Encoding.UTF8.GetBytes(Dsa)],
                ["defaultNamingContext"] = [Encoding.UTF8.GetBytes(Domain)],
            };
            if (highestUsn is not null)
            {
                attributes["highestCommittedUSN"] = [Encoding.UTF8.GetBytes(highestUsn)];
            }

            return new LdapEntry(string.Empty, attributes);
        }
    }
}
