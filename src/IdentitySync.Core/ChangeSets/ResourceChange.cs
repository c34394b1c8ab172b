namespace IdentitySync.ChangeSets;

/// <summary>An inserted, updated or deleted resource of a change set.</summary>
public sealed record ResourceChange
{
    /// <summary>Initializes a new instance of the <see cref="ResourceChange"/> class.</summary>
    /// <param name="key">The primary key's value.</param>
    /// <param name="digest">The source row's digest (of the stored row for a delete).</param>
    /// <param name="values">The values after the change (the stored ones for a delete), one per scalar property.</param>
    /// <param name="changes">For an update, the properties whose value changed.</param>
    /// <param name="lineNumber">The source line (0 for a delete).</param>
    public ResourceChange(string key, ulong digest, IReadOnlyList<object?> values, IReadOnlyList<PropertyChange> changes, long lineNumber)
    {
        Key = key;
        Digest = digest;
        Values = values;
        Changes = changes;
        LineNumber = lineNumber;
    }

    /// <summary>Gets the primary key's value.</summary>
    public string Key { get; }

    /// <summary>Gets the source row's digest.</summary>
    public ulong Digest { get; }

    /// <summary>Gets the values after the change, one per scalar property of the entity type, in declaration order.</summary>
    public IReadOnlyList<object?> Values { get; }

    /// <summary>Gets the properties whose value changed (updates only).</summary>
    public IReadOnlyList<PropertyChange> Changes { get; }

    /// <summary>Gets the source line the change comes from; 0 for a delete.</summary>
    public long LineNumber { get; }
}
