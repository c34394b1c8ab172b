using IdentitySync.Categorizations;

namespace IdentitySync.Storage.Sqlite.Tests;

/// <summary>The status column holds each status's name as <c>ToString</c> gives it, written without boxing the value.</summary>
public sealed class SqliteCategorizationTextTests
{
    [Test]
    public void StatusText_OfEveryStatus_IsItsName()
    {
        var statuses = Enum.GetValues<CategorizationStatus>();

        Assert.That(statuses.Select(SqliteCategorizations.StatusText), Is.EqualTo(statuses.Select(static s => s.ToString())));
    }
}
