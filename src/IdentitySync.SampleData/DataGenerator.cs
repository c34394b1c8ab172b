using System.Globalization;
using System.Text;
using Bogus;

namespace IdentitySync.SampleData;

/// <summary>
/// Deterministic exports of an Active Directory and an HR system at any size: accounts with 20
/// AD-like columns (about 300 bytes a row), memberships in Zipf-sized groups (the largest groups
/// hold a tenth of all memberships), HR people, and a changed version at a given rate. The benchmarks,
/// the scale tests and anyone who wants a realistic company at any size use it; its model is
/// <see cref="GeneratedDataModel"/>.
/// </summary>
public sealed class DataGenerator
{
    /// <summary>The header of <c>users.csv</c>: the 20 Active Directory columns.</summary>
    public const string UsersHeader = "objectGUID,dn,sAMAccountName,userPrincipalName,employeeID,givenName,sn,displayName,mail,title,department,company,office,telephoneNumber,mobile,manager,whenCreated,lastLogonTimestamp,userAccountControl,proxyAddresses";

    private static readonly string[] s_titles = ["Analyst", "Engineer", "Manager", "Director", "Consultant", "Technician", "Accountant", "Designer", "Administrator", "Specialist"];
    private static readonly string[] s_departments = ["Finance", "Information Technology", "Human Resources", "Sales", "Marketing", "Operations", "Legal", "Research", "Support", "Procurement"];
    private static readonly string[] s_offices = ["Paris", "Lyon", "Berlin", "Madrid", "London", "Dublin", "Milan", "Lisbon"];

    private readonly string[] _firstNames;
    private readonly string[] _lastNames;
    private readonly double[] _groupWeights;

    /// <summary>Initializes a new instance of the <see cref="DataGenerator"/> class.</summary>
    /// <param name="accounts">The number of accounts (and HR people).</param>
    /// <param name="membershipsPerAccount">The average number of groups an account belongs to.</param>
    /// <param name="seed">The seed; the same seed gives the same files.</param>
    public DataGenerator(int accounts, int membershipsPerAccount = 10, int seed = 42)
    {
        Accounts = accounts;
        MembershipsPerAccount = membershipsPerAccount;
        Seed = seed;
        Groups = Math.Max(10, accounts / 50);
        var faker = new Faker("en") { Random = new Randomizer(seed) };
        _firstNames = [.. Enumerable.Range(0, 2000).Select(_ => faker.Name.FirstName())];
        _lastNames = [.. Enumerable.Range(0, 2000).Select(_ => faker.Name.LastName())];

        // Zipf (s = 1) over group ranks, as a cumulative distribution for sampling.
        _groupWeights = new double[Groups];
        var total = 0.0;
        for (var rank = 0; rank < Groups; rank++)
        {
            total += 1.0 / (rank + 1);
            _groupWeights[rank] = total;
        }

        for (var rank = 0; rank < Groups; rank++)
        {
            _groupWeights[rank] /= total;
        }
    }

    /// <summary>Gets the number of accounts (and HR people) of the original export.</summary>
    public int Accounts { get; }

    /// <summary>Gets the average number of groups an account belongs to.</summary>
    public int MembershipsPerAccount { get; }

    /// <summary>Gets the seed: the same seed gives the same files, byte for byte.</summary>
    public int Seed { get; }

    /// <summary>Gets the number of groups: one for 50 accounts, at least 10.</summary>
    public int Groups { get; }

    /// <summary>Gets the distinguished name of an account by its number.</summary>
    /// <param name="account">The account's number, from 0.</param>
    /// <returns>The DN, as <c>users.csv</c> and <c>members.csv</c> write it.</returns>
    public static string UserDn(int account) => string.Create(CultureInfo.InvariantCulture, $"CN=u{account:0000000},OU=Users,DC=corp,DC=test");

    /// <summary>Gets the distinguished name of a group by its number.</summary>
    /// <param name="group">The group's number, from 0 (the largest group).</param>
    /// <returns>The DN, as <c>groups.csv</c> and <c>members.csv</c> write it.</returns>
    public static string GroupDn(int group) => string.Create(CultureInfo.InvariantCulture, $"CN=G{group:00000},OU=Groups,DC=corp,DC=test");

