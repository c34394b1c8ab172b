using IdentitySync.Storage;
using IdentitySync.Storage.ConformanceTests;

namespace IdentitySync.Tests.Storage;

/// <summary>An in-memory store for the store conformance suite; reopening returns the same instance.</summary>
public sealed class InMemoryStoreUnderTest : IStoreUnderTest
{
    private readonly InMemoryResourceStore _store = new();

    /// <inheritdoc />
    public IResourceStore Create() => _store;

    /// <inheritdoc />
    public IResourceStore Reopen() => _store;

    /// <inheritdoc />
    public IResourceStore Reopen(TimeSpan changeFeedRetention)
    {
        _store.ChangeFeedRetention = changeFeedRetention;
        return _store;
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}

/// <summary>The in-memory store against the resource-reader role's conformance tests.</summary>
public sealed class InMemoryResourceReaderConformanceTests : ResourceReaderConformanceTests<InMemoryStoreUnderTest>;

/// <summary>The in-memory store against the sync-state role's conformance tests.</summary>
public sealed class InMemorySyncStateStoreConformanceTests : SyncStateStoreConformanceTests<InMemoryStoreUnderTest>;

/// <summary>The in-memory store against the categorization role's conformance tests.</summary>
public sealed class InMemoryCategorizationStoreConformanceTests : CategorizationStoreConformanceTests<InMemoryStoreUnderTest>;

/// <summary>The in-memory store against the order role's conformance tests.</summary>
public sealed class InMemoryOrderStoreConformanceTests : OrderStoreConformanceTests<InMemoryStoreUnderTest>;

/// <summary>The in-memory store against the provenance role's conformance tests.</summary>
public sealed class InMemoryProvenanceStoreConformanceTests : ProvenanceStoreConformanceTests<InMemoryStoreUnderTest>;

/// <summary>The in-memory store against the job-run role's conformance tests.</summary>
public sealed class InMemoryJobRunStoreConformanceTests : JobRunStoreConformanceTests<InMemoryStoreUnderTest>;

/// <summary>The in-memory store against the change feed's conformance tests.</summary>
public sealed class InMemoryChangeFeedStoreConformanceTests : ChangeFeedStoreConformanceTests<InMemoryStoreUnderTest>;

/// <summary>The in-memory store against the model-change conformance tests.</summary>
public sealed class InMemoryModelChangeConformanceTests : ModelChangeConformanceTests<InMemoryStoreUnderTest>;
