using Microsoft.Data.Sqlite;

namespace IdentitySync.Storage.Sqlite;

/// <summary>
/// The writer's background lane (decision 102): new resources of a type the store held none of when the write
/// began are checked, given their ids and indexed at once, and their rows are written on another thread while the
/// caller goes on (a first load resolves and sorts its links meanwhile). Everything else that touches the
/// connection waits for the lane to be empty first, so the connection is never used by two threads at once and
/// statements run in the order the calls came.
/// </summary>
internal sealed partial class SqliteChangeSetWriter
{
    // The lane: each piece of work starts when the one before it ended, and fails if it failed.
    private Task _lane = Task.CompletedTask;

    // The next resource id: explicit ids, so that new resources' ids are known before their rows are written.
    private long _nextId;

    // Per entity type id: whether every resource of the type stored now was inserted by this write (none stored before).
    private readonly Dictionary<long, bool> _onlyOurs = [];

    /// <summary>Runs work on the lane after everything queued before it.</summary>
    private void Enqueue(Action<CancellationToken> work, CancellationToken cancellationToken)
    {
        _lane = _lane.ContinueWith(
            static (previous, state) =>
            {
                // A failed step fails every step after it, with its own exception.
                previous.GetAwaiter().GetResult();
                var (work, token) = ((Action<CancellationToken>, CancellationToken))state!;
                work(token);
            },
            (work, cancellationToken),
            CancellationToken.None,

            // A thread of its own for each step: the caller may block on the lane (a lookup deep in a link loop, a
            // full batch queue), and the lane must not then wait for a thread-pool thread the caller holds.
            TaskContinuationOptions.DenyChildAttach | TaskContinuationOptions.LongRunning,
            TaskScheduler.Default);
    }

    /// <summary>Waits until the lane is empty; a step that failed fails the caller with its exception.</summary>
    private async ValueTask DrainAsync()
    {
        if (!_lane.IsCompletedSuccessfully)
        {
            await _lane.ConfigureAwait(false);
        }
    }

    /// <summary>Waits, blocking, until the lane is empty: for lookups deep in a link loop, which the lane rarely still runs under.</summary>
    private void Drain()
    {
        if (!_lane.IsCompletedSuccessfully)
        {
            _lane.GetAwaiter().GetResult();
        }
    }

    /// <summary>
    /// The next resource ids, read from the store once (the lane empty) and counted on from there; the commit keeps
    /// where they reached (<see cref="KeepNextId"/>), so a deleted resource's id is never given again.
    /// </summary>
    private long TakeIds(int count)
    {
        if (_nextId == 0)
        {
            Drain();
            using var command = _connection.CreateCommand();
            command.CommandText = SqliteSchema.SelectNextResourceId;
            _nextId = (long)command.ExecuteScalar()!;
        }

        var first = _nextId;
        _nextId += count;
        return first;
    }

    /// <summary>Keeps the next resource id in the commit's transaction, if this write gave any ids (the lane empty).</summary>
    private void KeepNextId()
    {
        if (_nextId == 0)
        {
            return;
        }

        using var command = _connection.CreateCommand();
        command.CommandText = SqliteSchema.KeepNextResourceId;
        command.Parameters.AddWithValue("$n", _nextId);
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Whether every stored resource of the type is one this write inserted: then a new key conflicts only with a
    /// key this writer knows, and its row can be written on the lane. Checked once per type, the lane empty.
    /// </summary>
    private bool OnlyOurs(long typeId, bool created)
    {
        if (!_onlyOurs.TryGetValue(typeId, out var onlyOurs))
        {
            if (!created)
            {
                Drain();
                _anyResource.Bind(1, typeId);
                onlyOurs = !_anyResource.Read() || _anyResource.GetInt64(0) == 0;
                _anyResource.Reset();
            }
            else
            {
                onlyOurs = true;
            }

            _onlyOurs[typeId] = onlyOurs;
        }

        return onlyOurs;
    }

    /// <summary>
    /// The ids of the entity types and associations by name, read when the write begins. A new name gets the next
    /// id at once, and its row is written on the lane before anything that uses it. Names compare as SQLite's
    /// <c>NOCASE</c> does (ASCII letters only), so the rows are the ones <c>INSERT … ON CONFLICT</c> would make.
    /// </summary>
    private sealed class NamedIds
    {
        private readonly string _table;
        private readonly Dictionary<string, long> _ids = new(SqliteNoCase.Instance);
        private long _next = 1;

        public NamedIds(SqliteConnection connection, string table)
        {
            _table = table;
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT id, name FROM {table}";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var id = reader.GetInt64(0);
                _ids[reader.GetString(1)] = id;
                _next = Math.Max(_next, id + 1);
            }
        }

        /// <summary>The id of a name; a new one is given the next id, and its row is queued on the writer's lane.</summary>
        public long Id(SqliteChangeSetWriter writer, string name, out bool created)
        {
            created = !_ids.TryGetValue(name, out var id);
            if (created)
            {
                _ids[name] = id = _next++;
                var table = _table;
                writer.Enqueue(
                    _ =>
                    {
                        using var command = writer._connection.CreateCommand();
                        command.CommandText = $"INSERT INTO {table} (id, name) VALUES ($i, $n)";
                        command.Parameters.AddWithValue("$i", id);
                        command.Parameters.AddWithValue("$n", name);
                        command.ExecuteNonQuery();
                    },
                    CancellationToken.None);
            }

            return id;
        }

        public long Id(SqliteChangeSetWriter writer, string name) => Id(writer, name, out _);
    }
}
