namespace IdentitySync.SampleData.Tests;

public sealed class DataGeneratorTests
{
    private string _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("identitysync-generator").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void Write_SameSeedTwice_GivesTheSameFilesByteForByte()
    {
        new DataGenerator(2_000).Write(Path.Combine(_directory, "a"));
        new DataGenerator(2_000).Write(Path.Combine(_directory, "b"));
        new DataGenerator(2_000, seed: 7).Write(Path.Combine(_directory, "c"));

        Assert.Multiple(() =>
        {
            foreach (var file in new[] { "users.csv", "groups.csv", "members.csv", "people.csv" })
            {
                Assert.That(File.ReadAllBytes(Path.Combine(_directory, "b", file)), Is.EqualTo(File.ReadAllBytes(Path.Combine(_directory, "a", file))), file);
            }

            Assert.That(File.ReadAllBytes(Path.Combine(_directory, "c", "users.csv")), Is.Not.EqualTo(File.ReadAllBytes(Path.Combine(_directory, "a", "users.csv"))), "another seed, other names");
        });
    }

    [Test]
    public void Write_Original_HasTwentyColumnsAndZipfSizedGroups()
    {
        var counts = new DataGenerator(5_000).Write(_directory);

        var users = File.ReadAllLines(Path.Combine(_directory, "users.csv"));
        var members = File.ReadLines(Path.Combine(_directory, "members.csv")).Skip(1).Select(static l => l.Split("\",\"")[0]).ToList();
        var largest = members.GroupBy(static g => g).Max(static g => g.Count());
        Assert.Multiple(() =>
        {
            Assert.That(counts, Is.EqualTo(new GeneratedCounts(5_000, 100, members.Count)));
            Assert.That(users, Has.Length.EqualTo(5_001));
            Assert.That(users[0].Split(','), Has.Length.EqualTo(20));
            Assert.That(members.Count / 5_000.0, Is.InRange(8.0, 12.0), "about ten memberships per account");
            Assert.That(largest, Is.GreaterThan(5 * members.Count / counts.Groups), "Zipf: the largest group is many times the average");
            Assert.That(File.ReadAllLines(Path.Combine(_directory, "people.csv")), Has.Length.EqualTo(5_001));
        });
    }

    [Test]
    public void Write_OnePercentChanged_ChangesAboutOnePercentOfTheRows()
    {
        var original = new DataGenerator(10_000).Write(Path.Combine(_directory, "original"));
        var changed = new DataGenerator(10_000).Write(Path.Combine(_directory, "changed"), changeRate: 0.01);

        var before = File.ReadAllLines(Path.Combine(_directory, "original", "users.csv")).ToHashSet();
        var after = File.ReadAllLines(Path.Combine(_directory, "changed", "users.csv")).ToHashSet();
        var differing = after.Count(line => !before.Contains(line)) + before.Count(line => !after.Contains(line));
        Assert.Multiple(() =>
        {
            Assert.That(changed.Accounts, Is.Not.EqualTo(original.Accounts), "accounts were added and deleted");
            Assert.That(differing / 10_000.0, Is.InRange(0.005, 0.03), "updated, inserted and deleted rows: about 1 %");
        });
    }
}
