using IdentitySync.Storage;
using IdentitySync.Storage.ConformanceTests;

namespace IdentitySync.Tests.Storage;

/// <summary>The in-memory store against the store conformance suite.</summary>
public sealed class InMemoryResourceStoreConformanceTests : ResourceStoreConformanceTests
{
    protected override IResourceStore CreateStore() => new InMemoryResourceStore();

    protected override IResourceStore Reopen() => Store;
}
