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
}
