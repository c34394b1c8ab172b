using IdentitySync.Categorizations;
using IdentitySync.Storage;

namespace IdentitySync.Tests.Storage;

/// <summary>A categorization's columns as a store keeps them.</summary>
public sealed class StoredCategorizationTests
{
    /// <summary>The status column holds each status's name, as <c>ToString</c> gives it and a store parses it back.</summary>
    [Test]
    public void StatusText_OfEveryStatus_IsItsName()
    {
        var statuses = Enum.GetValues<CategorizationStatus>();

        var texts = statuses.Select(static s => Stored(s).StatusText).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(texts, Is.EqualTo(statuses.Select(static s => s.ToString())));
            Assert.That(texts.Select(Enum.Parse<CategorizationStatus>), Is.EqualTo(statuses));
        });
    }

    private static StoredCategorization Stored(CategorizationStatus status) =>
        StoredCategorization.Of(new AccountCategorization(1, "AD_User", status, null, null, 0, [], null, 0, 0, DateTimeOffset.UnixEpoch));
}
