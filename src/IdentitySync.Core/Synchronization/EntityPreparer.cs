using System.Text;
using IdentitySync.Connections;
using IdentitySync.Internal;
using IdentitySync.Model;
using IdentitySync.Storage;

namespace IdentitySync.Synchronization;

/// <summary>
/// Prepares the rows of one entity-type mapping: keys, digests, duplicates and quarantine, and typed
/// values for the rows that differ from the store (unchanged rows are never decoded).
/// </summary>
internal sealed partial class EntityPreparer
{
    private readonly int[] _columns;
    private readonly int[] _propertyIndexes;
    private readonly int _keyColumn;
    private readonly int _commandColumn;
    private readonly ulong _seed;
    private readonly long _layout;
    private readonly Dictionary<string, UniqueKeyIndex> _uniqueIndexes = new(StringComparer.OrdinalIgnoreCase);

    // The rows holding each unique-key value that several rows share, by mapping index and value.
    private readonly Dictionary<(int MappingIndex, string Value), List<string>> _sharedUniqueKeys = [];
    private readonly List<QuarantinedRow> _quarantined = [];

    // Key properties' indexes among the mapping's properties by name, filled as links resolve through them (on several threads at once).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _keys = new(StringComparer.OrdinalIgnoreCase);
    private readonly bool[] _plainText;

    // Whether an empty field of each mapped property is stored as an empty string rather than no value.
    private readonly bool[] _emptyString;
    private readonly int[] _mappingOfProperty;
    private readonly object?[] _parsed;
    private readonly bool[] _verbatim;

    // Every column this mapping reads (properties, key, command) with its name: each field is checked once per row.
    private readonly (int Index, string Name)[] _checked;
    private readonly int _maxValueLength;
    private readonly string _primaryKeyName;
    private readonly PropertyMapping _primaryKey;
    private readonly int _primaryKeyIndex;

    // The values the current row's key and unique keys parsed to, by mapping index, valid where the stamp is the row's
    // number (RowsRead): packing the row takes them instead of parsing the same fields again.
    private readonly object?[] _rowParsed;
    private readonly long[] _rowParsedStamp;

    // Whether each mapped property's key text is its field as it is (a text property in the default format).
    private readonly bool[] _keyIsText;

    // The packed values of new rows, end to end (the table is read on one thread).
    private readonly PackedArena _arena = new();

    // Whether the primary key's text is its field as it is (text, default format, compared with case).
    private readonly bool _keyComparedAsIs;

    // The ordinal after the previous row's key: the stored key a row in key order has.
    private int _nextOrdinal;

