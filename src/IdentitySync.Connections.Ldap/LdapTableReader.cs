using System.DirectoryServices.Protocols;

namespace IdentitySync.Connections.Ldap;

/// <summary>
/// Streams one table's entries with a paged search (RFC 2696): one page of entries in memory at a time,
/// one row per entry (or per value of the table's <c>Expand</c> attribute), fields as UTF-8 bytes.
/// </summary>
internal sealed class LdapTableReader : IExportTableReader
{
    private readonly LdapSession _session;
    private readonly LdapConnectionSettings _settings;
    private readonly LdapTableSettings _table;
    private readonly string[] _attributes;
    private readonly string[] _columnAttributes;
    private readonly Queue<LdapEntry> _page = new();
    private readonly LdapRows _rows;
    private Task<(List<LdapEntry> Entries, byte[]? Cookie)>? _nextPage;
    private bool _lastPage;
    private LdapEntry? _entry;
    private List<byte[]>? _expanded;
    private int _expandedIndex;
    private long _entryNumber;
    private string? _latestChange;

    public LdapTableReader(LdapSession session, LdapConnectionSettings settings, LdapTableSettings table, ExportRequest request, LdapSchema schema)
    {
        _session = session;
        _settings = settings;
        _table = table;
        var incremental = request.Mode == ExportMode.Incremental;
        _columnAttributes = [.. request.Columns.Select(c => incremental && string.Equals(c, "command", StringComparison.OrdinalIgnoreCase) ? LdapRows.Command : table.AttributeOf(c))];
        MissingColumns = [.. request.Columns.Where((_, i) => !IsComputed(_columnAttributes[i]) && !schema.Defines(_columnAttributes[i]))];
        _tracksChanges = schema.Defines(ChangeAttribute);
        _attributes =
        [
            .. _columnAttributes.Where(a => !IsComputed(a) && schema.Defines(a)),
            .. _tracksChanges ? [ChangeAttribute] : Array.Empty<string>(),
        ];
        _attributes = [.. _attributes.Distinct(StringComparer.OrdinalIgnoreCase)];
        if (_attributes.Length == 0)
        {
            // An empty list asks for every attribute; "1.1" asks for none (RFC 4511 section 4.5.1.8).
            _attributes = ["1.1"];
        }

        _filter = table.Filter;
        if (incremental)
        {
            _filter = $"(&{table.Filter}({ChangeAttribute}>={SinceOf(request.Watermark, table.Name)}))";
        }

        _rows = new LdapRows(settings, table, _columnAttributes);
        Source = $"{session.Server} base '{table.BaseDn}' filter {_filter}";
    }

    /// <summary>The operational attribute every directory keeps on each entry's last change (RFC 4512 section 3.4.3).</summary>
    internal const string ChangeAttribute = "modifyTimestamp";

    private const string WatermarkPrefix = ChangeAttribute + ":";

    private readonly bool _tracksChanges;
    private readonly string _filter;

    /// <summary>
    /// Gets where the next incremental export starts: the latest <c>modifyTimestamp</c> read. An incremental
    /// export asks for entries changed at or after it (an entry changed in the same second is read again,
    /// never missed); <see langword="null"/> when nothing was read (the previous one stays).
    /// </summary>
    public string? Watermark => _latestChange is null ? null : WatermarkPrefix + _latestChange;

    public string Source { get; }

