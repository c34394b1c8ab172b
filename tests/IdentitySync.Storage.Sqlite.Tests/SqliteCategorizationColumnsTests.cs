using IdentitySync.Categorizations;
using Microsoft.Data.Sqlite;

namespace IdentitySync.Storage.Sqlite.Tests;

/// <summary>Categorizations in columns (schema 14): the migration from one JSON document per account.</summary>
public sealed class SqliteCategorizationColumnsTests
{
    private static readonly DateTimeOffset At = new DateTimeOffset(2026, 2, 3, 4, 5, 6, TimeSpan.Zero).AddTicks(1234567);

    private TemporaryDirectory _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = new TemporaryDirectory();

    [TearDown]
    public void DeleteDirectory() => _directory.Dispose();

    [Test]
    public async Task Open_FileWrittenBySchema13_MovesEveryCategorizationIntoColumnsAndReadsItAsBefore()
    {
        // Fixtures/schema13.db was written by the version before schema 14 (commit e05ce82): three categorizations
        // kept whole as JSON. AD_User 200: Correlated to owner 100 as AD_Nominative, confidence 90, account digest
        // 2^64-1, owners digest 42; AD_User 201: Suggested, candidates 100 and 101, its time written at +02:00;
        // App_Account 300: Uncategorized, no type, owner or reason.
        var path = _directory.File("schema13.db");
        File.Copy(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "schema13.db"), path);

        var store = new SqliteResourceStore(path);
        var users = (await store.GetCategorizationsAsync("ad_user", CancellationToken.None)).OrderBy(static c => c.ResourceId).ToList();
        var apps = await store.GetCategorizationsAsync("App_Account", CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(Scalar(path, "PRAGMA user_version"), Is.EqualTo(SqliteSchema.CurrentVersion));
            Assert.That(Scalar(path, "SELECT count(*) FROM sqlite_master WHERE name = 'categorizations_json'"), Is.Zero);
            Assert.That(users.Select(static c => (c.ResourceId, c.Status, c.ResourceType, c.OwnerId, c.Confidence, c.AccountDigest, c.OwnersDigest)), Is.EqualTo(new[]
            {
                (200L, CategorizationStatus.Correlated, (string?)"AD_Nominative", (long?)100, 90, ulong.MaxValue, 42UL),
                (201L, CategorizationStatus.Suggested, (string?)"AD_Nominative", (long?)null, 50, 7UL, 42UL),
            }));
            Assert.That(users[0].Reason, Is.EqualTo("rule 1: EmployeeId = EmployeeId"));
            Assert.That((users[0].Candidates, users[1].Candidates), Is.EqualTo((Array.Empty<long>(), new long[] { 100, 101 })));
            Assert.That((users[0].At.UtcTicks, users[1].At.UtcTicks), Is.EqualTo((At.UtcTicks, At.UtcTicks)), "to the tick, the offset's time in UTC");
            Assert.That(apps.Select(static c => (c.ResourceId, c.Status, c.ResourceType, c.OwnerId, c.Reason)), Is.EqualTo(new[] { (300L, CategorizationStatus.Uncategorized, (string?)null, (long?)null, (string?)null) }));
            Assert.That(Scalar(path, "SELECT count(*) FROM categorizations WHERE candidates = '100,101' AND status = 'Suggested' AND at = " + At.UtcTicks), Is.EqualTo(1), "the columns are filled");
        });
    }

    [Test]
    public void SelectByEntityType_IsServedByAnIndex()
    {
        var path = _directory.File("plan.db");
        _ = new SqliteResourceStore(path);
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + SqliteCategorizations.SelectType;
        var plan = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                plan.Add(reader.GetString(3));
            }
        }

        Assert.That(plan, Has.Some.Contains("USING INDEX categorizations_by_type"), string.Join(" | ", plan));
    }

    private static long Scalar(string path, string sql) => SqliteOrderColumnsTests.Scalar(path, sql);
}
