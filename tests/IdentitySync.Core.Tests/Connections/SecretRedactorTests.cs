using IdentitySync.Connections;

namespace IdentitySync.Core.Tests.Connections;

public sealed class SecretRedactorTests
{
    [Test]
    public void Redact_MasksEverySecret_LongestFirst_AndTheirConnectionStringPasswords()
    {
        var redactor = new SecretRedactor(["s3cret", "s3cret-and-more", "Host=db;Username=svc;Password=pa55;", null, ""]);

        Assert.Multiple(() =>
        {
            Assert.That(redactor.Count, Is.EqualTo(4), "the three values and the connection string's password");
            Assert.That(redactor.Redact("token s3cret-and-more, then s3cret"), Is.EqualTo("token ***, then ***"));
            Assert.That(redactor.Redact("login with pa55 refused"), Is.EqualTo("login with *** refused"));
            Assert.That(redactor.Redact("nothing here"), Is.EqualTo("nothing here"));
            Assert.That(redactor.Redact(null), Is.Null);
            Assert.That(SecretRedactor.None.Redact("s3cret"), Is.EqualTo("s3cret"));
        });
    }
}
