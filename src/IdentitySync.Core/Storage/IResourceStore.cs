namespace IdentitySync.Storage;

/// <summary>
/// A whole store: every role the engines use, which is what a store package implements and registers.
/// Engines and other callers depend on the role they use (<see cref="IResourceReader"/>,
/// <see cref="ISyncStateStore"/>, <see cref="ICategorizationStore"/>, <see cref="IOrderStore"/>,
/// <see cref="IProvenanceStore"/>, <see cref="IJobRunStore"/>, <see cref="IChangeFeedStore"/>); see docs/storage.md.
/// </summary>
public interface IResourceStore : ISyncStateStore, ICategorizationStore, IOrderStore, IProvenanceStore, IJobRunStore, IChangeFeedStore
{
}
