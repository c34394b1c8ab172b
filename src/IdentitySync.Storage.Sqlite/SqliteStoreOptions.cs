namespace IdentitySync.Storage.Sqlite;

/// <summary>Settings of the SQLite store beyond its file.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>Gets or sets how long the change feed keeps a version (<see cref="IChangeFeedStore"/>); seven days unless set. The newest version is always kept; a consumer that falls further behind takes one full pass.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan ChangeFeedRetention { get; set => field = IChangeFeedStore.CheckRetention(value); } = IChangeFeedStore.DefaultRetention;

    /// <summary>Gets or sets the clock that times the change feed's versions; the system clock unless set.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
