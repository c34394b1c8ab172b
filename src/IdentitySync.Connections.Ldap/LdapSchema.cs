using System.DirectoryServices.Protocols;
using System.Text.RegularExpressions;

namespace IdentitySync.Connections.Ldap;

/// <summary>The names of the attribute types and object classes a directory's schema defines (RFC 4512 section 4.2).</summary>
internal sealed partial class LdapSchema
{
    private LdapSchema(HashSet<string> attributes, HashSet<string> objectClasses)
    {
        Attributes = attributes;
        ObjectClasses = objectClasses;
    }

    public IReadOnlySet<string> Attributes { get; }

    public IReadOnlySet<string> ObjectClasses { get; }

    /// <summary>Tells whether an attribute description (a name with options such as <c>;binary</c>, or an OID) is defined.</summary>
    public bool Defines(string attribute)
    {
        var type = attribute.Split(';')[0];
        return Attributes.Contains(type) || type.All(static c => char.IsAsciiDigit(c) || c == '.');
    }

    /// <summary>Reads the schema the root DSE points to (subschemaSubentry).</summary>
    public static async Task<LdapSchema> ReadAsync(LdapSession session, CancellationToken cancellationToken)
    {
        var root = await session.SendAsync<SearchResponse>(new SearchRequest(string.Empty, "(objectClass=*)", SearchScope.Base, "subschemaSubentry"), cancellationToken).ConfigureAwait(false);
        var subentry = root.Entries.Count > 0 && root.Entries[0].Attributes.Contains("subschemaSubentry")
            ? (string)root.Entries[0].Attributes["subschemaSubentry"][0]
            : "cn=Subschema";
        var response = await session.SendAsync<SearchResponse>(new SearchRequest(subentry, "(objectClass=*)", SearchScope.Base, "attributeTypes", "objectClasses"), cancellationToken).ConfigureAwait(false);
        var attributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var objectClasses = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (response.Entries.Count > 0)
        {
            var entry = response.Entries[0];
            Collect(entry, "attributeTypes", attributes);
            Collect(entry, "objectClasses", objectClasses);
        }

        return new LdapSchema(attributes, objectClasses);
    }

    /// <summary>Adds the names of each definition, such as <c>( 2.5.4.3 NAME ( 'cn' 'commonName' ) … )</c>.</summary>
    internal static void Collect(IEnumerable<string> definitions, HashSet<string> names)
    {
        foreach (var definition in definitions)
        {
            var match = NamePart().Match(definition);
            if (!match.Success)
            {
                continue;
            }

            foreach (Capture name in match.Groups["name"].Captures)
            {
                names.Add(name.Value);
            }
        }
    }

    private static void Collect(SearchResultEntry entry, string attribute, HashSet<string> names)
    {
        if (entry.Attributes.Contains(attribute))
        {
            Collect(entry.Attributes[attribute].GetValues(typeof(string)).Cast<string>(), names);
        }
    }

    [GeneratedRegex(@"\sNAME\s+(?:'(?<name>[^']+)'|\(\s*(?:'(?<name>[^']+)'\s*)+\))")]
    private static partial Regex NamePart();
}
