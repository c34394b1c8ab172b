namespace IdentitySync.Storage;

/// <summary>A link of an association: from a resource of the first side to one of the second.</summary>
/// <param name="FirstId">The id of the first side's resource.</param>
/// <param name="SecondId">The id of the second side's resource.</param>
public readonly record struct StoredLink(long FirstId, long SecondId);
