namespace IdentitySync.Synchronization;

/// <summary>The command of an incremental row; complete rows are all <see cref="Upsert"/>.</summary>
internal enum RowCommand
{
    Upsert,
    Insert,
    Update,
    Delete,
    Merge,
}
