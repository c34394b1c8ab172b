namespace IdentitySync.Storage;

/// <summary>A resource as the store holds it.</summary>
public sealed record StoredResource
{
    /// <summary>Initializes a new instance of the <see cref="StoredResource"/> class.</summary>
    /// <param name="id">The stable internal id.</param>
    /// <param name="entityType">The entity type's name.</param>
    /// <param name="key">The primary key's value as text.</param>
    /// <param name="digest">The digest of the source row it was last synchronized from.</param>
    /// <param name="values">The values, one per scalar property of the entity type, in declaration order.</param>
    public StoredResource(long id, string entityType, string key, ulong digest, IReadOnlyList<object?> values)
    {
        Id = id;
        EntityType = entityType;
        Key = key;
        Digest = digest;
        Values = values;
    }

    /// <summary>Gets the stable internal id.</summary>
    public long Id { get; }

    /// <summary>Gets the entity type's name.</summary>
    public string EntityType { get; }

    /// <summary>Gets the primary key's value as text.</summary>
    public string Key { get; }

    /// <summary>Gets the digest of the source row it was last synchronized from.</summary>
    public ulong Digest { get; }

    /// <summary>Gets the values, one per scalar property of the entity type, in declaration order; null where empty.</summary>
    public IReadOnlyList<object?> Values { get; }
}
