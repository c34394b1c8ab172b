using System.Globalization;
using System.Text.RegularExpressions;
using IdentitySync.Configuration;
using IdentitySync.Model;

namespace IdentitySync.Connections.Ldap;

/// <summary>How a connection protects its traffic.</summary>
public enum LdapSecurity
{
    /// <summary>TLS from the first byte (<c>ldaps://</c>, port 636).</summary>
    Ldaps,

    /// <summary>A plain connection upgraded with the StartTLS extended operation before the bind.</summary>
    StartTls,

    /// <summary>No encryption: only for a directory on the same host or a test; a bind password then crosses the network in clear.</summary>
    None,
}

/// <summary>How an incremental export finds what changed.</summary>
public enum LdapChangeTracking
{
    /// <summary>Entries whose <c>modifyTimestamp</c> is at or after the watermark; deletions wait for a complete run.</summary>
    ModifyTimestamp,

    /// <summary>Active Directory's <c>uSNChanged</c> on one domain controller, with tombstones for deletions.</summary>
    UsnChanged,
}

/// <summary>How a table's entries are removed when a <c>Deleted</c> order reaches them.</summary>
public enum LdapDeleteAction
{
    /// <summary>The entry is deleted.</summary>
    Delete,

    /// <summary>The entry is moved under the table's <c>MoveTo</c> container.</summary>
    Move,

    /// <summary>The entry is disabled as the table's <c>DisableWith</c> says (by default Active Directory's ACCOUNTDISABLE flag).</summary>
    Disable,
}

/// <summary>The typed settings of one LDAP connection, read from the connection's flat settings.</summary>
public sealed record LdapConnectionSettings
{
    internal static readonly ConnectionSetting[] Descriptors =
    [
        new("Servers", "The directory's servers, tried in order until one answers: ldap://host:389 or ldaps://host:636, separated by spaces or commas.", isRequired: true),
        new("Security", "Ldaps (the default for ldaps:// servers), StartTls (the default for ldap:// servers) or None (no encryption: a test or a directory on the same host)."),
        new("TrustedCertificatesDirectory", "A directory of trusted CA certificates in OpenSSL's hashed layout (c_rehash), for a private CA; the system's CAs are used otherwise. Certificates are always checked."),
        new("BindDn", "The account the connection binds as, such as CN=svc-identitysync,OU=Service,DC=example,DC=org; anonymous without it."),
        new("Password", "The bind password. Prefer PasswordVariable, so that the configuration file holds no secret.", isSecret: true),
        new("PasswordVariable", "The name of the environment variable holding the bind password."),
        new("PageSize", "Entries per page of a paged search (RFC 2696). Default 1000."),
        new("Timeout", "Seconds one request may take before the server counts as not answering. Default 120."),
        new("Referrals", "Ignore (the default: entries behind a referral are not read) or Follow."),
        new("BinaryAttributes", "Attributes exported as Base64 besides objectGUID, objectSid, and those with the ;binary option, separated by commas."),
        new("ValueSeparator", "Between the values of a multi-valued attribute in one field, sorted. Default |."),
        new("ChangeTracking", "How incremental exports find changes: ModifyTimestamp (the default) or UsnChanged (Active Directory, one domain controller; deletions through tombstones)."),
        new("<table>.BaseDn", "Where the table's entries are searched.", isRequired: true),
        new("<table>.Scope", "Subtree (the default), OneLevel or Base."),
        new("<table>.Filter", "The search filter (RFC 4515). Default (objectClass=*)."),
        new("<table>.Expand", "A multi-valued attribute that gives one row per value (a group's member, for memberships)."),
        new("<table>.Column.<column>", "The attribute a column reads, when the column is not named after it. The column dn is the entry's distinguished name."),
        new("<table>.DeletedFilter", "With ChangeTracking UsnChanged, the filter that picks this table's tombstones, such as (objectClass=user); without it deletions wait for a complete run."),
        new("<table>.ObjectClasses", "The object classes of an entry an Added order creates, separated by commas, such as top,person,organizationalPerson,user."),
        new("<table>.OnDelete", "Delete (the default), Move or Disable: what a Deleted order does to an entry."),
        new("<table>.DisableWith", "With OnDelete Disable: attribute:bit sets a flag bit (the default, userAccountControl:2, Active Directory's ACCOUNTDISABLE), attribute=value replaces a value."),
        new("<table>.MoveTo", "The container a Deleted order moves entries to, with OnDelete Move."),
        new("<table>.InitialPassword", "Generate: an Added order sets a random initial password (never stored or shown; reset it to hand it over), over TLS only."),
        new("<table>.PasswordAttribute", "Where the initial password goes: unicodePwd (Active Directory) or userPassword (the default)."),
    ];

