using System.DirectoryServices.Protocols;
using System.Globalization;
using System.Text;

namespace IdentitySync.Connections.Ldap;

/// <summary>
/// Streams one table's entries with a paged search (RFC 2696): one page of entries in memory at a time,
/// one row per entry (or per value of the table's <c>Expand</c> attribute), fields as UTF-8 bytes. Every
/// read records where the next incremental one starts: the latest <c>modifyTimestamp</c>, or on Active
/// Directory with <c>ChangeTracking: UsnChanged</c>, the domain controller's invocationId and its
/// highestCommittedUSN when the read began (then an incremental read also returns the tombstones of
/// deleted entries as <c>delete</c> rows).
/// </summary>
internal sealed class LdapTableReader : IExportTableReader
{
    /// <summary>The operational attribute every directory keeps on each entry's last change (RFC 4512 section 3.4.3).</summary>
    internal const string ChangeAttribute = "modifyTimestamp";

    private const string TimestampPrefix = ChangeAttribute + ":";
    private const string UsnPrefix = "usn:";

    private readonly ILdapDirectory _directory;
    private readonly LdapConnectionSettings _settings;
    private readonly LdapTableSettings _table;
    private readonly string[] _attributes;
    private readonly Queue<LdapEntry> _page = new();
    private readonly LdapRows _rows;
    private readonly bool _tracksTimestamps;
    private readonly Queue<LdapSearch> _searches = new();
    private LdapSearch _search;
    private bool _deletedPhase;
    private Task<LdapPage>? _nextPage;
    private bool _lastPage;
    private LdapEntry? _entry;
    private List<byte[]>? _expanded;
    private int _expandedIndex;
    private long _entryNumber;
    private string? _latestChange;
    private string? _usnWatermark;

    private LdapTableReader(ILdapDirectory directory, LdapConnectionSettings settings, LdapTableSettings table, ExportRequest request, LdapSchema schema)
    {
        _directory = directory;
        _settings = settings;
        _table = table;
        var incremental = request.Mode == ExportMode.Incremental;
        string[] columnAttributes = [.. request.Columns.Select(c => incremental && string.Equals(c, "command", StringComparison.OrdinalIgnoreCase) ? LdapRows.Command : table.AttributeOf(c))];
        MissingColumns = [.. request.Columns.Where((_, i) => !IsComputed(columnAttributes[i]) && !schema.Defines(columnAttributes[i]))];
        _tracksTimestamps = settings.ChangeTracking == LdapChangeTracking.ModifyTimestamp && schema.Defines(ChangeAttribute);
        _attributes =
        [
            .. columnAttributes.Where(a => !IsComputed(a) && schema.Defines(a)).Distinct(StringComparer.OrdinalIgnoreCase),
            .. _tracksTimestamps ? [ChangeAttribute] : Array.Empty<string>(),
        ];
        if (_attributes.Length == 0)
        {
            // An empty list asks for every attribute; "1.1" asks for none (RFC 4511 section 4.5.1.8).
            _attributes = ["1.1"];
        }

        _rows = new LdapRows(settings, table, columnAttributes);
        _search = new LdapSearch(table.BaseDn, table.Filter, table.Scope, _attributes, settings.PageSize);
        Source = $"{directory.Server} base '{table.BaseDn}' filter {table.Filter}";
    }

    public string Source { get; private set; }

    /// <summary>Gets the columns whose attribute the server's schema does not define.</summary>
    public IReadOnlyList<string> MissingColumns { get; }

    /// <summary>
    /// Gets where the next incremental export starts: <c>modifyTimestamp:20261204083000Z</c> (the latest change
    /// read; an incremental read asks for changes at or after it, so one in the same second is read again,
    /// never missed), or <c>usn:INVOCATIONID:USN</c> on Active Directory. <see langword="null"/> when nothing
    /// tells (no entry read): the previous one stays.
    /// </summary>
    public string? Watermark => _usnWatermark ?? (_latestChange is null ? null : TimestampPrefix + _latestChange);

    /// <summary>Opens a table: reads what change tracking needs, and builds the searches.</summary>
    public static async Task<LdapTableReader> OpenAsync(
        ILdapDirectory directory, LdapConnectionSettings settings, LdapTableSettings table, ExportRequest request, LdapSchema schema, CancellationToken cancellationToken)
    {
        var reader = new LdapTableReader(directory, settings, table, request, schema);
        var incremental = request.Mode == ExportMode.Incremental;
        if (settings.ChangeTracking == LdapChangeTracking.UsnChanged)
        {
            await reader.StartUsnTrackingAsync(request, cancellationToken).ConfigureAwait(false);
        }
        else if (incremental)
        {
            reader._search = reader._search with { Filter = $"(&{table.Filter}({ChangeAttribute}>={SinceTimestamp(request.Watermark, table.Name)}))" };
        }

        reader.Source = $"{directory.Server} base '{table.BaseDn}' filter {reader._search.Filter}";
        return reader;
    }

