using System.Globalization;
using System.Text;
using Bogus;

namespace IdentitySync.Cli;

/// <summary>A small, realistic company generated from a fixed seed: HR people and organizations, an Active Directory, an application.</summary>
internal sealed class DemoCompany
{
    public const int Seed = 2026;

    private static readonly string[] s_groups = ["Staff", "Domain Admins"];

    private static readonly (string Code, string Name)[] s_organizations =
    [
        ("EXEC", "Executive Office"), ("FIN", "Finance"), ("IT", "Information Technology"), ("HR", "Human Resources"), ("SAL", "Sales"),
    ];

    public DemoCompany()
    {
        var faker = new Faker("en") { Random = new Randomizer(Seed) };
        var logins = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 40; i++)
        {
            var organization = i == 0 ? "EXEC" : s_organizations[1 + ((i - 1) % 4)].Code;
            var first = faker.Name.FirstName();
            var last = faker.Name.LastName();
            var login = Login(first, last, logins);
            var head = i is >= 1 and <= 4;
            People.Add(new Person(
                (1001 + i).ToString(CultureInfo.InvariantCulture),
                first,
                last,
                login,
                organization,
                i == 0 ? null : head ? "1001" : (1002 + ((i - 1) % 4)).ToString(CultureInfo.InvariantCulture),
                faker.Date.Between(new DateTime(2012, 1, 1), new DateTime(2025, 12, 31)).Date,
                faker.Random.Bool(0.15f)));
        }

