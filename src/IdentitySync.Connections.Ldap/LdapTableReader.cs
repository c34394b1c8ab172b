using System.DirectoryServices.Protocols;
using System.Text;

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
    private readonly byte[] _separator;
    private Task<(List<LdapEntry> Entries, byte[]? Cookie)>? _nextPage;
    private bool _lastPage;
    private LdapEntry? _entry;
    private List<byte[]>? _expanded;
    private int _expandedIndex;
    private long _entryNumber;

    public LdapTableReader(LdapSession session, LdapConnectionSettings settings, LdapTableSettings table, ExportRequest request, LdapSchema schema)
    {
        _session = session;
        _settings = settings;
        _table = table;
        _columnAttributes = [.. request.Columns.Select(table.AttributeOf)];
        MissingColumns = [.. request.Columns.Where((_, i) => !LdapTableSettings.IsDn(_columnAttributes[i]) && !schema.Defines(_columnAttributes[i]))];
        _attributes = [.. _columnAttributes.Where(a => !LdapTableSettings.IsDn(a) && schema.Defines(a)).Distinct(StringComparer.OrdinalIgnoreCase)];
        if (_attributes.Length == 0)
        {
            // An empty list asks for every attribute; "1.1" asks for none (RFC 4511 section 4.5.1.8).
            _attributes = ["1.1"];
        }

        _separator = Encoding.UTF8.GetBytes(settings.ValueSeparator);
        Source = $"{session.Server} base '{table.BaseDn}' filter {table.Filter}";
    }

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
                AddRow(batch, entry, expandedValue: null);
                _entry = null;
                continue;
            }

            _expanded ??= [.. entry.Values(_table.Expand)];
            if (_expandedIndex < _expanded.Count)
            {
                AddRow(batch, entry, _expanded[_expandedIndex++]);
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

    private void AddRow(RowBatch batch, LdapEntry entry, byte[]? expandedValue)
    {
        batch.BeginRow(_entryNumber);
        foreach (var attribute in _columnAttributes)
        {
            if (LdapTableSettings.IsDn(attribute))
            {
                batch.AddField(Encoding.UTF8.GetBytes(entry.DistinguishedName));
            }
            else if (expandedValue is not null && string.Equals(attribute, _table.Expand, StringComparison.OrdinalIgnoreCase))
            {
                batch.AddField(Text(attribute, expandedValue));
            }
            else
            {
                var values = entry.Values(attribute);
                batch.AddField(values.Count switch
                {
                    0 => [],
                    1 => Text(attribute, values[0]),
                    _ => Joined(attribute, values),
                });
            }
        }

        batch.EndRow();
    }

    private byte[] Joined(string attribute, IReadOnlyList<byte[]> values)
    {
        // Sorted, so that the same values in another order read as the same field.
        var texts = values.Select(v => Text(attribute, v)).OrderBy(static v => v, ByteOrder.Instance).ToList();
        var joined = new byte[texts.Sum(static t => t.Length) + (_separator.Length * (texts.Count - 1))];
        var position = 0;
        for (var i = 0; i < texts.Count; i++)
        {
            if (i > 0)
            {
                _separator.CopyTo(joined, position);
                position += _separator.Length;
            }

            texts[i].CopyTo(joined, position);
            position += texts[i].Length;
        }

        return joined;
    }

    private byte[] Text(string attribute, byte[] value) =>
        _settings.IsBinary(attribute) ? Encoding.ASCII.GetBytes(Convert.ToBase64String(value)) : value;

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
        if (_entry.Attributes.Keys.Any(static n => n.Contains(";range=", StringComparison.OrdinalIgnoreCase)))
        {
            await RangedValues.CompleteAsync(_entry, FetchAsync, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    private async Task<(List<LdapEntry> Entries, byte[]? Cookie)> ReadPageAsync(byte[]? cookie, CancellationToken cancellationToken)
    {
        var request = new SearchRequest(_table.BaseDn, _table.Filter, _table.Scope, _attributes);
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

    private async Task<LdapEntry?> FetchAsync(string distinguishedName, string attribute, CancellationToken cancellationToken)
    {
        var request = new SearchRequest(distinguishedName, "(objectClass=*)", SearchScope.Base, attribute);
        var response = await _session.SendAsync<SearchResponse>(request, cancellationToken).ConfigureAwait(false);
        return response.Entries.Count == 0 ? null : LdapEntry.From(response.Entries[0]);
    }

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
