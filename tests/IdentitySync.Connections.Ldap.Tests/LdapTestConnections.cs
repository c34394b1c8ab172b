using System.Text;
using IdentitySync.Configuration;
using IdentitySync.Model;

namespace IdentitySync.Connections.Ldap.Tests;

/// <summary>Builds model connections of the LDAP package and reads their tables.</summary>
internal static class LdapTestConnections
{
    public static readonly LdapConnectionPackage Package = new();

    public static Connection Connection(IReadOnlyDictionary<string, string> settings)
    {
        var model = new IdentityModelBuilder()
            .AddConnector("Directory", c => c.AddConnection("Ldap", LdapConnectionPackage.PackageId, settings))
            .Build();
        return model.GetConnector("Directory").Connections[0];
    }

    public static ConnectionContext Context() => new("Directory", Path.GetTempPath(), TimeProvider.System);

    public static async Task<List<string[]>> ReadAsync(IReadOnlyDictionary<string, string> settings, string table, params string[] columns)
    {
        var connection = Connection(settings);
        Assert.That(Package.ValidateSettings(connection), Is.Empty, "the test's settings are valid");
        var rows = new List<string[]>();
        await using var export = Package.CreateExportConnection(connection, Context());
        await using var reader = await export.OpenTableAsync(new ExportRequest(table, columns, ExportMode.Complete), CancellationToken.None);
        using var batch = new RowBatch(columns.Length, capacity: 500);
        while (await reader.ReadAsync(batch, CancellationToken.None))
        {
            for (var row = 0; row < batch.Count; row++)
            {
                rows.Add([.. Enumerable.Range(0, columns.Length).Select(c => Encoding.UTF8.GetString(batch.GetField(row, c)))]);
            }
        }

        return rows;
    }
}