        BuildDirectory();
    }

    public List<Person> People { get; } = [];

    /// <summary>People 1037 to 1040 joined after the last directory export: they have no account yet.</summary>
    public IEnumerable<Person> WithAccounts => People.Take(36);

    public void Write(string directory, IEnumerable<Person>? people = null, int? directoryUsers = null)
    {
        Directory.CreateDirectory(Path.Combine(directory, "hr"));
        Directory.CreateDirectory(Path.Combine(directory, "ad"));
        Directory.CreateDirectory(Path.Combine(directory, "app"));
        File.WriteAllText(Path.Combine(directory, "identitysync.json"), DemoConfiguration.Json);
        WriteHr(directory, people ?? People);
        WriteDirectory(directory, directoryUsers);
        WriteApplication(directory);
    }

    public static void WriteHr(string directory, IEnumerable<Person> people)
    {
        var text = new StringBuilder("employee_id;first_name;last_name;hire_date;fte;contractor;org_code;manager_id\n");
        foreach (var p in people)
        {
            text.Append(CultureInfo.InvariantCulture, $"{p.EmployeeId};{p.FirstName};{p.LastName};{p.HireDate:dd/MM/yyyy};{(p.IsContractor ? "0.8" : "1")};{(p.IsContractor ? "Y" : "N")};{p.Organization};{p.ManagerId}\n");
        }

        File.WriteAllText(Path.Combine(directory, "hr", "people.csv"), text.ToString());
        File.WriteAllText(
            Path.Combine(directory, "hr", "organizations.csv"),
            "code;name\n" + string.Concat(s_organizations.Select(static o => $"{o.Code};{o.Name}\n")));
    }

    /// <summary>Gets the directory's accounts, in export order; the demo's admin script changes them.</summary>
    public List<DirectoryAccount> Accounts { get; } = [];

    /// <summary>Gets the directory's memberships, as group and member distinguished names.</summary>
    public SortedSet<(string Group, string Member)> Members { get; } = [];

    public static IEnumerable<string> Groups => s_groups.Concat(s_organizations.Select(static o => "GG_" + o.Code));

    public static string Dn(string login) => $"CN={login},OU=Users,DC=demo,DC=test";

    public static string GroupDn(string group) => $"CN={group},OU=Groups,DC=demo,DC=test";

    public void WriteDirectory(string directory, int? limit = null)
    {
        var users = new StringBuilder("objectGUID,dn,sAMAccountName,employeeID,displayName,whenCreated,lastLogonTimestamp,proxyAddresses,manager\n");
        var accounts = Accounts.Take(limit ?? int.MaxValue).ToList();
        foreach (var a in accounts)
        {
            var guid = Convert.ToBase64String(a.Guid.ToByteArray());
            var lastLogon = a.Index % 9 == 0 ? "0" : (133_700_000_000_000_000L + (a.Index * 86_400_0000_000L)).ToString(CultureInfo.InvariantCulture);
            var proxies = a.Employee.Length == 0 ? string.Empty : $"SMTP:{a.Sam}@demo.test";
            users.Append(CultureInfo.InvariantCulture, $"{guid},\"{a.Dn}\",{a.Sam},{a.Employee},\"{a.Display}\",2019{(a.Index % 12) + 1:00}15093000.0Z,{lastLogon},{proxies},\"{a.ManagerDn}\"\n");
        }

        File.WriteAllText(Path.Combine(directory, "ad", "users.csv"), users.ToString());
        File.WriteAllText(Path.Combine(directory, "ad", "groups.csv"), "dn,cn\n" + string.Concat(Groups.Select(static g => $"\"{GroupDn(g)}\",{g}\n")));
        var members = new StringBuilder("group_dn,member_dn\n");
        var present = accounts.Select(static a => a.Dn).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var (group, member) in Members.Where(m => present.Contains(m.Member)))
        {
            members.Append(CultureInfo.InvariantCulture, $"\"{group}\",\"{member}\"\n");
        }

        File.WriteAllText(Path.Combine(directory, "ad", "members.csv"), members.ToString());
    }

    private void BuildDirectory()
    {
        // Account 7's display name was edited by hand, account 11 sits in the wrong department group, account 13 lost
        // its employee ID; jdoe and temp.contractor are orphans; two admin and one service account.
        var accounts = WithAccounts.Select(static (p, i) => new Account(p.Login, i == 13 ? string.Empty : p.EmployeeId, i == 7 ? $"{p.LastName}, {p.FirstName} (edited)" : $"{p.LastName}, {p.FirstName}", p.ManagerId, i))
            .Concat([
                new Account("jdoe", string.Empty, "Doe, John", null, 100),
                new Account("temp.contractor", string.Empty, "Temporary contractor", null, 101),
                new Account("adm-" + People[2].Login, string.Empty, "Admin " + People[2].FirstName, null, 102),
                new Account("adm-" + People[3].Login, string.Empty, "Admin " + People[3].FirstName, null, 103),
                new Account("svc-backup", string.Empty, "Backup service", null, 104),
            ]);
        foreach (var a in accounts)
        {
            var manager = a.Manager is null ? string.Empty : Dn(People.First(p => p.EmployeeId == a.Manager).Login);
            Accounts.Add(new DirectoryAccount(AccountGuid(a.Index), Dn(a.Sam), a.Sam, a.Employee, a.Display, manager, a.Index));
        }

        foreach (var (p, i) in WithAccounts.Select(static (p, i) => (p, i)))
        {
            Members.Add((GroupDn("Staff"), Dn(p.Login)));
            Members.Add((GroupDn(i == 11 ? (p.Organization == "FIN" ? "GG_SAL" : "GG_FIN") : "GG_" + p.Organization), Dn(p.Login)));
        }

        foreach (var admin in Accounts.Where(static a => a.Sam.StartsWith("adm-", StringComparison.Ordinal)))
        {
            Members.Add((GroupDn("Domain Admins"), admin.Dn));
        }
    }

    public static Guid AccountGuid(int index) => new(index + 1, 0x2026, 0x0042, [0, 0, 0, 0, 0, 0, 0, 1]);

    public void WriteApplication(string directory)
    {
        var text = new StringBuilder("Login,Role,Enabled\n");
        foreach (var p in People.Where(static p => p.Organization is "FIN" or "SAL").Take(10))
        {
            text.Append(CultureInfo.InvariantCulture, $"{p.Login},{(p.Organization == "FIN" ? "approver" : "user")},yes\n");
        }

        text.Append("old.sales.account,user,no\n");
        File.WriteAllText(Path.Combine(directory, "app", "accounts.csv"), text.ToString());
    }

    private static string Login(string first, string last, HashSet<string> taken)
    {
        var basis = new string([.. (first[..1] + last).Normalize(NormalizationForm.FormD).Where(char.IsAsciiLetter)]).ToLowerInvariant();
        var login = basis;
        for (var n = 2; !taken.Add(login); n++)
        {
            login = basis + n.ToString(CultureInfo.InvariantCulture);
        }

        return login;
    }
}

/// <summary>An account of the demo company's directory export, as first generated.</summary>
internal sealed record Account(string Sam, string Employee, string Display, string? Manager, int Index);

/// <summary>An account of the demo company's directory, as the export writes it.</summary>
internal sealed record DirectoryAccount(Guid Guid, string Dn, string Sam, string Employee, string Display, string ManagerDn, int Index);

/// <summary>A person of the demo company's HR file.</summary>
internal sealed record Person(string EmployeeId, string FirstName, string LastName, string Login, string Organization, string? ManagerId, DateTime HireDate, bool IsContractor);
