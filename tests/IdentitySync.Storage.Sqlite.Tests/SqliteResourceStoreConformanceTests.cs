using IdentitySync.Storage.ConformanceTests;

namespace IdentitySync.Storage.Sqlite.Tests;

/// <summary>The SQLite store against the store conformance suite, on a file on disk.</summary>
public sealed class SqliteResourceStoreConformanceTests : ResourceStoreConformanceTests
{
    private TemporaryDirectory _directory = null!;

    [TearDown]
    public void DeleteFiles() => _directory.Dispose();

    protected override IResourceStore CreateStore()
    {
        _directory = new TemporaryDirectory();
        return new SqliteResourceStore(_directory.File("store.db"));
    }

    protected override IResourceStore Reopen() => new SqliteResourceStore(_directory.File("store.db"));
}