    private static readonly HashSet<string> s_tableSettings = new(["BaseDn", "Scope", "Filter", "Expand", "ObjectClasses", "OnDelete", "MoveTo", "InitialPassword", "PasswordAttribute", "DeletedFilter", "DisableWith"], StringComparer.OrdinalIgnoreCase);

    private static readonly HashSet<string> s_builtInBinary = new(["objectGUID", "objectSid", "msExchMailboxGuid", "jpegPhoto", "thumbnailPhoto", "userCertificate", "sIDHistory", "tokenGroups"], StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the servers, tried in order.</summary>
    public required IReadOnlyList<Uri> Servers { get; init; }

    /// <summary>Gets how traffic is protected.</summary>
    public required LdapSecurity Security { get; init; }

    /// <summary>Gets the directory of trusted CA certificates (hashed layout), or <see langword="null"/> for the system's.</summary>
    public string? TrustedCertificatesDirectory { get; init; }

    /// <summary>Gets the bind DN; <see langword="null"/> for an anonymous bind.</summary>
    public string? BindDn { get; init; }

    /// <summary>Gets the bind password; never written anywhere.</summary>
    public string? Password { get; init; }

    /// <summary>Gets the number of entries per page.</summary>
    public int PageSize { get; init; } = 1000;

    /// <summary>Gets how long one request may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Gets a value indicating whether referrals are chased.</summary>
    public bool FollowReferrals { get; init; }

    /// <summary>Gets the separator between the values of a multi-valued attribute in one field.</summary>
    public string ValueSeparator { get; init; } = "|";

    /// <summary>Gets how incremental exports find changes.</summary>
    public LdapChangeTracking ChangeTracking { get; init; }

    /// <summary>Gets the attributes exported as Base64 besides the built-in ones.</summary>
    public IReadOnlySet<string> BinaryAttributes { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the tables by name (case-insensitive).</summary>
    public required IReadOnlyDictionary<string, LdapTableSettings> Tables { get; init; }

    /// <summary>Reads and checks the settings of a connection.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="errors">Problems as <c>Setting: message</c>.</param>
    /// <param name="environment">Reads an environment variable (the process's by default).</param>
    /// <returns>The settings, or <see langword="null"/> when there are errors.</returns>
    public static LdapConnectionSettings? TryRead(Connection connection, out IReadOnlyList<string> errors, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        environment ??= Environment.GetEnvironmentVariable;
        var problems = new List<string>();
        var settings = connection.Settings;
        var tables = new Dictionary<string, Dictionary<string, string>>(StringComparer.OrdinalIgnoreCase);
        var known = Descriptors.Where(static d => !d.Name.StartsWith('<')).Select(static d => d.Name).ToList();
        foreach (var (name, value) in settings)
        {
            var dot = name.IndexOf('.', StringComparison.Ordinal);
            if (dot > 0)
            {
                var table = name[..dot];
                var rest = name[(dot + 1)..];
                if (s_tableSettings.Contains(rest) || (rest.StartsWith("Column.", StringComparison.OrdinalIgnoreCase) && rest.Length > "Column.".Length))
                {
                    if (!tables.TryGetValue(table, out var entries))
                    {
                        tables[table] = entries = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                    }

                    entries[rest] = value;
                    continue;
                }

                problems.Add($"{name}: unknown table setting; " + StrictConfiguration.Suggest(
                    rest,
                    s_tableSettings,
                    $"a table reads {string.Join(", ", s_tableSettings.Order(StringComparer.Ordinal))} and Column.<column>"));
                continue;
            }

            if (!known.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add($"{name}: unknown setting; " + StrictConfiguration.Suggest(
                    name, known, $"the LDAP package reads {string.Join(", ", known)} and <table>.<setting> (see docs/connections/ldap.md)"));
            }
        }

        var servers = ReadServers(settings.GetValueOrDefault("Servers"), problems);
        var security = ReadSecurity(settings.GetValueOrDefault("Security"), servers, problems);
        var trusted = settings.GetValueOrDefault("TrustedCertificatesDirectory") is { Length: > 0 } directory ? directory : null;
        if (trusted is not null && security == LdapSecurity.None)
        {
            problems.Add("TrustedCertificatesDirectory: set, but Security is None; certificates are only checked over TLS");
        }

        var bindDn = settings.GetValueOrDefault("BindDn") is { Length: > 0 } dn ? dn : null;
        if (bindDn is not null && !DistinguishedName.TryParse(bindDn, out _, out var dnError))
        {
            problems.Add($"BindDn: {dnError}");
        }

        var password = ReadPassword(settings, bindDn, environment, problems);
        var pageSize = ReadCount(settings, "PageSize", 1000, 1, 100_000, problems);
        var timeout = ReadCount(settings, "Timeout", 120, 1, 86_400, problems);
        var referrals = settings.GetValueOrDefault("Referrals");
        if (referrals is not null && !referrals.Equals("Ignore", StringComparison.OrdinalIgnoreCase) && !referrals.Equals("Follow", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"Referrals: '{referrals}' is not allowed; give Ignore or Follow");
        }

        var binary = new HashSet<string>(s_builtInBinary, StringComparer.OrdinalIgnoreCase);
        foreach (var attribute in Split(settings.GetValueOrDefault("BinaryAttributes")))
        {
            binary.Add(attribute);
        }

        var separator = settings.GetValueOrDefault("ValueSeparator") ?? "|";
        if (separator.Length == 0)
        {
            problems.Add("ValueSeparator: empty; give the text between values, such as | or ;");
        }

        var changeTracking = LdapChangeTracking.ModifyTimestamp;
        if (settings.GetValueOrDefault("ChangeTracking") is { } trackingText
            && (!Enum.TryParse(trackingText, ignoreCase: true, out changeTracking) || !Enum.IsDefined(changeTracking) || int.TryParse(trackingText, out _)))
        {
            problems.Add($"ChangeTracking: '{trackingText}' is not allowed; give ModifyTimestamp or UsnChanged");
        }

        if (tables.Count == 0)
        {
            problems.Add("<table>.BaseDn: no table is configured; give each table's search base, such as \"users.BaseDn\": \"OU=Users,DC=example,DC=org\"");
        }

        var typedTables = new Dictionary<string, LdapTableSettings>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, entries) in tables)
        {
            if (LdapTableSettings.TryRead(name, entries, problems) is { } table)
            {
                typedTables[name] = table;
            }
        }

        errors = problems;
        return problems.Count > 0 ? null : new LdapConnectionSettings
        {
            Servers = servers,
            Security = security,
            TrustedCertificatesDirectory = trusted,
            BindDn = bindDn,
            Password = password,
            PageSize = pageSize,
            Timeout = TimeSpan.FromSeconds(timeout),
            FollowReferrals = string.Equals(referrals, "Follow", StringComparison.OrdinalIgnoreCase),
            ValueSeparator = separator,
            BinaryAttributes = binary,
            ChangeTracking = changeTracking,
            Tables = typedTables,
        };
    }