    /// <summary>Writes users.csv, groups.csv, members.csv and people.csv; with a change rate, the changed version.</summary>
    /// <param name="directory">The directory.</param>
    /// <param name="changeRate">0 for the original export; 0.01 changes 1 %: updates, inserts, deletes, membership adds and removes.</param>
    /// <returns>How many rows each file has.</returns>
    public GeneratedCounts Write(string directory, double changeRate = 0)
    {
        Directory.CreateDirectory(directory);
        var accounts = Enumerable.Range(0, Accounts).Where(i => !Changed(i, changeRate, 1)).ToList();
        var added = changeRate > 0 ? Enumerable.Range(Accounts, (int)(Accounts * changeRate / 4)).ToList() : [];
        accounts.AddRange(added);

        using (var users = Writer(directory, "users.csv"))
        {
            users.Write(UsersHeader);
            users.Write('\n');
            var line = new StringBuilder(400);
            foreach (var i in accounts)
            {
                WriteUser(line, i, updated: Changed(i, changeRate, 2));
                users.Write(line);
            }
        }

        using (var groups = Writer(directory, "groups.csv"))
        {
            groups.Write("dn,cn,description\n");
            for (var g = 0; g < Groups; g++)
            {
                groups.Write(string.Create(CultureInfo.InvariantCulture, $"\"{GroupDn(g)}\",G{g:00000},Group {g} of the benchmark directory\n"));
            }
        }

        long memberships = 0;
        using (var members = Writer(directory, "members.csv"))
        {
            members.Write("group_dn,member_dn\n");
            var chosen = new HashSet<int>();
            foreach (var i in accounts)
            {
                var random = new Random(Mix(Seed, i, 0));
                chosen.Clear();
                var count = MembershipsPerAccount <= 0 ? 0 : random.Next(1, (MembershipsPerAccount * 2) - 1);
                for (var attempt = 0; chosen.Count < count && attempt < count * 4; attempt++)
                {
                    chosen.Add(SampleGroup(random));
                }

                // A changed export moves some memberships to another group (and, in people.csv, about the same share of people to another department).
                var moved = Changed(i, changeRate * 2, 3);
                foreach (var g in chosen)
                {
                    members.Write('"');
                    members.Write(GroupDn(moved && g == chosen.First() ? (g + 1) % Groups : g));
                    members.Write("\",\"");
                    members.Write(UserDn(i));
                    members.Write("\"\n");
                    memberships++;
                }
            }
        }

        using (var people = Writer(directory, "people.csv"))
        {
            people.Write("employee_id;first_name;last_name;hire_date;department;manager_id\n");
            foreach (var i in accounts)
            {
                people.Write(string.Create(CultureInfo.InvariantCulture,
                    $"E{i:0000000};{_firstNames[i % _firstNames.Length]};{_lastNames[(i / 7) % _lastNames.Length]};{1 + (i % 28):00}/{1 + (i % 12):00}/{2000 + (i % 25)};{s_departments[(i + (Changed(i, changeRate, 4) ? 1 : 0)) % s_departments.Length]};{(i < 10 ? string.Empty : "E" + (i / 10).ToString("0000000", CultureInfo.InvariantCulture))}\n"));
            }
        }

        return new GeneratedCounts(accounts.Count, Groups, memberships);
    }

    private static StreamWriter Writer(string directory, string name) =>
        new(Path.Combine(directory, name), append: false, new UTF8Encoding(false), bufferSize: 1 << 20);

    /// <summary>A deterministic coin per account and purpose: true for about <paramref name="rate"/> of the accounts.</summary>
    private bool Changed(int account, double rate, int purpose)
    {
        if (rate <= 0)
        {
            return false;
        }

        var hash = (uint)Mix(Seed, account, purpose);
        return hash % 1_000_000 < rate / 4 * 1_000_000 * (purpose == 2 ? 2 : 1);
    }

    /// <summary>A fixed mix of three numbers (HashCode.Combine is randomized per process, which would change the data).</summary>
    private static int Mix(int seed, int value, int purpose)
    {
        var x = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ ((ulong)(uint)value << 16) ^ (ulong)(uint)purpose;
        x ^= x >> 33;
        x *= 0xFF51AFD7ED558CCDUL;
        x ^= x >> 33;
        x *= 0xC4CEB9FE1A85EC53UL;
        x ^= x >> 33;
        return (int)(x & 0x7FFFFFFF);
    }

    private int SampleGroup(Random random)
    {
        var index = Array.BinarySearch(_groupWeights, random.NextDouble());
        return Math.Min(index < 0 ? ~index : index, Groups - 1);
    }

    private void WriteUser(StringBuilder line, int i, bool updated)
    {
        var first = _firstNames[i % _firstNames.Length];
        var last = _lastNames[(i / 7) % _lastNames.Length];
        var sam = string.Create(CultureInfo.InvariantCulture, $"u{i:0000000}");
        var guid = Convert.ToBase64String(new Guid(i, 0x2026, 0x0042, [1, 2, 3, 4, 5, 6, 7, 8]).ToByteArray());
        var title = s_titles[(i + (updated ? 1 : 0)) % s_titles.Length];
        line.Clear();
        line.Append(CultureInfo.InvariantCulture,
            $"{guid},\"{UserDn(i)}\",{sam},{sam}@corp.test,E{i:0000000},{first},{last},\"{last}, {first}\",{first.ToLowerInvariant()}.{last.ToLowerInvariant()}@corp.test,");
        line.Append(CultureInfo.InvariantCulture,
            $"{title},{s_departments[i % s_departments.Length]},Contoso Europe,{s_offices[i % s_offices.Length]},+33 1 {i % 100:00} {i / 100 % 100:00} {i / 10000 % 100:00} 00,+33 6 {i % 97:00} 00 00 00,");
        line.Append(CultureInfo.InvariantCulture,
            $"\"{(i < 10 ? string.Empty : UserDn(i / 10))}\",{2010 + (i % 15)}{1 + (i % 12):00}{1 + (i % 28):00}083000.0Z,{133_500_000_000_000_000L + (i * 1_000_000_000L)},{(i % 50 == 0 ? 514 : 512)},SMTP:{sam}@corp.test;smtp:{first.ToLowerInvariant()}@corp.test\n");
    }
}

/// <summary>How many rows a generated export holds.</summary>
/// <param name="Accounts">The rows of <c>users.csv</c> (and of <c>people.csv</c>).</param>
/// <param name="Groups">The rows of <c>groups.csv</c>.</param>
/// <param name="Memberships">The rows of <c>members.csv</c>.</param>
public sealed record GeneratedCounts(int Accounts, int Groups, long Memberships);
