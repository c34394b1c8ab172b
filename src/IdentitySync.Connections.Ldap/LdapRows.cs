using System.Text;

namespace IdentitySync.Connections.Ldap;

/// <summary>
/// Turns entries into rows: the DN for the column <c>dn</c>, the expanded value, binary attributes as
/// Base64, others as the server's UTF-8 bytes, several values sorted and joined with the separator.
/// </summary>
internal sealed class LdapRows(LdapConnectionSettings settings, LdapTableSettings table, IReadOnlyList<string> columnAttributes)
{
    private readonly byte[] _separator = Encoding.UTF8.GetBytes(settings.ValueSeparator);
    private readonly LdapTableSettings _table = table;
    private readonly IReadOnlyList<string> _columnAttributes = columnAttributes;
    private readonly LdapConnectionSettings _settings = settings;

    /// <summary>The column an incremental export fills with <c>merge</c>: a changed entry's current values.</summary>
    public const string Command = "\0command";

    private static readonly byte[] s_merge = "merge"u8.ToArray();
    private static readonly byte[] s_delete = "delete"u8.ToArray();

    public void AddRow(RowBatch batch, LdapEntry entry, long line, byte[]? expandedValue, bool deleted = false)
    {
        batch.BeginRow(line);
        foreach (var attribute in _columnAttributes)
        {
            if (attribute == Command)
            {
                batch.AddField(deleted ? s_delete : s_merge);
            }
            else if (LdapTableSettings.IsDn(attribute))
            {
                batch.AddField(entry.DistinguishedName);
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

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
