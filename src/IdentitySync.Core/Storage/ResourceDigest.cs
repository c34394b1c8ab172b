namespace IdentitySync.Storage;

/// <summary>
/// A stored resource's id, primary key and row digest, without its values: what a synchronization compares
/// an export with first, reading the values only of the resources whose digest differs.
/// </summary>
/// <param name="Id">The stable internal id (<see cref="StoredResource.Id"/>).</param>
/// <param name="Key">The primary key's value as text.</param>
/// <param name="Digest">The digest of the source row the resource was last synchronized from.</param>
public readonly record struct ResourceDigest(long Id, string Key, ulong Digest);
