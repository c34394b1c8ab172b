namespace IdentitySync.Connections;

/// <summary>One target of a link an order adds or removes.</summary>
/// <param name="Key">The target's primary key, as the order names it.</param>
/// <param name="Keys">
/// The target's keys as its own mapping names them, primary first, from the repository; only the primary key
/// (with its column when mapped) when the target is not stored yet, such as a group created by the same batch.
/// </param>
public sealed record LinkTarget(string Key, IReadOnlyList<ResourceKeyValue> Keys);
