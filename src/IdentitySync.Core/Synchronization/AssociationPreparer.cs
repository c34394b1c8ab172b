using System.Text;
using IdentitySync.Connections;
using IdentitySync.Model;
using IdentitySync.Storage;

namespace IdentitySync.Synchronization;

/// <summary>Reads the pairs of one association mapping; they are resolved to keys once every table is read.</summary>
internal sealed class AssociationPreparer(
    EntityAssociation association,
    AssociationMapping mapping,
    EntityPreparer first,
    EntityPreparer second,
    int firstColumn,
    int secondColumn,
    int commandColumn)
{
    private readonly List<QuarantinedRow> _quarantined = [];

    public EntityAssociation Association { get; } = association;

    public AssociationMapping Mapping { get; } = mapping;

    public EntityAssociationKeys Keys { get; } = new(association.Name, association.First.EntityType, association.Second.EntityType);

    public EntityPreparer First { get; } = first;

    public EntityPreparer Second { get; } = second;

    public List<(string First, string Second, long Line, RowCommand Command, string Source)> Pairs { get; } = [];

    public IReadOnlyList<QuarantinedRow> Quarantined => _quarantined;

    public long RowsRead { get; private set; }

    public ulong BatchHash { get; private set; }

    public HashSet<(string First, string Second)> StoredLinks { get; } = [];

    public void Accept(RowBatch batch, int row, string source)
    {
        RowsRead++;
        var firstValue = batch.GetField(row, firstColumn);
        var secondValue = batch.GetField(row, secondColumn);
        if (firstValue.IsEmpty || secondValue.IsEmpty)
        {
            return;
        }

        var command = RowCommand.Upsert;
        if (commandColumn >= 0)
        {
            var text = Encoding.UTF8.GetString(batch.GetField(row, commandColumn)).Trim();
            command = string.Equals(text, "delete", StringComparison.OrdinalIgnoreCase) ? RowCommand.Delete : RowCommand.Insert;
        }

        var pair = Internal.Xxh64.Hash(secondValue, Internal.Xxh64.Hash(firstValue, (ulong)command));
        BatchHash = EntityPreparer.Mix(BatchHash, pair);
        Pairs.Add((Encoding.UTF8.GetString(firstValue), Encoding.UTF8.GetString(secondValue), batch.GetLineNumber(row), command, source));
    }

    /// <summary>Resolves every pair to primary keys; unresolvable pairs are quarantined.</summary>
    public IEnumerable<((string First, string Second) Link, RowCommand Command)> Resolve(bool incremental)
    {
        foreach (var (firstValue, secondValue, line, command, source) in Pairs)
        {
            var firstKey = ResolveSide(First, Mapping.First, firstValue, incremental, out var firstProblem);
            var secondKey = ResolveSide(Second, Mapping.Second, secondValue, incremental, out var secondProblem);
            if (firstKey is null || secondKey is null)
            {
                var problem = firstKey is null
                    ? $"column '{Mapping.First.Column}': {firstProblem}"
                    : $"column '{Mapping.Second.Column}': {secondProblem}";
                _quarantined.Add(new QuarantinedRow(source, line, firstValue + " -> " + secondValue, problem));
                continue;
            }

            yield return ((firstKey, secondKey), command);
        }
    }

    private static string? ResolveSide(EntityPreparer side, AssociationMappingEnd end, string value, bool incremental, out string? problem)
    {
        var key = side.ResolveKey(end.Key, value, out problem);
        if (key is null)
        {
            problem ??= $"'{value}' matches no {side.EntityType.Name} by {end.Key}";
            return null;
        }

        if (side.Held.Contains(key))
        {
            problem = $"'{value}' refers to {side.EntityType.Name} '{key}', which is quarantined in this run";
            return null;
        }

        var inSnapshot = side.Rows.TryGetValue(key, out var row) && row.Command != RowCommand.Delete;
        var exists = inSnapshot || (incremental && side.Stored.ContainsKey(key) && row?.Command != RowCommand.Delete);
        if (!exists)
        {
            problem = $"'{value}' matches no {side.EntityType.Name} by {end.Key}";
            return null;
        }

        return key;
    }
}
