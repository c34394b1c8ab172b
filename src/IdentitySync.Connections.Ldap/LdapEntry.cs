using System.DirectoryServices.Protocols;
using System.Globalization;

namespace IdentitySync.Connections.Ldap;

/// <summary>One directory entry as the connection reads it: its DN and each attribute's raw values.</summary>
internal sealed class LdapEntry
{
    public LdapEntry(string distinguishedName, Dictionary<string, List<byte[]>> attributes)
    {
        DistinguishedName = distinguishedName;
        Attributes = attributes;
    }

    public string DistinguishedName { get; }

    /// <summary>Gets the values by attribute name as the server wrote it (options included), case-insensitive.</summary>
    public Dictionary<string, List<byte[]>> Attributes { get; }

    public static LdapEntry From(SearchResultEntry entry)
    {
        var attributes = new Dictionary<string, List<byte[]>>(StringComparer.OrdinalIgnoreCase);
        foreach (string name in entry.Attributes.AttributeNames)
        {
            var values = entry.Attributes[name].GetValues(typeof(byte[]));
            attributes[name] = [.. values.Cast<byte[]>()];
        }

        return new LdapEntry(entry.DistinguishedName, attributes);
    }

    public IReadOnlyList<byte[]> Values(string attribute) =>
        Attributes.TryGetValue(attribute, out var values) ? values : [];
}

/// <summary>
/// Ranged retrieval of a large multi-valued attribute, as Active Directory serves it (MS-ADTS 3.1.1.3.1.3.3):
/// beyond the server's MaxValRange it returns <c>member;range=0-1499</c> with the first values, and the
/// client asks for <c>member;range=1500-*</c> until a range ends with <c>*</c>.
/// </summary>
internal static class RangedValues
{
    /// <summary>Completes every ranged attribute of an entry in place, under its plain name.</summary>
    /// <param name="entry">The entry as the search returned it.</param>
    /// <param name="fetch">Reads one entry (by DN) with one attribute description, such as <c>member;range=1500-*</c>.</param>
    /// <param name="cancellationToken">Stops the reads.</param>
    /// <exception cref="ConnectionException">The server's ranges do not follow on (a malformed response).</exception>
    public static async Task CompleteAsync(LdapEntry entry, Func<string, string, CancellationToken, Task<LdapEntry?>> fetch, CancellationToken cancellationToken)
    {
        foreach (var name in entry.Attributes.Keys.Where(static n => n.Contains(";range=", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            if (!TryParse(name, out var attribute, out var low, out var high))
            {
                throw Malformed(entry, name, "the range is not low-high or low-*");
            }

            var values = entry.Attributes[name];
            entry.Attributes.Remove(name);
            if (low != 0)
            {
                throw Malformed(entry, name, "the first range does not start at 0");
            }

            while (high is { } last)
            {
                var next = last + 1;
                var asked = string.Create(CultureInfo.InvariantCulture, $"{attribute};range={next}-*");
                var more = await fetch(entry.DistinguishedName, asked, cancellationToken).ConfigureAwait(false)
                    ?? throw Malformed(entry, asked, "the entry is gone");
                var returned = more.Attributes.Keys.FirstOrDefault(n => TryParse(n, out var a, out _, out _) && string.Equals(a, attribute, StringComparison.OrdinalIgnoreCase))
                    ?? throw Malformed(entry, asked, "the answer has no range of the attribute");
                _ = TryParse(returned, out _, out var start, out high);
                if (start != next)
                {
                    throw Malformed(entry, returned, string.Create(CultureInfo.InvariantCulture, $"the range starts at {start}, not at {next}"));
                }

                var chunk = more.Attributes[returned];
                if (high is { } end && (end < start || chunk.Count != end - start + 1))
                {
                    throw Malformed(entry, returned, string.Create(CultureInfo.InvariantCulture, $"the range holds {chunk.Count} values"));
                }

                values.AddRange(chunk);
            }

            if (entry.Attributes.TryGetValue(attribute, out var plain))
            {
                plain.AddRange(values);
            }
            else
            {
                entry.Attributes[attribute] = values;
            }
        }
    }

    /// <summary>Reads <c>member;range=1500-2999</c> (high is <see langword="null"/> for <c>*</c>).</summary>
    public static bool TryParse(string name, out string attribute, out long low, out long? high)
    {
        attribute = name;
        low = 0;
        high = null;
        var options = name.Split(';');
        var range = Array.FindIndex(options, static o => o.StartsWith("range=", StringComparison.OrdinalIgnoreCase));
        if (range < 0)
        {
            return false;
        }

        var bounds = options[range]["range=".Length..].Split('-');
        if (bounds.Length != 2 || !long.TryParse(bounds[0], NumberStyles.None, CultureInfo.InvariantCulture, out low))
        {
            return false;
        }

        if (bounds[1] != "*")
        {
            if (!long.TryParse(bounds[1], NumberStyles.None, CultureInfo.InvariantCulture, out var h))
            {
                return false;
            }

            high = h;
        }

        attribute = string.Join(';', options.Where((_, i) => i != range));
        return true;
    }

    private static ConnectionException Malformed(LdapEntry entry, string attribute, string problem) =>
        new($"{entry.DistinguishedName}: ranged retrieval of {attribute} failed: {problem} (MS-ADTS 3.1.1.3.1.3.3); the directory's answer is malformed") { Kind = FailureKind.InputUnreadable };
}
