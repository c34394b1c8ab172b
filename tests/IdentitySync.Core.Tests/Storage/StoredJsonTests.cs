using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using IdentitySync.Categorizations;
using IdentitySync.ChangeSets;
using IdentitySync.JobRuns;
using IdentitySync.Orders;
using IdentitySync.Storage;

namespace IdentitySync.Tests.Storage;

/// <summary>
/// The source-generated serializers write exactly the bytes the reflection serializer wrote with the
/// options they replaced, so rows stored before read as before and stored JSON does not change.
/// </summary>
public sealed class StoredJsonTests
{
    private static readonly DateTimeOffset s_at = new(2026, 12, 5, 9, 30, 15, TimeSpan.FromHours(1));

    // The options the stores used before (SQLite and PostgreSQL alike), reading by reflection.
    private static readonly JsonSerializerOptions s_storedBefore = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    // The options of reports and orders before.
    private static readonly JsonSerializerOptions s_reportsBefore = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    // The blocked change set's options before: numbers for enums.
    private static readonly JsonSerializerOptions s_changeSetBefore = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    private static IEnumerable<TestCaseData> StoredValues()
    {
        yield return Case(Order());
        yield return Case(new AccountCategorization(7, "User", CategorizationStatus.Ambiguous, "AD_User", null, 80, [3, 4], "Email matched 'é@corp' <twice>", ulong.MaxValue, 12, s_at));
        yield return Case(new OwnerProvisioningState(
            "AD_User",
            3,
            ulong.MaxValue - 1,
            true,
            new Dictionary<string, object?> { ["Sam"] = "jdoe", ["Mail"] = null, ["Proxy"] = new[] { "a", "b" } },
            new Dictionary<string, IReadOnlyList<string>> { ["MemberOf"] = ["g-1", "g-2"] }));
        yield return Case(new PropertySource(9, "Department", PropertySourceKind.Manual, "ticket 12", "by Ann \"the admin\"", 44, s_at));
        yield return Case(new JobRun(
            "r1",
            "nightly",
            s_at,
            JobStatus.Failed,
            [new("synchronize AD", JobTaskStatus.Failed, "store down", TimeSpan.FromSeconds(3.5)) { Failure = FailureKind.StoreUnavailable }],
            ["08:00 started", "08:01 ended"]));
        yield return Case<IReadOnlyList<string>>(["b-1", "b-2"]);
        yield return Case<string[]>(["b-1"]);

        static TestCaseData Case<T>(T value) => new TestCaseData(value, typeof(T)).SetArgDisplayNames(typeof(T).Name);
    }

    [TestCaseSource(nameof(StoredValues))]
    public void StoredValue_IsWrittenAsBefore_AndReadBack(object value, Type type)
    {
        var before = JsonSerializer.Serialize(value, type, s_storedBefore);

        var text = Invoke(nameof(StoredJson.Serialize), type, value);
        var bytes = (byte[])Invoke(nameof(StoredJson.SerializeToUtf8Bytes), type, value);
        var readBack = JsonSerializer.Serialize(Invoke(nameof(StoredJson.Deserialize), type, before), type, s_storedBefore);

        Assert.Multiple(() =>
        {
            Assert.That(text, Is.EqualTo(before));
            Assert.That(System.Text.Encoding.UTF8.GetString(bytes), Is.EqualTo(before));
            Assert.That(readBack, Is.EqualTo(before));
        });
    }

    [Test]
    public void NotAStoredType_IsRefused_NamingTheStoredTypes()
    {
        var exception = Assert.Throws<NotSupportedException>(() => StoredJson.Serialize(new Uri("https://example.org")));

        Assert.That(exception!.Message, Does.StartWith("Uri is not a stored type; the stored types are AccountCategorization, ProvisioningOrder"));
    }

    [Test]
    public void StoredNull_IsAJsonException_NotANullValue()
    {
        var exception = Assert.Throws<JsonException>(() => StoredJson.Deserialize<JobRun>("null"));

        Assert.That(exception!.Message, Is.EqualTo("The stored JobRun is null."));
    }

