using IdentitySync.Storage.ConformanceTests;

namespace IdentitySync.Storage.PostgreSql.Tests;

/// <summary>
/// A PostgreSQL store in a schema of its own on the test server; reopening opens the same schema without
/// migrating. Reads come in pages of 7 resources (70 links), so every suite also reads across page ends.
/// </summary>
public sealed class PostgreSqlStoreUnderTest : IStoreUnderTest
{
    private readonly string _schema = PostgresServer.NewSchema();
    private readonly List<PostgreSqlResourceStore> _opened = [];

    /// <inheritdoc />
    public IResourceStore Create() => Open(migrate: true);

    /// <inheritdoc />
    public IResourceStore Reopen() => Open(migrate: false);

    /// <inheritdoc />
    public IResourceStore Reopen(TimeSpan changeFeedRetention) => Open(migrate: false, changeFeedRetention);

    /// <inheritdoc />
    public void Dispose()
    {
        _opened.ForEach(static s => s.Dispose());
        PostgresServer.DropAsync(_schema).GetAwaiter().GetResult();
    }

    private PostgreSqlResourceStore Open(bool migrate, TimeSpan? changeFeedRetention = null)
    {
        var options = new PostgreSqlStoreOptions { Schema = _schema, MigrateOnOpen = migrate, ReadPageSize = 7 };
        options.ChangeFeedRetention = changeFeedRetention ?? options.ChangeFeedRetention;
        var store = new PostgreSqlResourceStore(PostgresServer.ConnectionString, options);
        _opened.Add(store);
        return store;
    }
}

/// <summary>The PostgreSQL store against the resource-reader role's conformance tests.</summary>
public sealed class PostgreSqlResourceReaderConformanceTests : ResourceReaderConformanceTests<PostgreSqlStoreUnderTest>;

/// <summary>The PostgreSQL store against the sync-state role's conformance tests.</summary>
public sealed class PostgreSqlSyncStateStoreConformanceTests : SyncStateStoreConformanceTests<PostgreSqlStoreUnderTest>;

/// <summary>The PostgreSQL store against the categorization role's conformance tests.</summary>
public sealed class PostgreSqlCategorizationStoreConformanceTests : CategorizationStoreConformanceTests<PostgreSqlStoreUnderTest>;

/// <summary>The PostgreSQL store against the change feed's conformance tests.</summary>
public sealed class PostgreSqlChangeFeedStoreConformanceTests : ChangeFeedStoreConformanceTests<PostgreSqlStoreUnderTest>;

/// <summary>The PostgreSQL store against the order role's conformance tests.</summary>
public sealed class PostgreSqlOrderStoreConformanceTests : OrderStoreConformanceTests<PostgreSqlStoreUnderTest>;

/// <summary>The PostgreSQL store against the provenance role's conformance tests.</summary>
public sealed class PostgreSqlProvenanceStoreConformanceTests : ProvenanceStoreConformanceTests<PostgreSqlStoreUnderTest>;

/// <summary>The PostgreSQL store against the job-run role's conformance tests.</summary>
public sealed class PostgreSqlJobRunStoreConformanceTests : JobRunStoreConformanceTests<PostgreSqlStoreUnderTest>;

/// <summary>The generated company on the PostgreSQL store: load, again, 1 % changed, the same state as in memory.</summary>
public sealed class PostgreSqlGeneratedDataTests : GeneratedDataConformanceTests<PostgreSqlStoreUnderTest>;

/// <summary>The PostgreSQL store against the model-change conformance tests.</summary>
public sealed class PostgreSqlModelChangeConformanceTests : ModelChangeConformanceTests<PostgreSqlStoreUnderTest>;
