using IdentitySync.Storage.ConformanceTests;

namespace IdentitySync.Storage.Sqlite.Tests;

/// <summary>A SQLite store in a file on disk, for the store conformance suite; reopening opens the same file.</summary>
public sealed class SqliteStoreUnderTest : IStoreUnderTest
{
    private readonly TemporaryDirectory _directory = new();
    private readonly List<SqliteResourceStore> _opened = [];

    /// <inheritdoc />
    public IResourceStore Create() => Reopen();

    /// <inheritdoc />
    public IResourceStore Reopen()
    {
        var store = new SqliteResourceStore(_directory.File("store.db"));
        _opened.Add(store);
        return store;
    }

    /// <inheritdoc />
    public IResourceStore Reopen(TimeSpan changeFeedRetention)
    {
        var store = new SqliteResourceStore(_directory.File("store.db"), new SqliteStoreOptions { ChangeFeedRetention = changeFeedRetention });
        _opened.Add(store);
        return store;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var store in _opened)
        {
            store.Dispose();
        }

        _directory.Dispose();
    }
}

/// <summary>The SQLite store against the resource-reader role's conformance tests.</summary>
public sealed class SqliteResourceReaderConformanceTests : ResourceReaderConformanceTests<SqliteStoreUnderTest>;

/// <summary>The SQLite store against the sync-state role's conformance tests.</summary>
public sealed class SqliteSyncStateStoreConformanceTests : SyncStateStoreConformanceTests<SqliteStoreUnderTest>;

/// <summary>The SQLite store against the categorization role's conformance tests.</summary>
public sealed class SqliteCategorizationStoreConformanceTests : CategorizationStoreConformanceTests<SqliteStoreUnderTest>;

/// <summary>The SQLite store against the change feed's conformance tests.</summary>
public sealed class SqliteChangeFeedStoreConformanceTests : ChangeFeedStoreConformanceTests<SqliteStoreUnderTest>;

/// <summary>The SQLite store against the order role's conformance tests.</summary>
public sealed class SqliteOrderStoreConformanceTests : OrderStoreConformanceTests<SqliteStoreUnderTest>;

/// <summary>The SQLite store against the provenance role's conformance tests.</summary>
public sealed class SqliteProvenanceStoreConformanceTests : ProvenanceStoreConformanceTests<SqliteStoreUnderTest>;

/// <summary>The SQLite store against the job-run role's conformance tests.</summary>
public sealed class SqliteJobRunStoreConformanceTests : JobRunStoreConformanceTests<SqliteStoreUnderTest>;

/// <summary>The generated company on the SQLite store: load, again, 1 % changed, the same state as in memory.</summary>
public sealed class SqliteGeneratedDataTests : GeneratedDataConformanceTests<SqliteStoreUnderTest>;

/// <summary>The SQLite store against the model-change conformance tests.</summary>
public sealed class SqliteModelChangeConformanceTests : ModelChangeConformanceTests<SqliteStoreUnderTest>;
