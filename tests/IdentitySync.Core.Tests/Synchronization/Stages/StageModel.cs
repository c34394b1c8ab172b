using IdentitySync.Configuration;
using IdentitySync.Connections;
using IdentitySync.Internal;
using IdentitySync.Model;
using IdentitySync.Storage;
using IdentitySync.Synchronization;

namespace IdentitySync.Tests.Synchronization.Stages;

/// <summary>
/// A connector for testing the synchronization stages on their own, without a store or an engine: users; groups
/// with their members on the same table (one row per member, as a directory's expanded rows); group owners.
/// </summary>
internal static class StageModel
{
    public static IdentityModel Build(Action<ConnectorBuilder>? configure = null) =>
        new IdentityModelBuilder()
            .AddEntityType("AD_User", e => e
                .AddProperty("Dn")
                .AddProperty("Sam")
                .AddProperty("Mail")
                .AddNavigationProperty("MemberOf", "AD_Group", isMultiValued: true)
                .AddNavigationProperty("Owns", "AD_Group", isMultiValued: true))
            .AddEntityType("AD_Group", e => e
                .AddProperty("Dn")
                .AddProperty("Cn")
                .AddNavigationProperty("Members", "AD_User", isMultiValued: true)
                .AddNavigationProperty("Owner", "AD_User", isMultiValued: false))
            .AddAssociation("AD_Membership", "AD_Group.Members", "AD_User.MemberOf")
            .AddAssociation("AD_Ownership", "AD_Group.Owner", "AD_User.Owns")
            .AddConnector("AD", c =>
            {
                c.AddConnection("Export", "Memory")
                    .MapEntityType("AD_User", "Export", "users", m => m
                        .Map("Dn", "dn", PropertyKey.Primary)
                        .Map("Sam", "sam", PropertyKey.Unique)
                        .Map("Mail", "mail"))
                    .MapEntityType("AD_Group", "Export", "groups", m => m
                        .Map("Dn", "dn", PropertyKey.Primary)
                        .Map("Cn", "cn"))
                    .MapAssociation("AD_Membership", "Export", "groups", "dn", "member", secondKey: "Sam")
                    .MapAssociation("AD_Ownership", "Export", "owners", "group_dn", "owner_dn");
                configure?.Invoke(c);
            })
            .Build();

    /// <summary>Plans a run of the model's connector, its package exporting deltas when asked.</summary>
    public static TablePlan Plan(bool incremental = false, bool nativeDelta = true, IdentityModel? model = null)
    {
        model ??= Build();
        var capabilities = nativeDelta ? ConnectionCapabilities.ExportIncremental : ConnectionCapabilities.None;
        return TablePlan.Build(model, model.GetConnector("AD"), incremental, _ => capabilities);
    }

    public static PlannedTable Table(this TablePlan plan, string name) => plan.Tables.Single(t => t.Table == name);

    /// <summary>A row by column name; columns not named are empty.</summary>
    public static Dictionary<string, string> Row(params string[] columnsAndValues)
    {
        var row = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < columnsAndValues.Length; i += 2)
        {
            row[columnsAndValues[i]] = columnsAndValues[i + 1];
        }

        return row;
    }

    /// <summary>Hands rows to a planned table's preparers as the export reader would, lines numbered from 2.</summary>
    public static void Feed(this TablePlan plan, string table, params Dictionary<string, string>[] rows) =>
        plan.FeedAt(table, [.. rows.Select(static (row, i) => (2L + i, row))]);

    /// <summary>Hands rows to a planned table's preparers as the export reader would, each at the line given.</summary>
    public static void FeedAt(this TablePlan plan, string table, params (long Line, Dictionary<string, string> Row)[] lines)
    {
        var planned = plan.Table(table);
        var rows = lines.Select(static l => l.Row).ToArray();
        using var batch = new RowBatch(planned.Columns.Count);
        for (var i = 0; i < rows.Length; i++)
        {
            batch.BeginRow(lines[i].Line);
            foreach (var column in planned.Columns)
            {
                batch.AddField((rows[i].GetValueOrDefault(column) ?? string.Empty).AsSpan());
            }

            batch.EndRow();
        }

        for (var row = 0; row < batch.Count; row++)
        {
            foreach (var consume in planned.Consumers)
            {
                consume(batch, row, table + ".csv");
            }
        }
    }

    /// <summary>Puts a resource among what the store holds for the run, as the stored-state loader would.</summary>
    public static void Stored(this EntityPreparer entity, string key, ulong digest, params object?[] values) =>
        entity.Stored.Set(entity.KeyOrdinals.Intern(key), new StoredResource(entity.KeyOrdinals.Find(key) + 1, entity.EntityType.Name, key, digest, values));

    /// <summary>The digest a row of a table gets for an entity type, read in a plan of its own.</summary>
    public static ulong DigestOf(string table, string entityType, Dictionary<string, string> row)
    {
        var plan = Plan();
        plan.Feed(table, row);
        return plan.Entities[entityType].Rows.Values.Single().Digest;
    }

    /// <summary>Puts links among what the store holds for the run, sorted as the stored-state loader leaves them.</summary>
    public static void StoredLinks(this AssociationPreparer association, params (string First, string Second)[] links)
    {
        foreach (var (first, second) in links)
        {
            association.StoredLinks.Add(OrdinalPair.Pack(association.First.KeyOrdinals.Intern(first), association.Second.KeyOrdinals.Intern(second)));
        }

        association.StoredLinks.Sort();
    }
}