    /// <summary>Describes the settings for logs and messages, with the password masked.</summary>
    /// <returns>The servers, security, bind DN and tables; <c>Password = ***</c> when one is set.</returns>
    public override string ToString() =>
        $"LdapConnectionSettings {{ Servers = {string.Join(" ", Servers)}, Security = {Security}, BindDn = {BindDn ?? "(anonymous)"}, Password = {(Password is null ? "(none)" : "***")}, Tables = {string.Join(", ", Tables.Keys)} }}";

    /// <summary>Tells whether an attribute's values are exported as Base64.</summary>
    /// <param name="attribute">The attribute's name, perhaps with options such as <c>;binary</c>.</param>
    /// <returns><see langword="true"/> for a binary attribute.</returns>
    public bool IsBinary(string attribute)
    {
        ArgumentNullException.ThrowIfNull(attribute);
        var options = attribute.Split(';');
        return BinaryAttributes.Contains(options[0]) || options.Skip(1).Contains("binary", StringComparer.OrdinalIgnoreCase);
    }

    internal static IEnumerable<string> Split(string? list) =>
        (list ?? string.Empty).Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static List<Uri> ReadServers(string? text, List<string> problems)
    {
        var servers = new List<Uri>();
        if (string.IsNullOrWhiteSpace(text))
        {
            problems.Add("Servers: required; give the directory's servers, such as ldaps://dc1.example.org ldaps://dc2.example.org");
            return servers;
        }

        foreach (var item in Split(text))
        {
            if (Uri.TryCreate(item, UriKind.Absolute, out var uri) && uri.Scheme is "ldap" or "ldaps" && uri.Host.Length > 0
                && uri.AbsolutePath is "" or "/" && uri.Query.Length == 0)
            {
                servers.Add(uri.Port > 0 ? uri : new UriBuilder(uri) { Port = uri.Scheme == "ldaps" ? 636 : 389 }.Uri);
            }
            else
            {
                problems.Add($"Servers: '{item}' is not a server; give ldap://host:port or ldaps://host:port");
            }
        }

        if (servers.Select(static s => s.Scheme).Distinct().Count() > 1)
        {
            problems.Add("Servers: mixes ldap:// and ldaps://; give all servers with the same scheme");
        }

        return servers;
    }

