using System.DirectoryServices.Protocols;
using System.Text.RegularExpressions;

namespace IdentitySync.Connections.Ldap;

/// <summary>
/// What a directory's schema defines (RFC 4512 section 4.1): attribute types with their names and aliases,
/// object classes with their superclasses and mandatory attributes.
/// </summary>
internal sealed partial class LdapSchema
{
    // Attributes Active Directory sets on every new object itself (MS-ADTS 3.1.1.5.2.2): a mandatory
    // attribute of the schema that no client supplies.
    private static readonly HashSet<string> s_serverSupplied = new(
        ["objectClass", "instanceType", "nTSecurityDescriptor", "objectCategory", "objectSid", "sAMAccountName", "objectGUID"],
        StringComparer.OrdinalIgnoreCase);

    private readonly Dictionary<string, string> _canonical;
    private readonly Dictionary<string, (string[] Superclasses, string[] Must)> _classes;

    private LdapSchema(Dictionary<string, string> canonical, Dictionary<string, (string[] Superclasses, string[] Must)> classes)
    {
        _canonical = canonical;
        _classes = classes;
    }

    /// <summary>Tells whether an attribute description (a name with options such as <c>;binary</c>, or an OID) is defined.</summary>
    public bool Defines(string attribute)
    {
        var type = attribute.Split(';')[0];
        return _canonical.ContainsKey(type) || type.All(static c => char.IsAsciiDigit(c) || c == '.');
    }

    /// <summary>Tells whether an object class is defined.</summary>
    public bool DefinesClass(string objectClass) => _classes.ContainsKey(objectClass);

    /// <summary>
    /// The mandatory attributes of the classes and their superclasses that the given attributes lack, by the
    /// class that requires them; attributes a server sets itself are not asked for.
    /// </summary>
    public IReadOnlyList<(string Attribute, string ObjectClass)> MissingMandatory(IEnumerable<string> objectClasses, IEnumerable<string> attributes)
    {
        var present = attributes.Select(Canonical).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var missing = new List<(string, string)>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Stack<string>(objectClasses);
        while (pending.Count > 0)
        {
            var objectClass = pending.Pop();
            if (!seen.Add(objectClass) || !_classes.TryGetValue(objectClass, out var definition))
            {
                continue;
            }

            foreach (var must in definition.Must)
            {
                if (!s_serverSupplied.Contains(must) && !present.Contains(Canonical(must)) && !missing.Any(m => string.Equals(m.Item1, must, StringComparison.OrdinalIgnoreCase)))
                {
                    missing.Add((must, objectClass));
                }
            }

            foreach (var superclass in definition.Superclasses)
            {
                pending.Push(superclass);
            }
        }

        return missing;
    }

    /// <summary>Reads the schema the root DSE points to (subschemaSubentry).</summary>
    public static async Task<LdapSchema> ReadAsync(LdapSession session, CancellationToken cancellationToken)
    {
        var root = await session.SendAsync<SearchResponse>(new SearchRequest(string.Empty, "(objectClass=*)", SearchScope.Base, "subschemaSubentry"), cancellationToken).ConfigureAwait(false);
        var subentry = root.Entries.Count > 0 && root.Entries[0].Attributes.Contains("subschemaSubentry")
            ? (string)root.Entries[0].Attributes["subschemaSubentry"][0]
            : "cn=Subschema";
        var response = await session.SendAsync<SearchResponse>(new SearchRequest(subentry, "(objectClass=*)", SearchScope.Base, "attributeTypes", "objectClasses"), cancellationToken).ConfigureAwait(false);
        var entry = response.Entries.Count > 0 ? response.Entries[0] : null;
        return Parse(Values(entry, "attributeTypes"), Values(entry, "objectClasses"));
    }

    /// <summary>Reads attribute type and object class definitions, such as <c>( 2.5.6.6 NAME 'person' SUP top STRUCTURAL MUST ( sn $ cn ) … )</c>.</summary>
    internal static LdapSchema Parse(IEnumerable<string> attributeTypes, IEnumerable<string> objectClasses)
    {
        var canonical = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var definition in attributeTypes)
        {
            var names = Names(definition);
            foreach (var name in names)
            {
                canonical.TryAdd(name, names[0]);
            }
        }

        var classes = new Dictionary<string, (string[], string[])>(StringComparer.OrdinalIgnoreCase);
        foreach (var definition in objectClasses)
        {
            var shape = (List(SuperclassPart().Match(definition)), List(MustPart().Match(definition)));
            foreach (var name in Names(definition))
            {
                classes.TryAdd(name, shape);
            }
        }

        return new LdapSchema(canonical, classes);
    }

    private string Canonical(string attribute) => _canonical.TryGetValue(attribute.Split(';')[0], out var name) ? name : attribute;

    private static string[] Names(string definition)
    {
        var match = NamePart().Match(definition);
        return match.Success ? [.. match.Groups["name"].Captures.Select(static c => c.Value)] : [];
    }

    private static string[] List(Match match) =>
        match.Success ? [.. match.Groups["item"].Captures.Select(static c => c.Value.Trim('\''))] : [];

    private static IEnumerable<string> Values(SearchResultEntry? entry, string attribute) =>
        entry is not null && entry.Attributes.Contains(attribute) ? entry.Attributes[attribute].GetValues(typeof(string)).Cast<string>() : [];

    [GeneratedRegex(@"\sNAME\s+(?:'(?<name>[^']+)'|\(\s*(?:'(?<name>[^']+)'\s*)+\))")]
    private static partial Regex NamePart();

    [GeneratedRegex(@"\sSUP\s+(?:(?<item>'?[\w.;-]+'?)|\(\s*(?<item>'?[\w.;-]+'?)(?:\s*\$\s*(?<item>'?[\w.;-]+'?))*\s*\))")]
    private static partial Regex SuperclassPart();

    [GeneratedRegex(@"\sMUST\s+(?:(?<item>'?[\w.;-]+'?)|\(\s*(?<item>'?[\w.;-]+'?)(?:\s*\$\s*(?<item>'?[\w.;-]+'?))*\s*\))")]
    private static partial Regex MustPart();
}