    public async ValueTask<bool> ReadAsync(RowBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        cancellationToken.ThrowIfCancellationRequested();
        batch.Clear();
        while (!batch.IsFull)
        {
            if (_entry is null && !await NextEntryAsync(cancellationToken).ConfigureAwait(false))
            {
                break;
            }

            var entry = _entry!;
            if (_table.Expand is null || _deletedPhase)
            {
                _rows.AddRow(batch, entry, _entryNumber, expandedValue: null, deleted: _deletedPhase);
                _entry = null;
                continue;
            }

            _expanded ??= [.. entry.Values(_table.Expand)];
            if (_expandedIndex < _expanded.Count)
            {
                _rows.AddRow(batch, entry, _entryNumber, _expanded[_expandedIndex++]);
            }

            if (_expandedIndex >= _expanded.Count)
            {
                _entry = null;
                _expanded = null;
                _expandedIndex = 0;
            }
        }

        return batch.Count > 0;
    }

    public async ValueTask DisposeAsync()
    {
        // A page asked for ahead is waited for (its failure no longer matters), so the session is idle when closed.
        if (_nextPage is { } pending)
        {
            _nextPage = null;
            try
            {
                await pending.ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is ConnectionException or OperationCanceledException or DirectoryOperationException or LdapException)
            {
            }
        }
    }

    private static bool IsComputed(string attribute) => LdapTableSettings.IsDn(attribute) || attribute == LdapRows.Command;

    /// <summary>Reads a timestamp watermark this reader wrote; anything else asks for a complete run.</summary>
    private static string SinceTimestamp(string? watermark, string table)
    {
        var since = watermark is not null && watermark.StartsWith(TimestampPrefix, StringComparison.Ordinal) ? watermark[TimestampPrefix.Length..] : string.Empty;
        if (since.Length < 15 || !since.EndsWith('Z') || !since[..14].All(char.IsAsciiDigit) || since.Any(static c => !char.IsAsciiDigit(c) && c is not '.' and not 'Z'))
        {
            throw NoWatermark(watermark, table);
        }

        return since;
    }

    private static ConnectionException NoWatermark(string? watermark, string table) =>
        watermark is null
            ? new($"Table '{table}' has no watermark yet: run a complete synchronization first; incremental ones then read the entries changed since") { Kind = FailureKind.InvalidInput }
            : new($"Table '{table}': the recorded watermark '{watermark}' is not one this connection writes; run a complete synchronization") { Kind = FailureKind.InvalidInput };

    /// <summary>
    /// Active Directory's change tracking: the DC's highestCommittedUSN and the invocationId of its database,
    /// read before the search (MS-ADTS 3.1.1.3.2, rootDSE; the invocationId is on the nTDSDSA object that
    /// dsServiceName names). USNs are the DC's own: a watermark from another DC, or from before a restore,
    /// has another invocationId and asks for a complete run.
    /// </summary>
    private async Task StartUsnTrackingAsync(ExportRequest request, CancellationToken cancellationToken)
    {
        var root = await ReadOneAsync(new LdapSearch(string.Empty, "(objectClass=*)", SearchScope.Base, ["highestCommittedUSN", "dsServiceName", "defaultNamingContext"]), cancellationToken).ConfigureAwait(false);
        var highest = Text(root, "highestCommittedUSN");
        var service = Text(root, "dsServiceName");
        var namingContext = Text(root, "defaultNamingContext");
        if (!long.TryParse(highest, NumberStyles.None, CultureInfo.InvariantCulture, out var usn) || service is null || namingContext is null)
        {
            throw new ConnectionException(
                $"Table '{_table.Name}': {_directory.Server} does not publish highestCommittedUSN, dsServiceName and defaultNamingContext on its rootDSE (MS-ADTS 3.1.1.3.2), so it is not Active Directory; set ChangeTracking to ModifyTimestamp")
            { Kind = FailureKind.InvalidInput };
        }

        var dsa = await ReadOneAsync(new LdapSearch(service, "(objectClass=*)", SearchScope.Base, ["invocationId"]), cancellationToken).ConfigureAwait(false);
        if (dsa?.Values("invocationId") is not [{ Length: 16 } invocation])
        {
            throw new ConnectionException($"Table '{_table.Name}': {service} has no 16-byte invocationId; the directory's answer is malformed") { Kind = FailureKind.InputUnreadable };
        }

        var invocationId = new Guid(invocation).ToString("D", CultureInfo.InvariantCulture);
        _usnWatermark = string.Create(CultureInfo.InvariantCulture, $"{UsnPrefix}{invocationId}:{usn}");
        if (request.Mode != ExportMode.Incremental)
        {
            return;
        }

        var parts = request.Watermark?.Split(':');
        if (parts is not [var prefix, var recordedInvocation, var recordedUsn] || prefix + ":" != UsnPrefix
            || !long.TryParse(recordedUsn, NumberStyles.None, CultureInfo.InvariantCulture, out var since))
        {
            throw NoWatermark(request.Watermark, _table.Name);
        }

        if (!string.Equals(recordedInvocation, invocationId, StringComparison.OrdinalIgnoreCase))
        {
            throw new ConnectionException(
                $"Table '{_table.Name}': the watermark was taken on another domain controller or before a restore (invocationId {recordedInvocation}, now {invocationId}); USNs are each controller's own, so run a complete synchronization")
            { Kind = FailureKind.InvalidInput };
        }

        var next = (since + 1).ToString(CultureInfo.InvariantCulture);
        _search = _search with { Filter = $"(&{_table.Filter}(uSNChanged>={next}))" };
        if (_table.DeletedFilter is { } deleted && _table.Expand is null)
        {
            // Tombstones keep objectGUID and objectClass, not the attributes the table's filter may test
            // (MS-ADTS 3.1.1.5.5.1), so deletions are found with a filter of their own.
            _searches.Enqueue(new LdapSearch(namingContext, $"(&(isDeleted=TRUE)(uSNChanged>={next}){deleted})", SearchScope.Subtree, _attributes, _settings.PageSize, ShowDeleted: true));
        }
    }

