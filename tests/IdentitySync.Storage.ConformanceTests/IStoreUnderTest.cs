namespace IdentitySync.Storage.ConformanceTests;

/// <summary>Creates the store a conformance test runs on, and opens its data again as a new process would.</summary>
public interface IStoreUnderTest : IDisposable
{
    /// <summary>Creates a new, empty store.</summary>
    /// <returns>The store.</returns>
    IResourceStore Create();

    /// <summary>Opens the same data again, as a new process would; in-memory stores return the same instance.</summary>
    /// <returns>The store.</returns>
    IResourceStore Reopen();

    /// <summary>Opens the same data again with another change feed retention; in-memory stores set it on the same instance.</summary>
    /// <param name="changeFeedRetention">How long the change feed keeps a version.</param>
    /// <returns>The store.</returns>
    IResourceStore Reopen(TimeSpan changeFeedRetention);
}
