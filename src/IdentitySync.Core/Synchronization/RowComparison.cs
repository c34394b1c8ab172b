using IdentitySync.ChangeSets;
using IdentitySync.Model;
using IdentitySync.Storage;

namespace IdentitySync.Synchronization;

/// <summary>What a prepared row of a stored key changes: nothing, some properties, or only the stored digest.</summary>
internal static class RowComparison
{
    /// <summary>
    /// Decides what a row of a stored key is: unchanged (returns 1), an update with the changed
    /// properties, or, when the text changed but not the values (or the digest was unknown), an update
    /// that only refreshes the stored digest (also counted unchanged).
    /// </summary>
    /// <param name="entityType">The row's entity type.</param>
    /// <param name="stored">The stored resource of the row's key.</param>
    /// <param name="row">The prepared row; without values when its digest matched the stored one.</param>
    /// <param name="updated">Receives the update, if any.</param>
    /// <returns>1 when the row changes no value, else 0.</returns>
    public static int CompareWithStored(EntityType entityType, StoredResource stored, PreparedRow row, List<ResourceChange> updated)
    {
        if (row.Values is null)
        {
            return 1;
        }

        var changes = Compare(entityType, stored, row.Values);
        if (changes.Count > 0 || stored.Digest != row.Digest)
        {
            updated.Add(new ResourceChange(row.Key, row.Digest, row.Values, changes, row.Line));
        }

        return changes.Count == 0 ? 1 : 0;
    }

    private static List<PropertyChange> Compare(EntityType entityType, StoredResource before, IReadOnlyList<object?> after)
    {
        var changes = new List<PropertyChange>();
        for (var i = 0; i < entityType.Properties.Count; i++)
        {
            // Values written under an older model read by property name (StoredValues).
            var old = before.ValueAt(entityType, i);
            if (!ValueComparer.Equals(old, after[i]))
            {
                changes.Add(new PropertyChange(entityType.Properties[i].Name, old, after[i]));
            }
        }

        return changes;
    }
}
