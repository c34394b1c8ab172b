using IdentitySync.ChangeSets;
using Microsoft.Data.Sqlite;

namespace IdentitySync.Storage.Sqlite;

/// <summary>
/// SQLite's storage failures as <see cref="StoreUnavailableException"/>s that say what happened and what to
/// do: a full disk, a read-only file or folder, an I/O error, a damaged file. Anything else (a constraint,
/// a bug) stays as it is.
/// </summary>
internal static class SqliteFailures
{
    private const int ReadOnly = 8, IoError = 10, Corrupt = 11, Full = 13, CannotOpen = 14, NotADatabase = 26;

    public static bool IsStorage(SqliteException exception) =>
        exception.SqliteErrorCode is ReadOnly or IoError or Corrupt or Full or CannotOpen or NotADatabase;

    public static StoreUnavailableException Unavailable(string path, SqliteException exception) => exception.SqliteErrorCode switch
    {
        Full => new($"'{path}': the disk holding the store is full; nothing of this run was applied. Free some space (or move the store) and run again. ({exception.Message})", exception),
        ReadOnly or CannotOpen when !Writable(path) => new($"'{path}': the store file or its folder is read-only; make both writable (SQLite writes a journal beside the file) and run again. ({exception.Message})", exception),
        Corrupt or NotADatabase => new($"'{path}' is damaged or is not an IdentitySync store; restore it from a backup, or give a new file. ({exception.Message})", exception),
        _ => new($"'{path}' cannot be read or written: {exception.Message}; nothing of this run was applied.", exception),
    };

    /// <summary>Whether the file (or, when it does not exist, its folder) accepts writes: a read-only mount refuses even root.</summary>
    private static bool Writable(string path)
    {
        try
        {
            if (File.Exists(path))
            {
                using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
                {
                }
            }

            var probe = Path.Combine(Path.GetDirectoryName(path)!, $".identitysync-probe-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>A change-set writer whose storage failures arrive as <see cref="StoreUnavailableException"/>s.</summary>
    internal sealed class Writer(IChangeSetWriter inner, string path) : IChangeSetWriter
    {
        public ValueTask InsertAsync(string entityType, IReadOnlyList<ResourceChange> resources, CancellationToken cancellationToken) =>
            Mapped(() => inner.InsertAsync(entityType, resources, cancellationToken));

        public ValueTask UpdateAsync(string entityType, IReadOnlyList<ResourceChange> resources, CancellationToken cancellationToken) =>
            Mapped(() => inner.UpdateAsync(entityType, resources, cancellationToken));

        public ValueTask DeleteAsync(string entityType, IReadOnlyList<string> keys, CancellationToken cancellationToken) =>
            Mapped(() => inner.DeleteAsync(entityType, keys, cancellationToken));

        public ValueTask AddLinksAsync(EntityAssociationKeys association, IReadOnlyList<LinkChange> links, CancellationToken cancellationToken) =>
            Mapped(() => inner.AddLinksAsync(association, links, cancellationToken));

        public ValueTask RemoveLinksAsync(EntityAssociationKeys association, IReadOnlyList<LinkChange> links, CancellationToken cancellationToken) =>
            Mapped(() => inner.RemoveLinksAsync(association, links, cancellationToken));

        public ValueTask ExpectLinksAsync(EntityAssociationKeys association, long added, long removed, CancellationToken cancellationToken) =>
            inner.ExpectLinksAsync(association, added, removed, cancellationToken);

        public ValueTask SetSourcesAsync(string entityType, string key, IReadOnlyList<PropertySource> sources, CancellationToken cancellationToken) =>
            Mapped(() => inner.SetSourcesAsync(entityType, key, sources, cancellationToken));

        public ValueTask SaveLayoutAsync(long id, string layout, CancellationToken cancellationToken) =>
            Mapped(() => inner.SaveLayoutAsync(id, layout, cancellationToken));

        public ValueTask CommitAsync(ConnectorState state, CancellationToken cancellationToken) =>
            Mapped(() => inner.CommitAsync(state, cancellationToken));

        public ValueTask DisposeAsync() => inner.DisposeAsync();

        private async ValueTask Mapped(Func<ValueTask> write)
        {
            try
            {
                await write().ConfigureAwait(false);
            }
            catch (SqliteException exception) when (IsStorage(exception))
            {
                throw Unavailable(path, exception);
            }
        }
    }
}
