namespace IdentitySync.Synchronization;

/// <summary>One prepared row: its key, digest, command and (when it differs from the store) its values.</summary>
internal sealed class PreparedRow(string key, int ordinal, ulong digest, long line, RowCommand command, string source)
{
    public string Source { get; } = source;

    public string Key { get; } = key;

    /// <summary>Gets the key's ordinal in the entity type's <see cref="EntityPreparer.KeyOrdinals"/>.</summary>
    public int Ordinal { get; } = ordinal;

    public ulong Digest { get; } = digest;

    public long Line { get; } = line;

    public RowCommand Command { get; } = command;

    public bool Conflicted { get; set; }

    public IReadOnlyList<object?>? Values { get; set; }
}