    /// <summary>Gets the columns whose attribute the server's schema does not define.</summary>
    public IReadOnlyList<string> MissingColumns { get; }

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
            if (_table.Expand is null)
            {
                _rows.AddRow(batch, entry, _entryNumber, expandedValue: null);
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
            catch (Exception exception) when (exception is ConnectionException or OperationCanceledException)
            {
            }
        }
    }

    private async Task<bool> NextEntryAsync(CancellationToken cancellationToken)
    {
        while (_page.Count == 0)
        {
            if (_lastPage)
            {
                return false;
            }

            // The next page was asked for as soon as this one arrived: the server searches it (and a pool
            // thread decodes it) while the rows of this one are handed over.
            var (entries, cookie) = await (_nextPage ?? ReadPageAsync(null, cancellationToken)).ConfigureAwait(false);
            _nextPage = null;
            _lastPage = cookie is not { Length: > 0 };
            if (!_lastPage)
            {
                _nextPage = ReadPageAsync(cookie, cancellationToken);
            }

            foreach (var entry in entries)
            {
                _page.Enqueue(entry);
            }
        }

        _entry = _page.Dequeue();
        _entryNumber++;
        if (_tracksChanges && _entry.Values(ChangeAttribute) is [var stamp, ..])
        {
            var text = System.Text.Encoding.ASCII.GetString(stamp);
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

    private async Task<(List<LdapEntry> Entries, byte[]? Cookie)> ReadPageAsync(byte[]? cookie, CancellationToken cancellationToken)
    {
        var request = new SearchRequest(_table.BaseDn, _filter, _table.Scope, _attributes);
        var paging = new PageResultRequestControl(_settings.PageSize) { IsCritical = true };
        if (cookie is not null)
        {
            paging.Cookie = cookie;
        }

        request.Controls.Add(paging);
        SearchResponse response;
        try
        {
            response = await _session.SendAsync<SearchResponse>(request, cancellationToken).ConfigureAwait(false);
        }
        catch (DirectoryOperationException exception) when (exception.Response?.ResultCode == ResultCode.NoSuchObject)
        {
            throw new ConnectionException($"Table '{_table.Name}': the search base '{_table.BaseDn}' does not exist on {_session.Server}", exception) { Kind = FailureKind.InputUnreadable };
        }
        catch (Exception exception) when (exception is DirectoryOperationException or LdapException)
        {
            throw new ConnectionException($"Table '{_table.Name}': the search of '{_table.BaseDn}' failed on {_session.Server}: {LdapSession.Describe(exception, _settings)}", exception) { Kind = FailureKind.InputUnreadable };
        }

        var entries = new List<LdapEntry>(response.Entries.Count);
        foreach (SearchResultEntry entry in response.Entries)
        {
            entries.Add(LdapEntry.From(entry));
        }

        return (entries, response.Controls.OfType<PageResultResponseControl>().FirstOrDefault()?.Cookie);
    }

    private static bool IsComputed(string attribute) => LdapTableSettings.IsDn(attribute) || attribute == LdapRows.Command;

    /// <summary>Reads a watermark this reader wrote; anything else asks for a complete run.</summary>
    private static string SinceOf(string? watermark, string table)
    {
        if (watermark is null)
        {
            throw new ConnectionException($"Table '{table}' has no watermark yet: run a complete synchronization first; incremental ones then read the entries changed since") { Kind = FailureKind.InvalidInput };
        }

        var since = watermark.StartsWith(WatermarkPrefix, StringComparison.Ordinal) ? watermark[WatermarkPrefix.Length..] : string.Empty;
        if (since.Length < 15 || !since.EndsWith('Z') || !since[..14].All(char.IsAsciiDigit) || since.Any(static c => !char.IsAsciiDigit(c) && c is not '.' and not 'Z'))
        {
            throw new ConnectionException($"Table '{table}': the recorded watermark '{watermark}' is not one this connection writes; run a complete synchronization") { Kind = FailureKind.InvalidInput };
        }

        return since;
    }

    private async Task<LdapEntry?> FetchAsync(string distinguishedName, string attribute, CancellationToken cancellationToken)
    {
        var request = new SearchRequest(distinguishedName, "(objectClass=*)", SearchScope.Base, attribute);
        var response = await _session.SendAsync<SearchResponse>(request, cancellationToken).ConfigureAwait(false);
        return response.Entries.Count == 0 ? null : LdapEntry.From(response.Entries[0]);
    }
}
