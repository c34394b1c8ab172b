using System.Runtime.InteropServices;
using System.Text;
using IdentitySync.ChangeSets;
using IdentitySync.Connections;
using IdentitySync.Internal;
using IdentitySync.Model;

namespace IdentitySync.Synchronization;

/// <summary>
/// Reads the pairs of one association mapping as packed ordinals of interned texts (each distinct member
/// or group name is decoded once); they are resolved to keys once every table is read, each distinct
/// text once.
/// </summary>
internal sealed class AssociationPreparer(
    EntityAssociation association,
    AssociationMapping mapping,
    EntityPreparer first,
    EntityPreparer second,
    int firstColumn,
    int secondColumn,
    int commandColumn,
    int maxValueLength = Model.ConnectorDefaults.MaxValueLength)
{
    private readonly List<QuarantinedRow> _quarantined = [];
    private Utf8Interner _firstTexts = new();
    private Utf8Interner _secondTexts = new();
    private List<long> _pairs = [];

    // Each pair's line, kept where it is not the previous pair's plus one: a file without skipped or multi-line
    // rows needs one entry for its ten million pairs instead of ten million numbers.
    private List<(int Pair, long Line)> _lineBreaks = [];
    private long _nextLine = -1;
    private List<RowCommand> _commands = [];
    private string _source = string.Empty;

    // The store's estimate of the association's links, once told (ExpectLinks): the lists are sized from it, and the
    // sorts of both lists share one second buffer.
    private long _expectedPairs;
    private long _expectedStored;
    private long[]? _sortBuffer;

    public EntityAssociation Association { get; } = association;

    public AssociationMapping Mapping { get; } = mapping;

    public EntityAssociationKeys Keys { get; } = new(association.Name, association.First.EntityType, association.Second.EntityType);

    public EntityPreparer First { get; } = first;

    public EntityPreparer Second { get; } = second;

    /// <summary>Gets the number of non-empty pairs read.</summary>
    public int PairCount { get; private set; }

    public IReadOnlyList<QuarantinedRow> Quarantined => _quarantined;

    public long RowsRead { get; private set; }

    public ulong BatchHash { get; private set; }

    /// <summary>
    /// Gets or sets a value indicating whether each pair read goes into <see cref="BatchHash"/>: not when the batch
    /// is identified by its export's fingerprint instead (a complete export whose tables are fingerprinted).
    /// </summary>
    public bool HashesRows { get; set; } = true;

    /// <summary>Gets the stored links as packed key ordinals of <see cref="First"/> and <see cref="Second"/>, sorted once loaded.</summary>
    public List<long> StoredLinks { get; } = [];

    /// <summary>
    /// Sizes the list of stored links, and the list of pairs read when the export is complete (it then names about as
    /// many links as are stored), for as many links as the store estimates it holds: ten million links are then one
    /// array each instead of twenty doublings, each a new array and a copy, ending with up to twice the room needed
    /// (decision 121). Past the estimate, a list grows by an eighth. Called before anything is read.
    /// </summary>
    /// <param name="estimate">The store's estimate (<see cref="Storage.IResourceReader.EstimateLinkCountAsync"/>); 0 when it has none.</param>
    /// <param name="completeExport">Whether the export lists every link (not a delta).</param>
    public void ExpectLinks(long estimate, bool completeExport)
    {
        var room = SizeHint.Room(estimate);
        if (room == 0)
        {
            return;
        }

        _expectedStored = room;
        StoredLinks.Capacity = Math.Max(StoredLinks.Capacity, room);
        if (completeExport)
        {
            // A few more than stored: a complete export of a changed directory adds some.
            _expectedPairs = room + (room / 32);
            _pairs.Capacity = Math.Max(_pairs.Capacity, (int)_expectedPairs);
        }
    }

    /// <summary>
    /// Sizes the list of pairs read for the rows the export's connection estimates its table holds, once its first batch
    /// is read (<see cref="Connections.IExportTableReader.EstimatedRowCount"/>), unless the store's estimate sized it
    /// already (<see cref="ExpectLinks"/>): a connector's first load has nothing stored to estimate from. Past the
    /// estimate the list grows by an eighth.
    /// </summary>
    /// <param name="rows">The estimated rows of the association's table.</param>
    public void ExpectPairs(long rows)
    {
        var room = SizeHint.Room(rows);
        if (room == 0 || _expectedPairs > 0)
        {
            return;
        }

        _expectedPairs = room;
        _pairs.Capacity = Math.Max(_pairs.Capacity, room);

        // The texts of each side are at most its resources: when the side's own table said how many rows it holds (it is
        // read on another thread, and has usually read its first batch by now), its texts' table is sized once too.
        foreach (var (side, texts) in new[] { (First, _firstTexts), (Second, _secondTexts) })
        {
            if (side.ExpectedRows is > 0 and var expected)
            {
                texts.EnsureCapacity(Math.Min(expected, room));
            }
        }
    }

    /// <summary>Gets the room of the list of pairs read (for tests: what the estimates sized).</summary>
    internal int PairCapacity => _pairs.Capacity;

    /// <summary>Adds a stored link (packed key ordinals) while the stored links load.</summary>
    public void AddStoredLink(long link) => AddSized(StoredLinks, link, _expectedStored);

    /// <summary>Sorts the stored links once loaded, through the buffer the read pairs' sort reuses.</summary>
    public void SortStoredLinks() => RadixSort.Sort(CollectionsMarshal.AsSpan(StoredLinks), ref _sortBuffer);

    /// <summary>Sorts the resolved pairs (<see cref="Resolve"/>'s links) through the stored links' buffer, then lets the buffer go.</summary>
    public void SortResolved(List<long> links)
    {
        RadixSort.Sort(CollectionsMarshal.AsSpan(links), ref _sortBuffer);
        _sortBuffer = null;
    }

    /// <summary>
    /// Adds to a list sized from an estimate: past the estimate, a full list grows by an eighth instead of doubling
    /// (a list without an estimate doubles, as any list).
    /// </summary>
    private static void AddSized(List<long> list, long value, long expected)
    {
        if (expected > 0 && list.Count == list.Capacity && list.Count >= expected)
        {
            list.Capacity = (int)Math.Min(Array.MaxLength, list.Count + (long)Math.Max(list.Count / 8, 4_096));
        }

        list.Add(value);
    }

    public void Accept(RowBatch batch, int row, string source)
    {
        RowsRead++;
        var firstValue = batch.GetField(row, firstColumn);
        var secondValue = batch.GetField(row, secondColumn);
        if (firstValue.IsEmpty || secondValue.IsEmpty)
        {
            return;
        }

        // A text equal to the previous row's was checked with that row.
        var firstRepeated = _firstTexts.Repeated(firstValue);
        var secondRepeated = _secondTexts.Repeated(secondValue);
        var problem = (firstRepeated < 0 ? FieldCheck.Problem(firstValue, Mapping.First.Column, maxValueLength) : null)
            ?? (secondRepeated < 0 ? FieldCheck.Problem(secondValue, Mapping.Second.Column, maxValueLength) : null);
        if (problem is not null)
        {
            _quarantined.Add(new QuarantinedRow { Source = source, Line = batch.GetLineNumber(row), Key = Encoding.UTF8.GetString(firstValue) + " -> " + Encoding.UTF8.GetString(secondValue), Reason = problem });
            return;
        }

        var command = RowCommand.Upsert;
        if (commandColumn >= 0)
        {
            var text = Encoding.UTF8.GetString(batch.GetField(row, commandColumn)).Trim();
            command = string.Equals(text, "delete", StringComparison.OrdinalIgnoreCase) ? RowCommand.Delete : RowCommand.Insert;
            _commands.Add(command);
        }

        if (HashesRows)
        {
            BatchHash = EntityPreparer.Mix(BatchHash, Xxh64.Hash(secondValue, Xxh64.Hash(firstValue, (ulong)command)));
        }

        _source = source;
        AddSized(
            _pairs,
            OrdinalPair.Pack(
                firstRepeated >= 0 ? firstRepeated : _firstTexts.Intern(firstValue),
                secondRepeated >= 0 ? secondRepeated : _secondTexts.Intern(secondValue)),
            _expectedPairs);
        var line = batch.GetLineNumber(row);
        if (line != _nextLine)
        {
            _lineBreaks.Add((PairCount, line));
        }

        _nextLine = line + 1;
        PairCount++;
    }

    /// <summary>Gets the line a pair was read from.</summary>
    private long LineOf(int pair)
    {
        var low = 0;
        var high = _lineBreaks.Count - 1;
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (_lineBreaks[middle].Pair <= pair)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        var (first, line) = _lineBreaks[low];
        return line + (pair - first);
    }

    /// <summary>
    /// Resolves every pair to packed key ordinals (in read order, with its command); unresolvable pairs
    /// are quarantined. Called once: the pairs are resolved in place and handed over, and the texts and
    /// line numbers read are let go (at ten million accounts they weigh gigabytes).
    /// </summary>
    public (List<long> Links, List<RowCommand> Commands) Resolve(bool incremental)
    {
        var firstKeys = new Side(First, Mapping.First, _firstTexts, incremental);
        var secondKeys = new Side(Second, Mapping.Second, _secondTexts, incremental);
        firstKeys.ResolveAll();
        secondKeys.ResolveAll();
        var links = _pairs;
        var kept = 0;
        var commands = new List<RowCommand>(_commands.Count);
        for (var i = 0; i < _pairs.Count; i++)
        {
            var pair = _pairs[i];
            var firstKey = firstKeys.Resolve(OrdinalPair.First(pair), out var firstProblem);
            var secondKey = secondKeys.Resolve(OrdinalPair.Second(pair), out var secondProblem);
            if (firstKey < 0 || secondKey < 0)
            {
                var problem = firstKey < 0
                    ? $"column '{Mapping.First.Column}': {firstProblem}"
                    : $"column '{Mapping.Second.Column}': {secondProblem}";
                var text = _firstTexts[OrdinalPair.First(pair)] + " -> " + _secondTexts[OrdinalPair.Second(pair)];
                _quarantined.Add(new QuarantinedRow { Source = _source, Line = LineOf(i), Key = text, Reason = problem });
                continue;
            }

            links[kept++] = OrdinalPair.Pack(firstKey, secondKey);
            if (_commands.Count > 0)
            {
                commands.Add(_commands[i]);
            }
        }

        links.RemoveRange(kept, links.Count - kept);
        (_pairs, _lineBreaks, _commands, _firstTexts, _secondTexts) = ([], [], [], new(), new());
        return (links, commands);
    }

    /// <summary>One end's texts resolved to key ordinals, each distinct text once.</summary>
    private sealed class Side(EntityPreparer side, AssociationMappingEnd end, Utf8Interner texts, bool incremental)
    {
        // Below this many texts, resolving them on one core is as fast as sharing them out.
        private const int ResolvedTogetherBelow = 16_384;

        private readonly string _name = $"the {side.EntityType.Name} {end.Key}";
        private readonly int[] _keys = new int[texts.Count];
        private readonly System.Collections.Concurrent.ConcurrentDictionary<int, string> _problems = [];

        /// <summary>
        /// Resolves every text read (each belongs to a pair), a million members on every core: what resolving
        /// reads (the side's rows, stored resources and unique-key indexes) no longer changes, and each text's
        /// slot is written by one thread.
        /// </summary>
        public void ResolveAll()
        {
            if (texts.Count < ResolvedTogetherBelow)
            {
                ResolveRange(0, texts.Count);
                return;
            }

            try
            {
                Parallel.ForEach(
                    System.Collections.Concurrent.Partitioner.Create(0, texts.Count, ResolvedTogetherBelow / 4),
                    range => ResolveRange(range.Item1, range.Item2));
            }
            catch (AggregateException exception) when (exception.InnerExceptions.Count > 0)
            {
                // As when resolved on one thread: the first failure, as it was thrown.
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(exception.InnerExceptions[0]);
            }
        }

        /// <summary>
        /// Resolves texts in the order they were first read: an export that lists each member's links together, in
        /// the order of the members' keys, names each next text by the key after the previous one's.
        /// </summary>
        private void ResolveRange(int from, int to)
        {
            var previous = -1;
            for (var text = from; text < to; text++)
            {
                var key = ResolveText(texts[text], previous + 1, out var problem);
                _keys[text] = key + 1;
                if (problem is not null)
                {
                    _problems[text] = problem;
                }
                else
                {
                    previous = key;
                }
            }
        }

        public int Resolve(int text, out string? problem)
        {
            problem = null;
            var key = _keys[text];
            if (key == 0)
            {
                _keys[text] = key = ResolveText(texts[text], -1, out problem) + 1;
                if (problem is not null)
                {
                    _problems[text] = problem;
                }
            }
            else if (key < 0)
            {
                problem = _problems[text];
            }

            return key - 1;
        }

        /// <summary>Resolves a text to its key's ordinal, or -1 with the problem.</summary>
        /// <param name="value">The text.</param>
        /// <param name="likely">The ordinal the key likely has (compared first, instead of a lookup), or -1.</param>
        /// <param name="problem">Why the text resolves to nothing.</param>
        private int ResolveText(string value, int likely, out string? problem)
        {
            if (FieldCheck.KeyProblem(value, _name) is { } unprintable)
            {
                problem = unprintable;
                return -1;
            }

            var key = side.ResolveKey(end.Key, value, out problem);
            if (key is null)
            {
                problem ??= $"'{value}' matches no {side.EntityType.Name} by {end.Key}";
                return -1;
            }

            if (side.Held.Contains(key))
            {
                problem = $"'{value}' refers to {side.EntityType.Name} '{key}', which is quarantined in this run";
                return -1;
            }

            // Every key read or stored has its ordinal already; the ordinal's text is the row's own key
            // string when the row was read first, which a store that indexes the keys it writes finds by instance.
            var keys = side.KeyOrdinals;
            var ordinal = (uint)likely < (uint)keys.Count && string.Equals(keys[likely], key, StringComparison.Ordinal) ? likely : keys.Find(key);
            var row = side.Rows[ordinal];
            var inSnapshot = row is not null && row.Command != RowCommand.Delete;
            var exists = inSnapshot || (incremental && side.Stored[ordinal] is not null && row?.Command != RowCommand.Delete);
            if (!exists)
            {
                problem = $"'{value}' matches no {side.EntityType.Name} by {end.Key}";
                return -1;
            }

            return ordinal;
        }
    }
}
