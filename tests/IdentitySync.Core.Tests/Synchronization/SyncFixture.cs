using System.Globalization;
using IdentitySync.ChangeSets;
using IdentitySync.Configuration;
using IdentitySync.Model;
using IdentitySync.Storage;
using IdentitySync.Synchronization;
using IdentitySync.Testing;
using Microsoft.Extensions.Time.Testing;

namespace IdentitySync.Tests.Synchronization;

/// <summary>An AD-like connector on the in-memory package and store: users, groups, memberships by login.</summary>
internal sealed class SyncFixture
{
    public const string UsersHeader = "dn;sam;employeeId;created;proxies";
    public const string GroupsHeader = "dn;cn";
    public const string MembersHeader = "group_dn;member_sam";

    public SyncFixture(bool thresholdsOff = true, Action<IdentityModelBuilder>? configure = null, IResourceStore? store = null, bool nativeDelta = true, int writeChunkSize = 10_000, bool concurrentTables = false, bool fingerprints = false)
    {
        var builder = new IdentityModelBuilder()
            .AddEntityType("AD_User", e => e
                .AddProperty("Dn")
                .AddProperty("Sam")
                .AddProperty("EmployeeId")
                .AddProperty("Created", ScalarType.DateTime)
                .AddProperty("Proxies", isMultiValued: true)
                .AddNavigationProperty("MemberOf", "AD_Group", isMultiValued: true))
            .AddEntityType("AD_Group", e => e
                .AddProperty("Dn")
                .AddProperty("Cn")
                .AddNavigationProperty("Members", "AD_User", isMultiValued: true))
            .AddAssociation("AD_Membership", "AD_Group.Members", "AD_User.MemberOf")
            .AddConnector("AD", c =>
            {
                c.AddConnection("Export", "Memory")
                    .MapEntityType("AD_User", "Export", "users", m => m
                        .Map("Dn", "dn", PropertyKey.Primary)
                        .Map("Sam", "sam", PropertyKey.Unique)
                        .Map("EmployeeId", "employeeId")
                        .Map("Created", "created")
                        .Map("Proxies", "proxies"))
                    .MapEntityType("AD_Group", "Export", "groups", m => m
                        .Map("Dn", "dn", PropertyKey.Primary)
                        .Map("Cn", "cn"))
                    .MapAssociation("AD_Membership", "Export", "members", "group_dn", "member_sam", secondKey: "Sam");
                if (thresholdsOff)
                {
                    c.ConfigureThresholds(static t =>
                    {
                        t.Resources.MaxInserted = t.Resources.MaxUpdated = t.Resources.MaxDeleted = 0;
                        t.Resources.MaxInsertedPercent = t.Resources.MaxUpdatedPercent = t.Resources.MaxDeletedPercent = 0;
                        t.Links.MaxInserted = t.Links.MaxDeleted = 0;
                        t.Links.MaxInsertedPercent = t.Links.MaxDeletedPercent = 0;
                        t.MaxQuarantinedPercent = 0;
                    });
                }
            });
        configure?.Invoke(builder);
        Model = builder.Build();
        Package = new InMemoryConnectionPackage(nativeDelta: nativeDelta, concurrentTables: concurrentTables, fingerprints: fingerprints);
        Store = store ?? new InMemoryResourceStore();
        Engine = new SyncEngine(Model, Store, [Package], new SyncEngineOptions { BatchSize = 7, WriteChunkSize = writeChunkSize }, Clock);
    }

    public IdentityModel Model { get; }

    public InMemoryConnectionPackage Package { get; }

    public IResourceStore Store { get; }

    public FakeTimeProvider Clock { get; } = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public SyncEngine Engine { get; }

    public static string User(int i, string? sam = null, string? created = null) =>
        string.Create(CultureInfo.InvariantCulture, $"CN=u{i},OU=Users;{sam ?? "u" + i};E{i:000};{created ?? $"2024-01-{(i % 28) + 1:00}"};smtp:u{i}@corp.test|sip:u{i}@corp.test");

    public static IEnumerable<string> Users(int count) => Enumerable.Range(1, count).Select(i => User(i));

    public void SetUsers(IEnumerable<string> rows) => Package.SetTable("users", UsersHeader, rows);

    public void SetGroups(params string[] rows) => Package.SetTable("groups", GroupsHeader, rows);

    public void SetMembers(params string[] rows) => Package.SetTable("members", MembersHeader, rows);

    public void SetSnapshot(int users, params string[] members) => SetSnapshot(Users(users), members);

    /// <summary>Sets the users' rows, the two groups and the memberships.</summary>
    public void SetSnapshot(IEnumerable<string> users, params string[] members)
    {
        SetUsers(users);
        SetGroups("CN=Staff;Staff", "CN=Admins;Admins");
        SetMembers(members);
    }

    public Task<SyncReport> RunAsync(SyncMode mode = SyncMode.Complete, bool force = false, bool dryRun = false, CancellationToken cancellationToken = default) =>
        Engine.SynchronizeAsync("AD", new SyncRunOptions { Mode = mode, Force = force, DryRun = dryRun }, cancellationToken);

    public async Task<StoredResource?> FindAsync(string entityType, string key) =>
        await Store.FindResourceAsync(entityType, key, CancellationToken.None);

    public object? ValueOf(StoredResource resource, string property) =>
        resource.Values[Model.GetEntityType(resource.EntityType).Properties.Select((p, i) => (p, i)).First(x => x.p.Name == property).i];

    /// <summary>Everything the store holds, as sorted lines, to compare whole states.</summary>
    public async Task<IReadOnlyList<string>> DumpAsync()
    {
        var lines = new List<string>();
        var keys = new Dictionary<long, string>();
        foreach (var entityType in Model.EntityTypes)
        {
            await foreach (var resource in Store.GetResourcesAsync(entityType.Name, CancellationToken.None))
            {
                keys[resource.Id] = resource.Key;
                lines.Add($"{entityType.Name}|{resource.Key}|{resource.Digest:x16}|{string.Join("|", resource.Values.Select(Format))}");
            }
        }

        foreach (var association in Model.Associations)
        {
            await foreach (var link in Store.GetLinksAsync(association.Name, CancellationToken.None))
            {
                lines.Add($"{association.Name}|{keys[link.FirstId]}->{keys[link.SecondId]}");
            }
        }

        var state = await Store.GetConnectorStateAsync("AD", CancellationToken.None);
        lines.Add($"state|{state.Version}|{state.LastBatchId}|{state.IncrementalBatchIds.Count}|{state.Blocked is not null}");
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    public async Task<IReadOnlyList<string>> LinksAsync()
    {
        var all = await DumpAsync();
        return [.. all.Where(static l => l.StartsWith("AD_Membership|", StringComparison.Ordinal)).Select(static l => l["AD_Membership|".Length..])];
    }

    private static string Format(object? value) => value switch
    {
        null => "null",
        DateTime d => d.ToString("O", CultureInfo.InvariantCulture),
        object[] items => "[" + string.Join(",", items.Select(Format)) + "]",
        byte[] bytes => Convert.ToBase64String(bytes),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