    private static LdapSecurity ReadSecurity(string? text, List<Uri> servers, List<string> problems)
    {
        var ldaps = servers.Count > 0 && servers[0].Scheme == "ldaps";
        if (text is null)
        {
            return ldaps ? LdapSecurity.Ldaps : LdapSecurity.StartTls;
        }

        if (!Enum.TryParse<LdapSecurity>(text, ignoreCase: true, out var security) || !Enum.IsDefined(security) || int.TryParse(text, out _))
        {
            problems.Add($"Security: '{text}' is not allowed; give Ldaps, StartTls or None");
            return LdapSecurity.None;
        }

        if (ldaps != (security == LdapSecurity.Ldaps))
        {
            problems.Add(ldaps
                ? $"Security: {security} does not fit ldaps:// servers; leave it out or give Ldaps"
                : "Security: Ldaps needs ldaps:// servers; give StartTls (or None) for ldap:// servers");
        }

        return security;
    }

    private static string? ReadPassword(IReadOnlyDictionary<string, string> settings, string? bindDn, Func<string, string?> environment, List<string> problems)
    {
        var inline = settings.GetValueOrDefault("Password");
        var variable = settings.GetValueOrDefault("PasswordVariable");
        if (!string.IsNullOrEmpty(inline) && !string.IsNullOrEmpty(variable))
        {
            problems.Add("Password: give Password or PasswordVariable, not both");
            return null;
        }

        if (!string.IsNullOrEmpty(variable))
        {
            var value = environment(variable);
            if (string.IsNullOrEmpty(value))
            {
                problems.Add($"PasswordVariable: the environment variable '{variable}' is not set; set it to the bind password");
            }

            return value;
        }

        if (bindDn is not null && string.IsNullOrEmpty(inline))
        {
            problems.Add("BindDn: given without a password; give PasswordVariable (the environment variable holding it) or Password");
        }

        if (bindDn is null && !string.IsNullOrEmpty(inline))
        {
            problems.Add("Password: given without BindDn; give the account to bind as");
        }

        return string.IsNullOrEmpty(inline) ? null : inline;
    }

    private static int ReadCount(IReadOnlyDictionary<string, string> settings, string name, int fallback, int minimum, int maximum, List<string> problems)
    {
        if (settings.GetValueOrDefault(name) is not { } text)
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= minimum && value <= maximum)
        {
            return value;
        }

        problems.Add(string.Create(CultureInfo.InvariantCulture, $"{name}: '{text}' is not allowed; give a whole number from {minimum} to {maximum}"));
        return fallback;
    }
}

/// <summary>Where one table's entries are searched, and how they are written back.</summary>
public sealed partial record LdapTableSettings
{
    /// <summary>Gets the table's name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the search base.</summary>
    public required string BaseDn { get; init; }

    /// <summary>Gets the search scope.</summary>
    public System.DirectoryServices.Protocols.SearchScope Scope { get; init; } = System.DirectoryServices.Protocols.SearchScope.Subtree;

    /// <summary>Gets the search filter.</summary>
    public string Filter { get; init; } = "(objectClass=*)";

    /// <summary>Gets the multi-valued attribute that gives one row per value; <see langword="null"/> for one row per entry.</summary>
    public string? Expand { get; init; }

