using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace IdentitySync.Storage.Sqlite;

/// <summary>
/// Copies a large write's pages from the write-ahead log into the database file on a thread of its own, after the
/// write's commit returned (decision 103). SQLite would otherwise do it inside the commit (its automatic checkpoint,
/// every 1,000 pages): for a first load that is a gigabyte copied and synced while the caller waits. Small writes keep
/// the automatic checkpoint. A checkpoint changes no content: the committed pages are safe in the log until it runs,
/// and one that fails (a full disk) leaves them there for the next.
/// </summary>
internal sealed partial class SqliteCheckpoints
{
    /// <summary>Rows a write must reach to leave its checkpoint to the background.</summary>
    internal const long Threshold = 1_000;

    private readonly string _path;
    private readonly string _connectionString;
    private readonly ILogger _log;
    private readonly Lock _gate = new();
    private Task _running = Task.CompletedTask;
    private bool _busy, _again;

    public SqliteCheckpoints(string path, ILogger log)
    {
        _path = path;
        _log = log;

        // A connection of its own that never creates the file: a checkpoint that comes after the file was deleted
        // fails (and says so) rather than leaving an empty database where the store was.
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString();
    }

    /// <summary>
    /// Gets a value indicating whether a background checkpoint was asked for and has not ended: a connection opened
    /// meanwhile leaves the log to it (<see cref="SqliteResourceStore.Open"/>), instead of copying it inside a small
    /// write's commit because the log is longer than SQLite's automatic checkpoint allows.
    /// </summary>
    public bool Pending
    {
        get
        {
            lock (_gate)
            {
                return _busy;
            }
        }
    }

    /// <summary>Gets or sets what a background checkpoint calls before it starts; tests hold it there.</summary>
    internal Action? BeforeBackground { get; set; }

    /// <summary>Commits a write of about <paramref name="rows"/> rows; a large one is checkpointed after the commit, in the background.</summary>
    public void Commit(SqliteConnection connection, SqliteTransaction transaction, long rows)
    {
        if (rows < Threshold)
        {
            transaction.Commit();
            return;
        }

        // The setting lasts for the connection: the store's Open sets it back when the pool hands the connection out again.
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "PRAGMA wal_autocheckpoint = 0";
            command.ExecuteNonQuery();
        }

        transaction.Commit();
        Request();
    }

    /// <summary>Starts a checkpoint, or asks the running one to run once more when it ends.</summary>
    public void Request()
    {
        lock (_gate)
        {
            if (_busy)
            {
                _again = true;
                return;
            }

            _busy = true;
            _running = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
    }

    /// <summary>Waits for the running checkpoint, if any, then runs one on the calling thread.</summary>
    public async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        Task running;
        lock (_gate)
        {
            running = _running;
        }

        // What failed in the background was logged there; this call runs its own checkpoint and throws its own failure.
        await running.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        cancellationToken.ThrowIfCancellationRequested();
        Checkpoint(quiet: false);
    }

    /// <summary>Waits for the running checkpoint, if any: nothing of the store's may touch the file after it is disposed.</summary>
    public void WaitIdle()
    {
        Task running;
        lock (_gate)
        {
            _again = false;
            running = _running;
        }

        ((IAsyncResult)running).AsyncWaitHandle.WaitOne();
    }

    private void Run()
    {
        try
        {
            do
            {
                BeforeBackground?.Invoke();
                Checkpoint(quiet: true);
            }
            while (Again());
        }
        catch
        {
            // Not a storage failure (those are logged): the next large write starts a checkpoint again.
            lock (_gate)
            {
                _busy = false;
            }

            throw;
        }
    }

    /// <summary>Whether a write committed while the checkpoint ran; if not, the checkpoints stop until the next.</summary>
    private bool Again()
    {
        lock (_gate)
        {
            _busy = _again;
            _again = false;
            return _busy;
        }
    }

    /// <summary>One passive checkpoint: it copies what no reader still needs from the log and waits for no one; a failure in the background is logged, one asked for is thrown.</summary>
    private void Checkpoint(bool quiet)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var connection = new SqliteConnection(_connectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
            using var reader = command.ExecuteReader();
            if (reader.Read())
            {
                var (copied, logged) = (reader.GetInt64(2), reader.GetInt64(1));
                var milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                LogCheckpointed(_log, _path, copied, logged, milliseconds);
            }
        }
        catch (Exception exception) when (exception is SqliteException or IOException)
        {
            if (!quiet)
            {
                throw new StoreUnavailableException($"'{_path}': the write-ahead log could not be copied into the file ({exception.Message}); every committed write is kept in the log ('{_path}-wal'), so keep the two files together.", exception);
            }

            LogCheckpointFailed(_log, _path, exception.Message);
        }
    }

    [LoggerMessage(EventId = 6005, Level = LogLevel.Debug, Message = "SQLite store {Path}: {Copied} of {Logged} pages of the write-ahead log copied into the file in {Milliseconds} ms")]
    private static partial void LogCheckpointed(ILogger logger, string path, long copied, long logged, double milliseconds);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Warning, Message = "SQLite store {Path}: the write-ahead log could not be copied into the file ({Reason}); the committed writes stay in the log and the next checkpoint tries again")]
    private static partial void LogCheckpointFailed(ILogger logger, string path, string reason);
}