    [Test]
    public void Orders_AreWrittenAsBefore()
    {
        ProvisioningOrder[] orders = [Order(), Order() with { Id = 2, Owner = null, Resource = null, State = OrderState.Error }];

        Assert.Multiple(() =>
        {
            Assert.That(OrderJson.Serialize(orders), Is.EqualTo(JsonSerializer.Serialize<IEnumerable<ProvisioningOrder>>(orders, s_reportsBefore)));
            Assert.That(JsonSerializer.Serialize(orders[0], OrderJson.Options), Is.EqualTo(JsonSerializer.Serialize(orders[0], s_reportsBefore)));
            Assert.That(OrderJson.Serialize(OrderJson.Deserialize(OrderJson.Serialize(orders))), Is.EqualTo(OrderJson.Serialize(orders)));
        });
    }

    [Test]
    public void BlockedChangeSet_IsWrittenAsBefore_WithItsModeAsANumber()
    {
        var changeSet = new ChangeSet(
            "AD",
            SyncMode.Incremental,
            "b-7",
            41,
            s_at,
            [new EntityTypeChanges(
                "User",
                [new ResourceChange("u-1", 5, ["u-1", "Ann", 3L, null], [], 2)],
                [new ResourceChange("u-2", 6, ["u-2", "Bob", 4L, s_at.UtcDateTime], [new PropertyChange("Name", "Bo", "Bob")], 3)],
                [],
                10)],
            [new AssociationChanges(new EntityAssociationKeys("Membership", "Group", "User"), [new LinkChange("g-1", "u-1")], [new LinkChange("g-1", "u-9")], 4)])
        {
            Watermarks = [new TableWatermark("Ldap", "users", "uSNChanged=41")],
        };

        var bytes = ChangeSetSerializer.Serialize(changeSet);
        var before = JsonSerializer.SerializeToUtf8Bytes(JsonSerializer.Deserialize<ChangeSetDto>(bytes, s_changeSetBefore), s_changeSetBefore);
        var again = ChangeSetSerializer.Deserialize(bytes);

        Assert.Multiple(() =>
        {
            Assert.That(System.Text.Encoding.UTF8.GetString(bytes), Is.EqualTo(System.Text.Encoding.UTF8.GetString(before)));
            Assert.That(System.Text.Encoding.UTF8.GetString(bytes), Does.Contain("\"mode\":2,"), "the mode stays a number");
            Assert.That(System.Text.Encoding.UTF8.GetString(ChangeSetSerializer.Serialize(again)), Is.EqualTo(System.Text.Encoding.UTF8.GetString(bytes)));
            Assert.That(ChangeSetSerializer.DeserializeWatermarks(ChangeSetSerializer.SerializeWatermarks(changeSet.Watermarks)), Is.EqualTo(changeSet.Watermarks));
            Assert.That(ChangeSetSerializer.SerializeWatermarks(changeSet.Watermarks), Is.EqualTo(JsonSerializer.Serialize(changeSet.Watermarks, s_changeSetBefore)));
        });
    }

    private static object Invoke(string method, Type type, object argument) =>
        typeof(StoredJson).GetMethods()
            .Single(m => m.Name == method && m.GetParameters()[0].ParameterType == (method == nameof(StoredJson.Deserialize) ? typeof(string) : m.GetGenericArguments()[0]))
            .MakeGenericMethod(type)
            .Invoke(null, [argument])!;

    private static ProvisioningOrder Order() => new()
    {
        Id = 12,
        ChangeType = OrderChangeType.Modified,
        Kind = OrderKind.NonConforming,
        Connector = "AD",
        ResourceType = "AD_User",
        Owner = new OrderOwner(3, "p-3", "Zoë <Ünal> & co"),
        Resource = new OrderResource(5, "u-1", new Dictionary<string, object?> { ["Sam"] = "zunal", ["Mail"] = null, ["Proxy"] = new[] { "x", "y" } }),
        Changes = new Dictionary<string, object?> { ["Department"] = "R&D", ["Phone"] = null, ["Proxy"] = new[] { "z" } },
        Navigation = new Dictionary<string, NavigationChange> { ["MemberOf"] = new(["g-1"], ["g-2"]) },
        Arguments = new Dictionary<string, string> { ["Sam"] = "zunal" },
        Reason = "Department is 'R&D' by rule \"dept\", was 'Sales'",
        State = OrderState.Transmitted,
        CreatedAt = s_at,
        StateChangedAt = s_at.AddMinutes(1),
        Attempts = 2,
        NextAttemptAt = s_at.AddHours(1),
        PostponedUntil = null,
        IsManual = true,
        Message = "sent",
        History = [new OrderHistoryEntry(OrderState.Pending, s_at, null), new OrderHistoryEntry(OrderState.Transmitted, s_at.AddMinutes(1), "sent")],
    };
}
