using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using IdentitySync.Connections;
using IdentitySync.Model;

namespace IdentitySync.Synchronization;

/// <summary>
/// Before stage 3: the fingerprint of a complete export with what shapes its reading, so that an export
/// identical to the one last applied, under the same configuration, is not read again.
/// </summary>
internal static class ExportFingerprinter
{
    private static readonly string? EngineVersion = typeof(ExportFingerprinter).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

    /// <summary>
    /// Fingerprints the complete export with the engine's version, the connector's configuration and the model
    /// types it maps, and each table's columns; null when a table has none. Tables of packages that read them
    /// independently are fingerprinted side by side (hashing a large file takes a core), the others one after another.
    /// </summary>
    /// <param name="connector">The connector.</param>
    /// <param name="plan">The run's plan.</param>
    /// <param name="exports">The open export connection of each connection, by name.</param>
    /// <param name="concurrent">Whether a table's package reads tables independently.</param>
    /// <param name="cancellationToken">Cancels the hashing.</param>
    /// <returns>The fingerprints, or null.</returns>
    public static async Task<ExportFingerprints?> FingerprintAsync(
        Connector connector,
        TablePlan plan,
        IReadOnlyDictionary<string, IExportConnection> exports,
        Func<PlannedTable, bool> concurrent,
        CancellationToken cancellationToken)
    {
        var tables = plan.Tables;
        var fingerprints = new string?[tables.Count];
        var sideBySide = new List<int>();
        for (var i = 0; i < tables.Count; i++)
        {
            if (concurrent(tables[i]))
            {
                sideBySide.Add(i);
            }
            else
            {
                fingerprints[i] = await Fingerprint(i).ConfigureAwait(false);
            }
        }

        // Started once nothing else can fail first, so that none is left running.
        await Task.WhenAll(sideBySide.Select(i => Task.Run(async () => fingerprints[i] = await Fingerprint(i).ConfigureAwait(false), cancellationToken))).ConfigureAwait(false);
        if (fingerprints.Any(static t => t is null))
        {
            return null;
        }

        var text = new StringBuilder();
        text.Append(JsonSerializer.Serialize(
            new FingerprintText(connector, plan.Entities.Values.Select(static e => e.EntityType), plan.Associations.Select(static a => a.Association)),
            SyncJsonContext.Default.FingerprintText)).Append('\n');
        for (var i = 0; i < tables.Count; i++)
        {
            text.Append(tables[i].Connection.Name).Append('|').Append(tables[i].Table).Append('|').AppendJoin(',', tables[i].Columns).Append('|').Append(fingerprints[i]).Append('\n');
        }

        var described = text.ToString();
        return new ExportFingerprints(
            Fingerprint: Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(EngineVersion + "\n" + described))),
            Content: Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(described))));

        ValueTask<string?> Fingerprint(int index) =>
            exports[tables[index].Connection.Name].GetFingerprintAsync(new ExportRequest(tables[index].Table, tables[index].Columns, ExportMode.Complete), cancellationToken);
    }
}

/// <summary>A complete export's fingerprints.</summary>
/// <param name="Fingerprint">
/// With the engine's version: an export that matches the last one applied under the same configuration and the same
/// engine is not read again (a new engine reads it once, in case it reads differently).
/// </param>
/// <param name="Content">Without the engine's version: what the batch id of a run that read it is made of.</param>
internal sealed record ExportFingerprints(string Fingerprint, string Content);