    public EntityPreparer(EntityType entityType, EntityTypeMapping mapping, IReadOnlyList<string> tableColumns, int commandColumn, IEnumerable<string> uniqueKeysNeeded, int maxValueLength = Model.ConnectorDefaults.MaxValueLength)
    {
        EntityType = entityType;
        Mapping = mapping;
        Stored = new(KeyOrdinals);
        Rows = new(KeyOrdinals);
        _columns = [.. mapping.Properties.Select(p => Index(tableColumns, p.Column))];
        _propertyIndexes = [.. mapping.Properties.Select(p => IndexOfProperty(entityType, p.Property))];
        _primaryKey = mapping.PrimaryKey;
        _keyColumn = Index(tableColumns, _primaryKey.Column);
        _commandColumn = commandColumn;
        _maxValueLength = maxValueLength;
        _primaryKeyName = $"primary key (column '{_primaryKey.Column}')";
        _keyIsText = [.. mapping.Properties.Select((p, i) => p.Format.Kind == ValueFormatKind.Default && entityType.Properties[_propertyIndexes[i]].Type == ScalarType.String)];
        _primaryKeyIndex = MappingIndexOf(_primaryKey);
        _keyComparedAsIs = _keyIsText[_primaryKeyIndex] && !_primaryKey.IgnoreCase;
        _rowParsed = new object?[mapping.Properties.Count];
        _rowParsedStamp = new long[mapping.Properties.Count];
        _checked = [.. _columns.Append(_keyColumn).Append(commandColumn).Where(static c => c >= 0).Distinct().Select(c => (c, tableColumns[c]))];
        _plainText = [.. mapping.Properties.Select((p, i) => entityType.Properties[_propertyIndexes[i]] is { Type: ScalarType.String, IsMultiValued: false } && p.Format.Kind == ValueFormatKind.Default)];
        _emptyString = [.. mapping.Properties.Select((p, i) => mapping.EmptyFields == EmptyFields.EmptyString && entityType.Properties[_propertyIndexes[i]] is { Type: ScalarType.String, IsMultiValued: false })];
        _mappingOfProperty = new int[entityType.Properties.Count];
        Array.Fill(_mappingOfProperty, -1);
        for (var i = 0; i < _propertyIndexes.Length; i++)
        {
            _mappingOfProperty[_propertyIndexes[i]] = i;
        }

        _parsed = new object?[mapping.Properties.Count];
        _verbatim = new bool[mapping.Properties.Count];
        foreach (var key in uniqueKeysNeeded)
        {
            var mappingIndex = mapping.Properties.ToList().FindIndex(p => string.Equals(p.Property, key, StringComparison.OrdinalIgnoreCase));
            _uniqueIndexes[key] = new UniqueKeyIndex(mappingIndex, mappingIndex >= 0 && _keyIsText[mappingIndex] && !mapping.Properties[mappingIndex].IgnoreCase, KeyOrdinals);
        }

        // The shapes of the mapping and of the entity type seed every digest, so that a changed column,
        // format, property type or property list decodes every row again, into values of the new shape. The
        // first line names the packing: rows stored before values carried their layout are rewritten once.
        _layout = ResourceLayout.Of(entityType).Id;
        var shape = string.Join('\n', ["packing:layout", .. mapping.Properties.Select(p => $"{p.Property}={p.Column}:{p.Format}:{p.Separator}{(mapping.EmptyFields == EmptyFields.NoValue ? string.Empty : ":empty")}")
            .Concat(entityType.Properties.Select(static p => $"{p.Name}:{p.Type}:{p.IsMultiValued}"))]);
        _seed = Xxh64.Hash(Encoding.UTF8.GetBytes(shape));
    }

    public EntityType EntityType { get; }

    public EntityTypeMapping Mapping { get; }

    /// <summary>Gets the stored resources, by the ordinal of their key.</summary>
    public KeyedByOrdinal<StoredResource> Stored { get; }

    /// <summary>Gets the rows read, by the ordinal of their key.</summary>
    public KeyedByOrdinal<PreparedRow> Rows { get; }

    /// <summary>
    /// Gets dense ordinals of the keys stored (first), read and named by links: a row finds its stored
    /// resource by its key's ordinal, and links are pairs of numbers.
    /// </summary>
    public TextInterner KeyOrdinals { get; } = new();

    /// <summary>Gets the rows the export's connection estimated its table holds (0 until told, or when it could not tell).</summary>
    public int ExpectedRows => Volatile.Read(ref _expectedRows);

    private int _expectedRows;

    /// <summary>
    /// Sizes the keys, the rows and the unique-key indexes for the rows the export's connection estimates its table holds
    /// (<see cref="Connections.IExportTableReader.EstimatedRowCount"/>, read after the first batch on the table's own
    /// thread), or for the keys already stored when they are more: a first load of ten million rows then grows none of them through
    /// twenty doublings (decision 122). Only a hint: fewer or more rows change nothing but the room taken.
    /// </summary>
    /// <param name="rows">The estimated rows.</param>
    public void ExpectRows(long rows)
    {
        var room = SizeHint.Room(rows);
        if (room == 0)
        {
            return;
        }

        Volatile.Write(ref _expectedRows, room);

        // A complete run's keys are mostly the stored ones: room for whichever is more, not for both.
        var keys = Math.Max(KeyOrdinals.Count, room);
        KeyOrdinals.EnsureCapacity(keys);
        Rows.EnsureCapacity(keys);
        foreach (var index in _uniqueIndexes.Values)
        {
            index.EnsureCapacity(room);
        }
    }