    /// <summary>Gets the attribute of each column not named after its attribute, by column (case-insensitive).</summary>
    public IReadOnlyDictionary<string, string> Columns { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the object classes of a created entry.</summary>
    public IReadOnlyList<string> ObjectClasses { get; init; } = [];

    /// <summary>Gets what a <c>Deleted</c> order does.</summary>
    public LdapDeleteAction OnDelete { get; init; }

    /// <summary>Gets the container a <c>Deleted</c> order moves entries to, with <see cref="LdapDeleteAction.Move"/>.</summary>
    public string? MoveTo { get; init; }

    /// <summary>Gets the attribute a <c>Deleted</c> order changes with <see cref="LdapDeleteAction.Disable"/>.</summary>
    public string DisableAttribute { get; init; } = "userAccountControl";

    /// <summary>Gets the flag bit set in <see cref="DisableAttribute"/>, or 0 when <see cref="DisableValue"/> replaces its value.</summary>
    public long DisableFlag { get; init; } = 2;

    /// <summary>Gets the value that replaces <see cref="DisableAttribute"/>'s, when no flag is set.</summary>
    public string? DisableValue { get; init; }

    /// <summary>Gets the filter of this table's tombstones, with <see cref="LdapChangeTracking.UsnChanged"/>; <see langword="null"/> to leave deletions to complete runs.</summary>
    public string? DeletedFilter { get; init; }

    /// <summary>Gets a value indicating whether an <c>Added</c> order sets a generated initial password.</summary>
    public bool GeneratePassword { get; init; }

    /// <summary>Gets the attribute the initial password is written to: <c>unicodePwd</c> or <c>userPassword</c>.</summary>
    public string PasswordAttribute { get; init; } = "userPassword";

    /// <summary>Gets the attribute a column reads: its mapping, else the column's own name; <c>dn</c> for the entry's name.</summary>
    /// <param name="column">The column.</param>
    /// <returns>The attribute.</returns>
    public string AttributeOf(string column) => Columns.TryGetValue(column, out var attribute) ? attribute : column;

    /// <summary>Tells whether an attribute name is the entry's distinguished name rather than an attribute.</summary>
    /// <param name="attribute">The attribute.</param>
    /// <returns><see langword="true"/> for <c>dn</c>.</returns>
    public static bool IsDn(string attribute) => string.Equals(attribute, "dn", StringComparison.OrdinalIgnoreCase);

    internal static LdapTableSettings? TryRead(string name, Dictionary<string, string> entries, List<string> problems)
    {
        var count = problems.Count;
        var baseDn = entries.GetValueOrDefault("BaseDn");
        if (string.IsNullOrWhiteSpace(baseDn))
        {
            problems.Add($"{name}.BaseDn: required; give where the table's entries are searched, such as OU=Users,DC=example,DC=org");
        }
        else if (!DistinguishedName.TryParse(baseDn, out _, out var error))
        {
            problems.Add($"{name}.BaseDn: {error}");
        }

        var scope = System.DirectoryServices.Protocols.SearchScope.Subtree;
        if (entries.GetValueOrDefault("Scope") is { } scopeText)
        {
            scope = scopeText.ToUpperInvariant() switch
            {
                "SUBTREE" => System.DirectoryServices.Protocols.SearchScope.Subtree,
                "ONELEVEL" => System.DirectoryServices.Protocols.SearchScope.OneLevel,
                "BASE" => System.DirectoryServices.Protocols.SearchScope.Base,
                _ => Problem(problems, $"{name}.Scope: '{scopeText}' is not allowed; give Subtree, OneLevel or Base", System.DirectoryServices.Protocols.SearchScope.Subtree),
            };
        }

        var filter = entries.GetValueOrDefault("Filter") ?? "(objectClass=*)";
        if (!IsBalancedFilter(filter))
        {
            problems.Add($"{name}.Filter: '{filter}' is not a search filter; write it in parentheses as RFC 4515 does, such as (&(objectClass=user)(!(isCriticalSystemObject=TRUE)))");
        }

        var expand = entries.GetValueOrDefault("Expand") is { Length: > 0 } e ? e : null;
        if (expand is not null && !AttributeName().IsMatch(expand))
        {
            problems.Add($"{name}.Expand: '{expand}' is not an attribute name");
        }

        var columns = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in entries.Where(static e => e.Key.StartsWith("Column.", StringComparison.OrdinalIgnoreCase)))
        {
            if (!AttributeName().IsMatch(value) && !IsDn(value))
            {
                problems.Add($"{name}.{key}: '{value}' is not an attribute name");
            }

            columns[key["Column.".Length..]] = value;
        }

        var onDelete = LdapDeleteAction.Delete;
        if (entries.GetValueOrDefault("OnDelete") is { } onDeleteText
            && (!Enum.TryParse(onDeleteText, ignoreCase: true, out onDelete) || !Enum.IsDefined(onDelete) || int.TryParse(onDeleteText, out _)))
        {
            problems.Add($"{name}.OnDelete: '{onDeleteText}' is not allowed; give Delete, Move or Disable");
        }

        var (disableAttribute, disableFlag, disableValue) = ("userAccountControl", 2L, (string?)null);
        if (entries.GetValueOrDefault("DisableWith") is { } disableText)
        {
            var equals = disableText.IndexOf('=', StringComparison.Ordinal);
            var colon = disableText.IndexOf(':', StringComparison.Ordinal);
            if (equals > 0 && AttributeName().IsMatch(disableText[..equals]) && equals < disableText.Length - 1)
            {
                (disableAttribute, disableFlag, disableValue) = (disableText[..equals], 0, disableText[(equals + 1)..]);
            }
            else if (colon > 0 && AttributeName().IsMatch(disableText[..colon])
                && long.TryParse(disableText[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bit) && bit > 0 && (bit & (bit - 1)) == 0)
            {
                (disableAttribute, disableFlag) = (disableText[..colon], bit);
            }
            else
            {
                problems.Add($"{name}.DisableWith: '{disableText}' is not allowed; give attribute:bit (a power of two, such as userAccountControl:2) or attribute=value (such as employeeType=Disabled)");
            }
        }

        var moveTo = entries.GetValueOrDefault("MoveTo") is { Length: > 0 } m ? m : null;
        if (onDelete == LdapDeleteAction.Move && moveTo is null)
        {
            problems.Add($"{name}.MoveTo: required with OnDelete Move; give the container, such as OU=Disabled,DC=example,DC=org");
        }
        else if (moveTo is not null && !DistinguishedName.TryParse(moveTo, out _, out var moveError))
        {
            problems.Add($"{name}.MoveTo: {moveError}");
        }

        var objectClasses = LdapConnectionSettings.Split(entries.GetValueOrDefault("ObjectClasses")).ToList();
        var deletedFilter = entries.GetValueOrDefault("DeletedFilter") is { Length: > 0 } d ? d : null;
        if (deletedFilter is not null && !IsBalancedFilter(deletedFilter))
        {
            problems.Add($"{name}.DeletedFilter: '{deletedFilter}' is not a search filter; write it in parentheses, such as (objectClass=user)");
        }

        var initialPassword = entries.GetValueOrDefault("InitialPassword");
        if (initialPassword is not null && !initialPassword.Equals("Generate", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"{name}.InitialPassword: '{initialPassword}' is not allowed; give Generate (a password from the rules is not supported: it would be stored with the order)");
        }

        var passwordAttribute = entries.GetValueOrDefault("PasswordAttribute") ?? "userPassword";
        if (!passwordAttribute.Equals("userPassword", StringComparison.OrdinalIgnoreCase) && !passwordAttribute.Equals("unicodePwd", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"{name}.PasswordAttribute: '{passwordAttribute}' is not allowed; give unicodePwd (Active Directory) or userPassword");
        }

        return problems.Count > count ? null : new LdapTableSettings
        {
            Name = name,
            BaseDn = baseDn!,
            Scope = scope,
            Filter = filter,
            Expand = expand,
            Columns = columns,
            ObjectClasses = objectClasses,
            OnDelete = onDelete,
            MoveTo = moveTo,
            DisableAttribute = disableAttribute,
            DisableFlag = disableFlag,
            DisableValue = disableValue,
            DeletedFilter = deletedFilter,
            GeneratePassword = initialPassword is not null,
            PasswordAttribute = passwordAttribute,
        };
    }

    private static T Problem<T>(List<string> problems, string problem, T fallback)
    {
        problems.Add(problem);
        return fallback;
    }

    private static bool IsBalancedFilter(string filter)
    {
        if (filter.Length < 3 || filter[0] != '(' || filter[^1] != ')')
        {
            return false;
        }

        var depth = 0;
        for (var i = 0; i < filter.Length; i++)
        {
            depth += filter[i] switch { '(' => 1, ')' => -1, _ => 0 };
            if (depth < 0 || (depth == 0 && i < filter.Length - 1))
            {
                return false;
            }
        }

        return depth == 0;
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9-]*(;[A-Za-z0-9-]+)*$|^[0-9]+(\\.[0-9]+)+$")]
    private static partial Regex AttributeName();
}
