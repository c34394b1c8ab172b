namespace IdentitySync.Reading;

/// <summary>One page of an entity type's resources, in key order (ordinal).</summary>
public sealed class ResourcePage
{
    /// <summary>Gets the resources of the page.</summary>
    public required IReadOnlyList<RepositoryResource> Resources { get; init; }

    /// <summary>Gets the key to ask the next page after, or null when this is the last page.</summary>
    public string? NextAfterKey { get; init; }
}