    /// <summary>Keys whose stored resource must stay untouched this run: conflicting duplicates and unparsable rows.</summary>
    public HashSet<string> Held { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<QuarantinedRow> Quarantined => _quarantined;

    public long RowsRead { get; private set; }

    public long DuplicatesCollapsed { get; private set; }

    public ulong BatchHash { get; private set; }

    /// <summary>
    /// Gets or sets a value indicating whether each row read goes into <see cref="BatchHash"/>: not when the batch is
    /// identified by its export's fingerprint instead (a complete export whose tables are fingerprinted).
    /// </summary>
    public bool HashesRows { get; set; } = true;

    public IReadOnlySet<string> MissingProperties { get; private set; } = new HashSet<string>();

    /// <summary>Gets a value indicating whether rows carry a command (a native delta): they then need every stored value as they are read.</summary>
    public bool HasCommands => _commandColumn >= 0;

    public static int IndexOfProperty(EntityType entityType, string property)
    {
        for (var i = 0; i < entityType.Properties.Count; i++)
        {
            if (string.Equals(entityType.Properties[i].Name, property, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        throw new InvalidOperationException($"Entity type '{entityType.Name}' has no property '{property}'.");
    }

    public void SetMissingColumns(IReadOnlyList<string> missingColumns)
    {
        MissingProperties = Mapping.Properties
            .Where(p => missingColumns.Contains(p.Column, StringComparer.OrdinalIgnoreCase))
            .Select(static p => p.Property)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Lets go of the rows read, the stored resources and the unique-key indexes once the change set holds
    /// what it needs (its keys and values): the apply then runs without them. The key ordinals stay: the
    /// change set's links are named through them.
    /// </summary>
    public void Release()
    {
        Rows.Clear();
        Stored.Clear();
        foreach (var index in _uniqueIndexes.Values)
        {
            index.Clear();
        }
    }

    /// <summary>
    /// Quarantines every row whose unique-key value another row of the run shares (two spellings of one DN,
    /// two people with one login): none of them is applied, and their stored resources stay as they were,
    /// rather than links being resolved to either at random.
    /// </summary>
    public void QuarantineSharedUniqueKeys()
    {
        foreach (var ((mappingIndex, value), holders) in _sharedUniqueKeys)
        {
            var property = Mapping.Properties[mappingIndex];
            foreach (var key in holders)
            {
                if (Rows[KeyOrdinals.Intern(key)] is not { } row)
                {
                    continue;
                }

                Held.Add(key);
                var others = string.Join(", ", holders.Where(h => h != key).Select(static h => $"'{h}'"));
                Quarantine(row.Source, row.Line, key, $"unique key {property.Property} (column '{property.Column}') '{value}' is shared with {others}");
            }
        }
    }

    public void Quarantine(string source, long line, string? key, string reason) => _quarantined.Add(new QuarantinedRow { Source = source, Line = line, Key = key, Reason = reason });

    public void Accept(RowBatch batch, int row, string source)
    {
        RowsRead++;
        var line = batch.GetLineNumber(row);
        var keyBytes = batch.GetField(row, _keyColumn);
        if (keyBytes.IsEmpty)
        {
            Quarantine(source, line, null, $"empty primary key (column '{_primaryKey.Column}')");
            return;
        }

        if (FieldCheck.Problem(keyBytes, _primaryKey.Column, _maxValueLength) is { } keyProblem)
        {
            Quarantine(source, line, Encoding.UTF8.GetString(keyBytes), keyProblem);
            return;
        }

        // A row in the order the stored keys were loaded (an export sorted by key, as the store reads them) finds its
        // key's ordinal by comparing the next stored key with the field: no hash lookup and no new string.
        var ordinal = NextStoredKey(keyBytes);
        string? keyError = null;
        var key = ordinal >= 0 ? KeyOrdinals[ordinal] : KeyText(keyBytes, _primaryKeyIndex, keepParsed: true, out keyError);
        if (key is null)
        {
            Quarantine(source, line, Encoding.UTF8.GetString(keyBytes), $"primary key (column '{_primaryKey.Column}'): {keyError}");
            return;
        }

        if (FieldCheck.KeyProblem(key, _primaryKeyName) is { } unprintable)
        {
            Quarantine(source, line, key, unprintable);
            return;
        }

        // One validation of the whole row when it is all text (nearly always); field by field otherwise, to name the column.
        var allText = FieldCheck.AllText(batch, row);
        foreach (var (column, name) in _checked)
        {
            var field = batch.GetField(row, column);
            if (column != _keyColumn && (allText ? FieldCheck.LengthProblem(field, name, _maxValueLength) : FieldCheck.Problem(field, name, _maxValueLength)) is { } problem)
            {
                // The stored resource stays as it is: a bad row is no reason to delete what it describes.
                Quarantine(source, line, key, problem);
                Held.Add(key);
                return;
            }
        }

        var command = RowCommand.Upsert;
        if (_commandColumn >= 0 && !TryParseCommand(batch.GetField(row, _commandColumn), out command))
        {
            Quarantine(source, line, key, $"unknown command '{Encoding.UTF8.GetString(batch.GetField(row, _commandColumn))}'; allowed: insert, update, delete, merge");
            return;
        }

        var digest = Digest(batch, row, command);
        if (HashesRows)
        {
            BatchHash = Mix(BatchHash, Mix(digest, (ulong)command));
        }

        if (ordinal < 0)
        {
            ordinal = KeyOrdinals.Intern(key);
        }

        _nextOrdinal = ordinal + 1;
        if (Rows[ordinal] is { } existing)
        {
            if (existing.Conflicted)
            {
                Quarantine(source, line, key, $"rows share primary key '{key}' with different content (first at line {existing.Line})");
            }
            else if (existing.Digest == digest && existing.Command == command)
            {
                DuplicatesCollapsed++;
            }
            else
            {
                existing.Conflicted = true;
                Held.Add(key);
                _quarantined.RemoveAll(q => q.Line == existing.Line && q.Key == key);
                Quarantine(source, existing.Line, key, $"rows share primary key '{key}' with different content (also at line {line})");
                Quarantine(source, line, key, $"rows share primary key '{key}' with different content (first at line {existing.Line})");
            }

            return;
        }

        var prepared = new PreparedRow(key, ordinal, digest, line, command, source);
        Rows.Set(ordinal, prepared);
        IndexUniqueKeys(batch, row, key, ordinal);

        var stored = Stored[ordinal];
        if (command == RowCommand.Delete || (stored is not null && stored.Digest == digest && command != RowCommand.Merge))
        {
            return;
        }

        prepared.Values = Decode(batch, row, stored, command, source, line, key);
        if (prepared.Values is null)
        {
            Held.Add(key);
        }
    }

    /// <summary>
    /// The ordinal of the key after the previous row's when the field is that key's text exactly (a plain text key,
    /// compared as is, ASCII: other texts take the lookup), or -1.
    /// </summary>
    private int NextStoredKey(ReadOnlySpan<byte> field)
    {
        var next = _nextOrdinal;
        return _keyComparedAsIs && next < KeyOrdinals.Count && System.Text.Ascii.Equals(field, KeyOrdinals[next]) ? next : -1;
    }

    /// <summary>
    /// The text a key is stored and compared as: the field as is for text keys, the canonical text of
    /// the parsed value for typed keys or keys with a format (so <c>007</c> and <c>7</c> are one key).
    /// </summary>
    /// <param name="field">The field, UTF-8.</param>
    /// <param name="mappingIndex">The key property's index among the mapping's properties.</param>
    /// <param name="keepParsed">Whether the field is the current row's: its parsed value is kept for packing the row.</param>
    /// <param name="error">Why the field is no key, when it is not.</param>
    private string? KeyText(ReadOnlySpan<byte> field, int mappingIndex, bool keepParsed, out string? error)
    {
        error = null;
        var keyMapping = Mapping.Properties[mappingIndex];
        if (_keyIsText[mappingIndex])
        {
            var text = Encoding.UTF8.GetString(field);
            return keyMapping.IgnoreCase ? text.ToUpperInvariant() : text;
        }

        var property = EntityType.Properties[_propertyIndexes[mappingIndex]];
        if (!ValueParser.TryParse(field, property, keyMapping, out var value, out error) || value is null)
        {
            error ??= "empty";
            return null;
        }

        if (keepParsed)
        {
            _rowParsed[mappingIndex] = value;
            _rowParsedStamp[mappingIndex] = RowsRead;
        }

        // A key in a format that compares without case (a distinguished name) is compared on its upper case.
        var keyText = KeyTextOf(value);
        return keyMapping.IgnoreCase ? keyText?.ToUpperInvariant() : keyText;
    }

    /// <summary>Resolves a key property's value to a primary key: the row's own key, or through a unique-key index.</summary>
    public string? ResolveKey(string keyProperty, string text, out string? problem)
    {
        problem = null;
        if (!_keys.TryGetValue(keyProperty, out var index))
        {
            _keys[keyProperty] = index = MappingIndexOf(Mapping.FindProperty(keyProperty)!);
        }

        var keyMapping = Mapping.Properties[index];

        // Text keys with the default format are their text: no round trip through UTF-8 (a pair per membership).
        string? reason = null;
        var value = !_keyIsText[index] ? KeyText(Encoding.UTF8.GetBytes(text), index, keepParsed: false, out reason)
            : keyMapping.IgnoreCase ? text.ToUpperInvariant()
            : text;
        if (value is null)
        {
            problem = $"'{text}' is not a {EntityType.Name} {keyProperty}: {reason}";
            return null;
        }

        if (string.Equals(keyProperty, _primaryKey.Property, StringComparison.OrdinalIgnoreCase))
        {
            return value;
        }

        if (_uniqueIndexes.TryGetValue(keyProperty, out var unique) && unique.TryFind(value, out var key))
        {
            if (key is null)
            {
                problem = $"several {EntityType.Name} share {keyProperty} '{value}'";
            }

            return key;
        }

        // A delta need not repeat resources that do not change: look among the stored ones.
        if (_commandColumn >= 0)
        {
            var position = IndexOfProperty(EntityType, keyProperty);
            var comparison = keyMapping.IgnoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            var matches = Stored.Values.Where(r => string.Equals(KeyTextOf(r.ValueAt(EntityType, position)), value, comparison)).Take(2).ToList();
            if (matches.Count == 1)
            {
                return matches[0].Key;
            }

            if (matches.Count > 1)
            {
                problem = $"several {EntityType.Name} share {keyProperty} '{value}'";
            }
        }

        return null;
    }

    /// <summary>The index of one of the mapping's property mappings.</summary>
    private int MappingIndexOf(PropertyMapping keyMapping)
    {
        for (var i = 0; i < Mapping.Properties.Count; i++)
        {
            if (ReferenceEquals(Mapping.Properties[i], keyMapping))
            {
                return i;
            }
        }

        throw new InvalidOperationException($"Property '{keyMapping.Property}' is not mapped for entity type '{EntityType.Name}'.");
    }

    private static string? KeyTextOf(object? value) => value switch
    {
        null => null,
        DateTime d => d.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        byte[] b => Convert.ToBase64String(b),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static int Index(IReadOnlyList<string> columns, string column)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (string.Equals(columns[i], column, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        throw new InvalidOperationException($"Column '{column}' was not requested.");
    }

    private static bool TryParseCommand(ReadOnlySpan<byte> text, out RowCommand command)
    {
        command = Encoding.UTF8.GetString(text).Trim().ToUpperInvariant() switch
        {
            "INSERT" => RowCommand.Insert,
            "UPDATE" => RowCommand.Update,
            "DELETE" => RowCommand.Delete,
            "MERGE" => RowCommand.Merge,
            _ => RowCommand.Upsert,
        };
        return command != RowCommand.Upsert;
    }

    internal static ulong Mix(ulong left, ulong right)
    {
        Span<byte> bytes = stackalloc byte[16];
        BitConverter.TryWriteBytes(bytes, left);
        BitConverter.TryWriteBytes(bytes[8..], right);
        return Xxh64.Hash(bytes);
    }

    private ulong Digest(RowBatch batch, int row, RowCommand command)
    {
        // A merge that lacks columns has no complete row to digest: 0 makes the next complete run compare values.
        if (command == RowCommand.Merge && MissingProperties.Count > 0)
        {
            return 0;
        }

        var digest = _seed;
        for (var i = 0; i < _columns.Length; i++)
        {
            digest = Xxh64.Hash(batch.GetField(row, _columns[i]), digest + (ulong)i);
        }

        return digest;
    }
}