    private async Task<LdapEntry?> ReadOneAsync(LdapSearch search, CancellationToken cancellationToken)
    {
        var page = await SearchAsync(search, null, cancellationToken).ConfigureAwait(false);
        return page.Entries.Count == 0 ? null : page.Entries[0];
    }

    private static string? Text(LdapEntry? entry, string attribute) =>
        entry?.Values(attribute) is [var value, ..] ? Encoding.UTF8.GetString(value) : null;

    private async Task<bool> NextEntryAsync(CancellationToken cancellationToken)
    {
        while (_page.Count == 0)
        {
            if (_lastPage)
            {
                if (!_searches.TryDequeue(out var following))
                {
                    return false;
                }

                _search = following;
                _deletedPhase = following.ShowDeleted;
                _lastPage = false;
            }

            // The next page was asked for as soon as this one arrived: the server searches it (and a pool
            // thread decodes it) while the rows of this one are handed over.
            var page = await (_nextPage ?? SearchAsync(_search, null, cancellationToken)).ConfigureAwait(false);
            _nextPage = null;
            _lastPage = page.Cookie is not { Length: > 0 };
            if (!_lastPage)
            {
                _nextPage = SearchAsync(_search, page.Cookie, cancellationToken);
            }

            foreach (var entry in page.Entries)
            {
                _page.Enqueue(entry);
            }
        }

        _entry = _page.Dequeue();
        _entryNumber++;
        if (_tracksTimestamps && _entry.Values(ChangeAttribute) is [var stamp, ..])
        {
            var text = Encoding.ASCII.GetString(stamp);
            if (_latestChange is null || string.CompareOrdinal(text, _latestChange) > 0)
            {
                _latestChange = text;
            }
        }

        if (_entry.Attributes.Keys.Any(static n => n.Contains(";range=", StringComparison.OrdinalIgnoreCase)))
        {
            await RangedValues.CompleteAsync(_entry, FetchAsync, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    private async Task<LdapPage> SearchAsync(LdapSearch search, byte[]? cookie, CancellationToken cancellationToken)
    {
        try
        {
            return await _directory.SearchAsync(search, cookie, cancellationToken).ConfigureAwait(false);
        }
        catch (DirectoryOperationException exception) when (exception.Response?.ResultCode == ResultCode.NoSuchObject)
        {
            throw new ConnectionException($"Table '{_table.Name}': the search base '{search.BaseDn}' does not exist on {_directory.Server}", exception) { Kind = FailureKind.InputUnreadable };
        }
        catch (Exception exception) when (exception is DirectoryOperationException or LdapException)
        {
            throw new ConnectionException($"Table '{_table.Name}': the search of '{search.BaseDn}' failed on {_directory.Server}: {LdapSession.Describe(exception, _settings)}", exception)
            {
                Kind = LdapSession.IsTransient(exception) ? FailureKind.SystemUnavailable : FailureKind.InputUnreadable,
            };
        }
    }

    private async Task<LdapEntry?> FetchAsync(string distinguishedName, string attribute, CancellationToken cancellationToken) =>
        await ReadOneAsync(new LdapSearch(distinguishedName, "(objectClass=*)", SearchScope.Base, [attribute], ShowDeleted: _deletedPhase), cancellationToken).ConfigureAwait(false);
}
