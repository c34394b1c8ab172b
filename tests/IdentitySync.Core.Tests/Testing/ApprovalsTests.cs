using IdentitySync.Testing;

namespace IdentitySync.Tests.Testing;

public sealed class ApprovalsTests
{
    private string _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("approvals").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void VerifyFile_SameTextWithOtherLineEndings_PassesAndRemovesReceived()
    {
        var approved = Path.Combine(_directory, "a.verified.json");
        var received = Path.Combine(_directory, "a.received.json");
        File.WriteAllText(approved, "{\r\n  \"a\": 1\r\n}\r\n");
        File.WriteAllText(received, "stale");

        Approvals.VerifyFile("{\n  \"a\": 1\n}", approved, received);

        Assert.That(File.Exists(received), Is.False);
    }

    [Test]
    public void VerifyFile_DifferentText_FailsWithDiffAndWritesReceived()
    {
        var approved = Path.Combine(_directory, "b.verified.json");
        var received = Path.Combine(_directory, "b.received.json");
        File.WriteAllText(approved, "{\n  \"a\": 1\n}\n");

        var failure = Assert.Throws<AssertionException>(() => Approvals.VerifyFile("{\n  \"a\": 2\n}", approved, received));

        Assert.Multiple(() =>
        {
            Assert.That(failure.Message, Does.Contain("line 2:\n  -   \"a\": 1\n  +   \"a\": 2"));
            Assert.That(File.ReadAllText(received), Is.EqualTo("{\n  \"a\": 2\n}\n"));
        });
    }

    [Test]
    public void VerifyFile_NoApprovedFile_FailsAndWritesReceived()
    {
        var approved = Path.Combine(_directory, "c.verified.json");
        var received = Path.Combine(_directory, "c.received.json");

        var failure = Assert.Throws<AssertionException>(() => Approvals.VerifyFile("{}", approved, received));

        Assert.Multiple(() =>
        {
            Assert.That(failure.Message, Does.StartWith("No approved file " + approved));
            Assert.That(File.ReadAllText(received), Is.EqualTo("{}\n"));
        });
    }
}
